package org.memallocator;

/**
 * {@code ALLOCATOR_PROPERTIES}: the buffer requirements a pin asks for and the allocator grants.
 *
 * <p>The rules that turn a request into a layout live here, in one place, so that the
 * implementation, the executable model and the test oracle cannot disagree:
 * {@link #hasValidAlignment()} (checked by {@code SetProperties}), {@link #rounded()} (what
 * {@code SetProperties} stores and returns) and {@link #commitError()} (what {@code Commit} finds
 * when it lays the stored properties out).
 *
 * @param cBuffers number of buffers
 * @param cbBuffer usable bytes per buffer, excluding the prefix
 * @param cbAlign  alignment of the start of each buffer's prefix, a power of two from 1 to 65536
 * @param cbPrefix bytes reserved before each buffer's data pointer
 */
public record AllocatorProperties(int cBuffers, int cbBuffer, int cbAlign, int cbPrefix) {

    /** All zero: what {@code GetProperties} reports before any successful {@code SetProperties}. */
    public static final AllocatorProperties NONE = new AllocatorProperties(0, 0, 0, 0);

    /** The largest alignment {@code SetProperties} accepts: the 64 KiB allocation granularity. */
    public static final int MAX_ALIGN = 65536;

    /**
     * Whether {@code cbAlign} is a power of two from 1 to {@link #MAX_ALIGN}: the documented
     * contract ("must be an even power of two"). Microsoft's {@code CMemAllocator} is laxer: it
     * rejects only 0 and values whose {@code cbAlign - 1} shares bits with the allocation
     * granularity, so it accepts 3 or 10. Wine rejects only 0 here and checks the page size at
     * {@code Commit}.
     */
    public boolean hasValidAlignment() {
        return cbAlign >= 1 && cbAlign <= MAX_ALIGN && Integer.bitCount(cbAlign) == 1;
    }

    /**
     * What {@code SetProperties} grants: {@code cbBuffer + cbPrefix} rounded up to a multiple of
     * {@code cbAlign}, minus {@code cbPrefix}; the other three fields unchanged. Nothing else is
     * validated. Requires {@link #hasValidAlignment()}.
     *
     * <p>Two edge cases, both of which {@code Commit} then refuses: the rounding is the true
     * ceiling (for a negative sum, C's {@code %} makes Microsoft's code round differently), and a
     * size that no longer fits an {@code int} is saturated at {@code Integer.MAX_VALUE}
     * ({@link #commitError()} reports {@link HResult#E_OUTOFMEMORY} for it).
     */
    public AllocatorProperties rounded() {
        long sum = (long) cbBuffer + cbPrefix;
        long roundedUp = Math.floorDiv(sum + cbAlign - 1, cbAlign) * cbAlign;
        int size = (int) Math.min(roundedUp - cbPrefix, Integer.MAX_VALUE);
        return new AllocatorProperties(cBuffers, size, cbAlign, cbPrefix);
    }

    /**
     * Why {@code Commit} cannot lay these (stored, rounded) properties out, or
     * {@link HResult#S_OK} when it can. In this order:
     * <ul>
     * <li>{@link HResult#VFW_E_SIZENOTSET}: {@code cBuffers <= 0}, {@code cbBuffer <= 0} or
     *     {@code cbAlign <= 0} (so also for {@link #NONE}, never set);</li>
     * <li>{@link HResult#E_OUTOFMEMORY}: a negative {@code cbPrefix}, or a block too large for
     *     one direct {@code ByteBuffer}: {@code cBuffers * stride() + cbAlign - 1} bytes (the
     *     slack lets the block start be aligned) above {@code Integer.MAX_VALUE}. Microsoft's
     *     limit, {@code cBuffers * stride <= MAXLONG}, is the same 2^31 - 1 without the slack.</li>
     * </ul>
     * Wine differs: {@code VFW_E_BUFFER_NOTSET} for {@code cBuffers == 0} and
     * {@code VFW_E_BADALIGN} before anything else for {@code cbAlign == 0}.
     */
    public HResult commitError() {
        if (cBuffers <= 0 || cbBuffer <= 0 || cbAlign <= 0) {
            return HResult.VFW_E_SIZENOTSET;
        }
        long blockBytes = cBuffers * ((long) cbBuffer + cbPrefix) + cbAlign - 1;
        if (cbPrefix < 0 || blockBytes > Integer.MAX_VALUE) {
            return HResult.E_OUTOFMEMORY;
        }
        return HResult.S_OK;
    }

    /**
     * {@code cbBuffer + cbPrefix}: the distance from one buffer's prefix to the next. For rounded
     * properties it is a multiple of {@code cbAlign}; it fits an {@code int} once
     * {@link #commitError()} is {@link HResult#S_OK}.
     */
    public int stride() {
        return cbBuffer + cbPrefix;
    }
}
