package org.memallocator;

/**
 * A failed allocator or sample call: the exception form of a failure HRESULT.
 * {@link #hresult()} is the exact code the COM method would have returned.
 */
public final class MemAllocatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final HResult hresult;

    public MemAllocatorException(HResult hresult, String message) {
        super(hresult.describe() + ": " + message);
        if (hresult.succeeded()) {
            throw new IllegalArgumentException("a success code is not an error: " + hresult);
        }
        this.hresult = hresult;
    }

    /** The failure code, never a success code. */
    public HResult hresult() {
        return hresult;
    }
}
