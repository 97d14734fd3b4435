package org.memallocator;

/**
 * {@code ALLOCATOR_PROPERTIES}: the buffer requirements a pin asks for and the allocator grants.
 *
 * @param cBuffers number of buffers
 * @param cbBuffer usable bytes per buffer, excluding the prefix
 * @param cbAlign  alignment of the start of each buffer's prefix, a power of two from 1 to 65536
 * @param cbPrefix bytes reserved before each buffer's data pointer
 */
public record AllocatorProperties(int cBuffers, int cbBuffer, int cbAlign, int cbPrefix) {

    /** All zero: what {@code GetProperties} reports before any successful {@code SetProperties}. */
    public static final AllocatorProperties NONE = new AllocatorProperties(0, 0, 0, 0);
}
