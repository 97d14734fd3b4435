package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memallocator.Fixtures.assertAllBack;
import static org.memallocator.Fixtures.assertFailsUnchanged;
import static org.memallocator.Fixtures.awaitWaiting;
import static org.memallocator.Fixtures.committed;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 17's library defects, each as it was found: a failed commit, the memory across commit
 * cycles, {@code getBuffer(0, null)}, the reference count's limit, a throwing {@link SpecTrace}.
 * The cases that need a JVM with its own limits are in {@link ForkedLimitsTest}.
 */
@Timeout(30)
class HardeningTest {

    private final TestThreads threads = new TestThreads();

    @AfterEach
    void allThreadsDone() {
        threads.assertAllDone();
    }

    /**
     * Defect 1: 2^31 - 1 buffers of one byte fit one direct block but not the heap: refused with
     * E_OUTOFMEMORY before anything is allocated (it used to zero 2 GiB of direct memory, then
     * throw OutOfMemoryError with the buffers assigned), and the allocator is as before.
     */
    @Test
    void commitOfMoreSamplesThanTheHeapHoldsIsOutOfMemoryWithNothingChanged() {
        MonitorMemAllocator allocator = new MonitorMemAllocator();
        allocator.setProperties(new AllocatorProperties(Integer.MAX_VALUE, 1, 1, 0));
        long start = System.nanoTime();
        assertFailsUnchanged(allocator, HResult.E_OUTOFMEMORY, allocator::commit);
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "refused before allocating");
        assertEquals(0, allocator.outstandingCount());
        allocator.setProperties(new AllocatorProperties(2, 64, 1, 0)); // not stuck
        allocator.commit();
        assertAllBack(allocator, 2);
    }

    /** Defect 2: a commit with the same properties reuses the block (its bytes are kept). */
    @Test
    void commitWithTheSamePropertiesReusesTheBlockWithNewSamples() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample first = allocator.getBuffer(0);
        first.pointer().put(0, (byte) 42);
        first.release();
        allocator.decommit();
        allocator.commit();
        MediaSample second = allocator.getBuffer(0);
        assertNotSame(first, second, "a new sample each cycle: the old one stays dead");
        assertEquals(42, second.pointer().get(0), "the same memory");
        assertThrows(IllegalStateException.class, first::addRef);
        second.release();
        allocator.decommit();
        allocator.setProperties(new AllocatorProperties(1, 128, 1, 0));
        allocator.commit();
        MediaSample third = allocator.getBuffer(0);
        assertEquals(0, third.pointer().get(0), "other properties: a new, zeroed block");
        third.release();
    }

    /** Defect 4: the null timeout is E_POINTER like every other null argument, and not a step. */
    @Test
    void timedGetBufferWithNullTimeoutIsEPointer() {
        MonitorMemAllocator allocator = committed(1, 64);
        List<SpecEvent> steps = new CopyOnWriteArrayList<>();
        allocator.setSpecTrace(steps::add);
        assertFailsUnchanged(allocator, HResult.E_POINTER, () -> allocator.getBuffer(0, null));
        assertEquals(List.of(), steps);
    }

    /**
     * Defect 5: the count is refused at Integer.MAX_VALUE with E_FAIL, nothing changed, instead of
     * wrapping. Counting up 2^31 times takes a minute, so the count is set through reflection.
     */
    @Test
    void addRefIsRefusedAtTheLimit() throws Exception {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample sample = allocator.getBuffer(0);
        Field refs = sample.getClass().getDeclaredField("refs");
        refs.setAccessible(true);
        refs.setInt(sample, Integer.MAX_VALUE - 1);
        assertEquals(Integer.MAX_VALUE, sample.addRef());
        List<SpecEvent> steps = new CopyOnWriteArrayList<>();
        allocator.setSpecTrace(steps::add);
        assertFailsUnchanged(allocator, HResult.E_FAIL, sample::addRef);
        assertEquals(Integer.MAX_VALUE, refs.getInt(sample));
        assertEquals(List.of(), steps, "a refusal is not a step");
        refs.setInt(sample, 1);
        assertEquals(0, sample.release());
        assertAllBack(allocator, 1);
    }

    /**
     * Defect 6: a trace that throws at GetBufferOk used to lose the buffer (free 1 / out 1 became
     * free 0 / out 2); now the call returns its sample and the throwable reaches the thread's
     * uncaught-exception handler.
     */
    @Test
    void throwingTraceAtGetBufferLosesNoBuffer() throws InterruptedException {
        MonitorMemAllocator allocator = committed(2, 64);
        MediaSample held = allocator.getBuffer(0);
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        Thread me = Thread.currentThread();
        Thread.UncaughtExceptionHandler before = me.getUncaughtExceptionHandler();
        me.setUncaughtExceptionHandler((t, e) -> reported.add(e));
        RuntimeException boom = new IllegalStateException("trace failed");
        MediaSample got;
        try {
            allocator.setSpecTrace(e -> {
                throw boom;
            });
            got = allocator.getBuffer(0);
        } finally {
            me.setUncaughtExceptionHandler(before);
            allocator.setSpecTrace(null);
        }
        assertEquals(List.of(boom), reported);
        assertEquals(0, allocator.freeCount());
        assertEquals(2, allocator.outstandingCount());
        got.release();
        held.release();
        assertAllBack(allocator, 2);
    }

    /**
     * Defect 6, in the wait loop: a trace that throws at GetBufferBlocks used to leave the waiter
     * counted for ever; now the waiter waits, takes the released buffer and is counted out.
     */
    @Test
    void throwingTraceAtGetBufferBlocksLeavesNoWaiterCounted() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample held = allocator.getBuffer(0);
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        allocator.setSpecTrace(e -> {
            if (e.action() == SpecAction.GetBufferBlocks) {
                throw new AssertionError("trace failed");
            }
        });
        TestThreads.Call<MediaSample> waiter = threads.start("waiter", () -> {
            Thread.currentThread().setUncaughtExceptionHandler((t, e) -> reported.add(e));
            return allocator.getBuffer(0);
        });
        awaitWaiting(allocator, 1);
        held.release();
        MediaSample got = waiter.value();
        assertSame(held, got);
        assertEquals(0, allocator.waitingCount());
        assertEquals(1, reported.size());
        got.release();
        assertAllBack(allocator, 1);
    }
}
