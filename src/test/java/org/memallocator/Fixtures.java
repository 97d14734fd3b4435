package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.function.Executable;

/** Shared helpers of the unit tests. */
final class Fixtures {

    /** How long a test waits for something that should happen at once. */
    static final long PATIENCE_MILLIS = 5_000;

    private Fixtures() {
    }

    /** An allocator with {@code count} buffers of {@code size} bytes (no alignment, no prefix). */
    static MonitorMemAllocator configured(int count, int size) {
        MonitorMemAllocator allocator = new MonitorMemAllocator();
        allocator.setProperties(new AllocatorProperties(count, size, 1, 0));
        return allocator;
    }

    /** {@link #configured} and committed. */
    static MonitorMemAllocator committed(int count, int size) {
        MonitorMemAllocator allocator = configured(count, size);
        allocator.commit();
        return allocator;
    }

    /** Everything a failed call must leave as it was. */
    record State(AllocatorProperties props, boolean committed, boolean decommitPending,
                 int free, int outstanding, int waiting) {

        static State of(MemAllocator allocator) {
            return new State(allocator.getProperties(), allocator.isCommitted(),
                    allocator.isDecommitPending(), allocator.freeCount(),
                    allocator.outstandingCount(), allocator.waitingCount());
        }
    }

    /** Asserts that {@code call} throws {@code expected}. */
    static MemAllocatorException assertHResult(HResult expected, Executable call) {
        MemAllocatorException e = assertThrows(MemAllocatorException.class, call);
        assertEquals(expected, e.hresult(), e.getMessage());
        return e;
    }

    /** Asserts that {@code call} throws {@code expected} and leaves the allocator's state as it was. */
    static MemAllocatorException assertFailsUnchanged(MemAllocator allocator, HResult expected,
                                                      Executable call) {
        State before = State.of(allocator);
        MemAllocatorException e = assertHResult(expected, call);
        assertEquals(before, State.of(allocator), "a failed call changed the allocator");
        return e;
    }

    /** Polls {@code condition} until it holds, failing after {@link #PATIENCE_MILLIS}. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE_MILLIS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting until " + what);
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /** Waits until exactly {@code n} getBuffer calls are blocked in {@code allocator}. */
    static void awaitWaiting(MemAllocator allocator, int n) {
        await(n + " waiting getBuffer calls", () -> allocator.waitingCount() == n);
    }

    /** Asserts the pool is quiescent with every buffer back. */
    static void assertAllBack(MemAllocator allocator, int count) {
        assertEquals(0, allocator.outstandingCount(), "outstanding");
        assertEquals(0, allocator.waitingCount(), "waiting");
        assertEquals(allocator.isCommitted() ? count : 0, allocator.freeCount(), "free");
        assertTrue(!allocator.isDecommitPending(), "decommit still pending");
    }
}
