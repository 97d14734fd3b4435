package org.memallocator;

import java.nio.ByteBuffer;

/**
 * {@code IMediaSample}: one buffer of an allocator, handed out by {@code getBuffer} with
 * reference count 1. The final {@link #release()} returns the buffer to its allocator.
 */
public interface MediaSample {

    /** {@code AddRef}: returns the new reference count. */
    int addRef();

    /** {@code Release}: returns the new reference count; at 0 the buffer goes back, exactly once. */
    int release();

    /** {@code GetPointer}: exactly the {@code cbBuffer} usable bytes after the prefix. */
    ByteBuffer pointer();

    /** {@code GetSize}: the actual (rounded) {@code cbBuffer}. */
    int size();

    /** {@code GetActualDataLength}. */
    int actualDataLength();

    /** {@code SetActualDataLength}: 0..size, else {@link HResult#VFW_E_BUFFER_OVERFLOW}. */
    void setActualDataLength(int length);
}
