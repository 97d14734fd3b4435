package org.memallocator;

import java.nio.ByteBuffer;

/**
 * {@code IMediaSample}: one buffer of an allocator, handed out by {@code getBuffer} with
 * reference count 1. The final {@link #release()} returns the buffer to its allocator.
 *
 * <p>Each method maps to one {@code IMediaSample} method. {@code S_OK}/{@code S_FALSE} answers
 * become booleans, output parameters become return values, a success code other than
 * {@code S_OK} is returned as a value ({@link TimeRange#result()}), and failure codes are thrown
 * as {@link MemAllocatorException}.
 *
 * <p>Reference counting is thread-safe. The data and properties are not synchronized, as in COM:
 * they belong to whoever holds the sample, and handing a sample to another thread must go
 * through something that orders memory (a queue, a lock).
 *
 * <p>Misuse is loud: every method of a sample whose count is 0 (finally released already, or
 * of memory the allocator has dropped) throws {@link IllegalStateException}, and never hands the
 * buffer back a second time. A stale reference to a sample that has since been handed out again
 * cannot be told apart from the new holder's, as in COM.
 */
public interface MediaSample {

    /**
     * A time range read from a sample.
     *
     * @param start  the start time, in 100 ns units
     * @param end    the end time
     * @param result {@link HResult#S_OK}, or {@link HResult#VFW_S_NO_STOP_TIME} when only the
     *               start was set and {@code end} is {@code start + 1}
     */
    record TimeRange(long start, long end, HResult result) {
    }

    /**
     * {@code AddRef}: returns the new reference count.
     *
     * @throws MemAllocatorException {@link HResult#E_FAIL} when the count is already
     *         {@code Integer.MAX_VALUE}; nothing changes. COM's count is an unsigned 32-bit
     *         {@code ULONG} that wraps silently after 2^32 - 1 increments (back to 0: the buffer
     *         would be stranded, outstanding for ever); here the count is an {@code int} and is
     *         refused instead of wrapping. {@code E_FAIL} because no specific code applies: it is
     *         a limit of this sample, not missing memory ({@code E_OUTOFMEMORY} would suggest
     *         freeing memory helps) and not a bad argument.
     */
    int addRef();

    /**
     * {@code Release}: returns the new reference count. The final release (count 0) clears the
     * sample's per-use properties, returns the buffer to its allocator exactly once and, outside
     * the allocator's lock, runs the allocator's notify callback; nothing of the sample may be
     * used afterwards.
     */
    int release();

    /**
     * {@code GetPointer}: the {@link #size()} usable bytes after the prefix, as a new view of the
     * same memory on every call (position 0, limit {@code size()}), so that holders do not share
     * a cursor.
     */
    ByteBuffer pointer();

    /** {@code GetSize}: the buffer size the allocator granted (the rounded {@code cbBuffer}). */
    int size();

    /** {@code GetActualDataLength}: {@link #size()} for a fresh sample; kept across recycling. */
    int actualDataLength();

    /**
     * {@code SetActualDataLength}: {@code 0 <= length <= size()}, else
     * {@link HResult#VFW_E_BUFFER_OVERFLOW} and nothing changes.
     */
    void setActualDataLength(int length);

    /**
     * {@code GetTime}: {@link HResult#S_OK} with both times, or
     * {@link HResult#VFW_S_NO_STOP_TIME} with {@code end = start + 1} when only the start is set.
     *
     * @throws MemAllocatorException {@link HResult#VFW_E_SAMPLE_TIME_NOT_SET} when no start time is
     *                               set (a fresh sample, and every sample once recycled)
     */
    TimeRange time();

    /**
     * {@code SetTime}: {@code start == null} clears both times ({@code end} is ignored: Microsoft
     * asserts it is null in debug builds only); {@code end == null} sets the start and clears the
     * stop time. Always {@code S_OK}; {@code end < start} is not checked (a debug assertion in
     * Microsoft's code).
     */
    void setTime(Long start, Long end);

    /**
     * {@code GetMediaTime}: both media times, {@link HResult#S_OK}.
     *
     * @throws MemAllocatorException {@link HResult#VFW_E_MEDIA_TIME_NOT_SET} when not set
     */
    TimeRange mediaTime();

    /**
     * {@code SetMediaTime}: {@code start == null} clears the media times ({@code end} is ignored).
     * Microsoft keeps the end as a 32-bit offset from the start, losing ranges of 2^31 or more;
     * this keeps both as {@code long}, as Wine does and as the interface's two LONGLONGs say.
     *
     * @throws MemAllocatorException {@link HResult#E_POINTER} for a start without an end; nothing
     *                               changes
     */
    void setMediaTime(Long start, Long end);

    /** {@code IsSyncPoint}: {@code true} for {@code S_OK}, {@code false} for {@code S_FALSE}. */
    boolean isSyncPoint();

    /** {@code SetSyncPoint}: always {@code S_OK}. */
    void setSyncPoint(boolean syncPoint);

    /** {@code IsPreroll}: {@code true} for {@code S_OK}, {@code false} for {@code S_FALSE}. */
    boolean isPreroll();

    /** {@code SetPreroll}: always {@code S_OK}. */
    void setPreroll(boolean preroll);

    /** {@code IsDiscontinuity}: {@code true} for {@code S_OK}, {@code false} for {@code S_FALSE}. */
    boolean isDiscontinuity();

    /** {@code SetDiscontinuity}: always {@code S_OK}. */
    void setDiscontinuity(boolean discontinuity);

    /**
     * {@code GetMediaType}: the attached media type, or {@code null} for {@code S_FALSE} (none, or
     * the type did not change). The type is an opaque value; COM returns a copy the caller frees,
     * so callers must treat the returned object as read-only.
     */
    Object mediaType();

    /**
     * {@code SetMediaType}: attaches a media type and sets {@code AM_SAMPLE_TYPECHANGED};
     * {@code null} removes it and clears the flag (still {@code S_OK}). So the flag is set exactly
     * when {@link #mediaType()} is not {@code null}.
     */
    void setMediaType(Object mediaType);
}
