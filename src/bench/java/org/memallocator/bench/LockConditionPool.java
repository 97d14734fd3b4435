package org.memallocator.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The baseline monitor: a LIFO stack of buffers under one non-fair {@link ReentrantLock} and one
 * {@link Condition}, with a waiter count so that a release signals only when someone waits. This
 * is the least a blocking fixed-size pool can do, and so the floor for {@code MonitorMemAllocator}
 * (which does the same plus the IMemAllocator lifecycle, reference counts and tracing hooks).
 */
final class LockConditionPool implements BufferPool {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ByteBuffer[] free;
    private int freeCount;
    private int waiters;

    LockConditionPool(int size, int bufferBytes) {
        free = new ByteBuffer[size];
        for (int i = 0; i < size; i++) {
            free[i] = ByteBuffer.allocateDirect(bufferBytes);
        }
        freeCount = size;
    }

    @Override
    public Object get() throws InterruptedException {
        ReentrantLock lock = this.lock;
        lock.lock();
        try {
            if (freeCount == 0) {
                waiters++;
                try {
                    do {
                        notEmpty.await();
                    } while (freeCount == 0);
                } finally {
                    waiters--;
                }
            }
            ByteBuffer b = free[--freeCount];
            free[freeCount] = null;
            return b;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release(Object buffer) {
        ReentrantLock lock = this.lock;
        lock.lock();
        try {
            free[freeCount++] = (ByteBuffer) buffer;
            if (waiters > 0) {
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void touch(Object buffer, byte value) {
        ((ByteBuffer) buffer).put(0, value);
    }

    @Override
    public void close() {
    }
}
