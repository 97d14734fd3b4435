package org.memallocator;

/**
 * Every HRESULT the allocator and its samples can produce, with its exact 32-bit value
 * (values from the Windows SDK headers {@code winerror.h} and {@code vfwmsgs.h}).
 *
 * <p>Success codes ({@link #S_OK}, {@link #S_FALSE}, {@link #VFW_S_NO_STOP_TIME}) are returned
 * as values where the COM method can return them; every failure code is carried by a
 * {@link MemAllocatorException}.
 */
public enum HResult {
    S_OK(0x00000000),
    S_FALSE(0x00000001),
    VFW_S_NO_STOP_TIME(0x00040270),
    E_POINTER(0x80004003),
    E_NOINTERFACE(0x80004002),
    E_FAIL(0x80004005),
    E_INVALIDARG(0x80070057),
    E_OUTOFMEMORY(0x8007000E),
    CLASS_E_NOAGGREGATION(0x80040110),
    VFW_E_BUFFER_NOTSET(0x8004020C),
    VFW_E_BUFFER_OVERFLOW(0x8004020D),
    VFW_E_BADALIGN(0x8004020E),
    VFW_E_ALREADY_COMMITTED(0x8004020F),
    VFW_E_BUFFERS_OUTSTANDING(0x80040210),
    VFW_E_NOT_COMMITTED(0x80040211),
    VFW_E_SIZENOTSET(0x80040212),
    VFW_E_STATE_CHANGED(0x80040223),
    VFW_E_WRONG_STATE(0x80040227),
    VFW_E_TIMEOUT(0x8004022E),
    VFW_E_SAMPLE_TIME_NOT_SET(0x80040249),
    VFW_E_MEDIA_TIME_NOT_SET(0x80040251);

    private final int value;

    HResult(int value) {
        this.value = value;
    }

    /** The 32-bit HRESULT as COM returns it (negative for failures). */
    public int value() {
        return value;
    }

    /** {@code SUCCEEDED(hr)}: the severity bit is clear. */
    public boolean succeeded() {
        return value >= 0;
    }

    /** {@code FAILED(hr)}. */
    public boolean failed() {
        return value < 0;
    }

    /** The code with the given 32-bit value, or an exception naming the unknown value. */
    public static HResult of(int value) {
        for (HResult hr : values()) {
            if (hr.value == value) {
                return hr;
            }
        }
        throw new IllegalArgumentException(String.format("unknown HRESULT 0x%08X", value));
    }

    /** {@code "VFW_E_TIMEOUT (0x8004022E)"}. */
    public String describe() {
        return String.format("%s (0x%08X)", name(), value);
    }
}
