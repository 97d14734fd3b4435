package org.memallocator;

import java.time.Duration;

/**
 * A {@link MemAllocator} that forwards every call to another one: the base of a decorator that
 * changes or observes a few calls (the oracle's history recorder, a test's broken allocator) and
 * overrides only those. Adds no locking and no state of its own.
 */
public abstract class ForwardingMemAllocator implements MemAllocator {

    /** The allocator every call goes to. */
    protected final MemAllocator inner;

    protected ForwardingMemAllocator(MemAllocator inner) {
        this.inner = java.util.Objects.requireNonNull(inner, "inner");
    }

    @Override
    public AllocatorProperties setProperties(AllocatorProperties request) {
        return inner.setProperties(request);
    }

    @Override
    public AllocatorProperties getProperties() {
        return inner.getProperties();
    }

    @Override
    public void commit() {
        inner.commit();
    }

    @Override
    public void decommit() {
        inner.decommit();
    }

    @Override
    public MediaSample getBuffer(int flags) throws InterruptedException {
        return inner.getBuffer(flags);
    }

    @Override
    public MediaSample getBuffer(long startTime, long endTime, int flags) throws InterruptedException {
        return inner.getBuffer(startTime, endTime, flags);
    }

    @Override
    public MediaSample getBuffer(int flags, Duration timeout) throws InterruptedException {
        return inner.getBuffer(flags, timeout);
    }

    @Override
    public void releaseBuffer(MediaSample sample) {
        inner.releaseBuffer(sample);
    }

    @Override
    public int freeCount() {
        return inner.freeCount();
    }

    @Override
    public int outstandingCount() {
        return inner.outstandingCount();
    }

    @Override
    public int waitingCount() {
        return inner.waitingCount();
    }

    @Override
    public boolean isCommitted() {
        return inner.isCommitted();
    }

    @Override
    public boolean isDecommitPending() {
        return inner.isDecommitPending();
    }

    @Override
    public void setNotify(Runnable callback) {
        inner.setNotify(callback);
    }

    @Override
    public void setSpecTrace(SpecTrace trace) {
        inner.setSpecTrace(trace);
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + inner + ")";
    }
}
