package org.memallocator;

import java.time.Duration;

/**
 * {@code IMemAllocator}: a fixed pool of media sample buffers shared by two connected pins.
 *
 * <p>Usage, as in the DirectShow documentation: {@link #setProperties} (how many buffers, how
 * large), {@link #commit} (allocate), {@link #getBuffer} (take an empty sample; blocks while none
 * is free), the sample's final {@link MediaSample#release} (the buffer goes back to the free
 * list), {@link #decommit} (no more buffers: blocked and later {@code getBuffer} calls fail with
 * {@link HResult#VFW_E_NOT_COMMITTED}; the samples go once every outstanding sample is back).
 *
 * <p>Memory: the reference implementation keeps the direct block after a decommit and reuses it
 * for the next {@link #commit} with the same properties, as Microsoft's allocator does; it lets
 * the block go (to the garbage collector) on a change of properties and on {@link #close}. A
 * failed {@code commit} changes nothing.
 *
 * <p>Failures throw {@link MemAllocatorException} carrying the exact HRESULT.
 * The spec action each method implements is named in the implementation's Javadoc.
 */
public interface MemAllocator extends AutoCloseable {

    /** {@code AM_GBF_PREVFRAMESKIPPED}: accepted and ignored. */
    int AM_GBF_PREVFRAMESKIPPED = 1;
    /** {@code AM_GBF_NOTASYNCPOINT}: accepted and ignored. */
    int AM_GBF_NOTASYNCPOINT = 2;
    /** {@code AM_GBF_NOWAIT}: fail with {@link HResult#VFW_E_TIMEOUT} instead of blocking. */
    int AM_GBF_NOWAIT = 4;
    /** {@code AM_GBF_NODDSURFACELOCK}: accepted and ignored. */
    int AM_GBF_NODDSURFACELOCK = 8;

    /** {@code SetProperties}: store the requirements; returns what will actually be allocated. */
    AllocatorProperties setProperties(AllocatorProperties request);

    /** {@code GetProperties}: the properties in force (all zero before any successful set). */
    AllocatorProperties getProperties();

    /** {@code Commit}: allocate the buffers, or cancel a pending decommit; idempotent. */
    void commit();

    /** {@code Decommit}: stop handing out samples; idempotent; never waits for samples. */
    void decommit();

    /** {@code GetBuffer(ppBuffer, NULL, NULL, dwFlags)}: a free sample with reference count 1. */
    MediaSample getBuffer(int flags) throws InterruptedException;

    /** {@code GetBuffer} with the start and end times, which are ignored as in the base classes. */
    MediaSample getBuffer(long startTime, long endTime, int flags) throws InterruptedException;

    /** A blocking {@code getBuffer} with one deadline for the whole call. */
    MediaSample getBuffer(int flags, Duration timeout) throws InterruptedException;

    /**
     * {@code ReleaseBuffer}: called by a sample on its final release. Clients release samples
     * through {@link MediaSample#release()}, never through this method.
     */
    void releaseBuffer(MediaSample sample);

    /** {@code IMemAllocatorCallbackTemp::GetFreeCount}: samples on the free list now. */
    int freeCount();

    /** Samples handed out and not yet finally released. */
    int outstandingCount();

    /** Threads blocked in {@code getBuffer} now. */
    int waitingCount();

    /** Whether {@code getBuffer} can hand out samples now. */
    boolean isCommitted();

    /** Whether a {@code decommit} is waiting for outstanding samples to come back. */
    boolean isDecommitPending();

    /**
     * {@code IMemAllocatorCallbackTemp::SetNotify}: {@code callback} runs after every final
     * sample release, outside the allocator's lock; {@code null} removes it.
     */
    void setNotify(Runnable callback);

    /**
     * Java addition: installs (or with {@code null} removes) the receiver of this allocator's spec
     * steps (see {@link SpecTrace}), for trace validation and history recording.
     */
    void setSpecTrace(SpecTrace trace);

    /**
     * The client's last reference: decommits, and refuses every later allocator call.
     * The memory goes when the last outstanding sample comes back.
     */
    @Override
    void close();
}
