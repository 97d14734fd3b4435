package org.memallocator.model;

import org.memallocator.HResult;

/**
 * The spec's {@code Results}: what a thread's last call returned. The names are the spec's
 * strings. {@link #NONE}: no call has returned yet, or one is in progress; {@link #INTERRUPTED}: a
 * blocked {@code getBuffer} threw {@link InterruptedException}.
 */
public enum Result {
    NONE,
    S_OK,
    VFW_E_BADALIGN,
    VFW_E_ALREADY_COMMITTED,
    VFW_E_BUFFERS_OUTSTANDING,
    VFW_E_SIZENOTSET,
    E_OUTOFMEMORY,
    VFW_E_NOT_COMMITTED,
    VFW_E_TIMEOUT,
    INTERRUPTED;

    /** The HRESULT this result stands for, or {@code null} for {@link #NONE} and {@link #INTERRUPTED}. */
    public HResult hresult() {
        return this == NONE || this == INTERRUPTED ? null : HResult.valueOf(name());
    }

    /**
     * The result standing for {@code hr}. A {@link org.memallocator.SpecEvent} carries {@code null}
     * for both {@code GetBufferBlocks} ({@link #NONE}) and {@code WaitInterrupted}
     * ({@link #INTERRUPTED}): map those by action, not here.
     *
     * @throws IllegalArgumentException for an HRESULT that no spec action returns
     */
    public static Result of(HResult hr) {
        return valueOf(hr.name());
    }
}
