package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memallocator.Fixtures.assertAllBack;
import static org.memallocator.Fixtures.awaitWaiting;
import static org.memallocator.Fixtures.committed;
import static org.memallocator.HResult.VFW_E_NOT_COMMITTED;
import static org.memallocator.HResult.VFW_E_TIMEOUT;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GetBuffer} calls that block, with real threads: reference §2.4, §2.5, §5.3, gotchas 5–6,
 * and the interrupt and timeout rules. Every test ends with all buffers back and its threads done.
 */
@Timeout(30)
class BlockingGetBufferTest {

    private final TestThreads threads = new TestThreads();

    @AfterEach
    void allThreadsDone() {
        threads.assertAllDone();
    }

    @Test
    void blockedGetterIsWokenByRelease() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample held = allocator.getBuffer(0);
        TestThreads.Call<MediaSample> getter = threads.start("getter", () -> allocator.getBuffer(0));
        awaitWaiting(allocator, 1);
        held.release();
        MediaSample got = getter.value();
        assertSame(held, got);
        assertEquals(0, allocator.waitingCount());
        got.release();
        assertAllBack(allocator, 1);
    }

    /** Each release wakes one waiter; every waiter ends with a buffer. */
    @Test
    void everyWaiterGetsOneOfTheReleasedBuffers() throws InterruptedException {
        int n = 4;
        MonitorMemAllocator allocator = committed(n, 64);
        List<MediaSample> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            held.add(allocator.getBuffer(0));
        }
        List<TestThreads.Call<MediaSample>> getters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            getters.add(threads.start("getter-" + i, () -> allocator.getBuffer(0)));
        }
        awaitWaiting(allocator, n);
        held.forEach(MediaSample::release);
        Set<MediaSample> got = new HashSet<>();
        for (TestThreads.Call<MediaSample> getter : getters) {
            got.add(getter.value());
        }
        assertEquals(new HashSet<>(held), got);
        got.forEach(MediaSample::release);
        assertAllBack(allocator, n);
    }

    /** Gotchas 5–6: Decommit wakes every waiter, and each returns VFW_E_NOT_COMMITTED (Wine: VFW_E_TIMEOUT). */
    @Test
    void decommitWakesAllBlockedGettersWithNotCommitted() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample held = allocator.getBuffer(0);
        List<TestThreads.Call<MediaSample>> getters = List.of(
                threads.start("getter-0", () -> allocator.getBuffer(0)),
                threads.start("getter-1", () -> allocator.getBuffer(0)),
                threads.start("timed", () -> allocator.getBuffer(0, Duration.ofMinutes(1))));
        awaitWaiting(allocator, 3);
        allocator.decommit();
        for (TestThreads.Call<MediaSample> getter : getters) {
            getter.assertHResult(VFW_E_NOT_COMMITTED);
        }
        assertEquals(0, allocator.waitingCount());
        assertTrue(allocator.isDecommitPending());
        held.release();
        assertAllBack(allocator, 1);
    }

    /** Close has Decommit's effect on waiters. */
    @Test
    void closeWakesBlockedGetterWithNotCommitted() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample held = allocator.getBuffer(0);
        TestThreads.Call<MediaSample> getter = threads.start("getter", () -> allocator.getBuffer(0));
        awaitWaiting(allocator, 1);
        allocator.close();
        getter.assertHResult(VFW_E_NOT_COMMITTED);
        held.release();
        assertAllBack(allocator, 1);
    }

    /**
     * Decommit followed by Commit before the woken waiter runs: it finds the allocator committed
     * with nothing free and simply waits again (no step), then gets the next release.
     *
     * <p>The interleaving is forced, breaking the SpecTrace rules on purpose: inside the Decommit
     * step's callback (lock held, the waiter already signalled into the lock's queue) the test
     * commits again and lets a NOWAIT getter queue up on the lock behind the waiter. So the
     * NOWAIT getter's step proves the waiter has had its turn with the lock.
     */
    @Test
    void waiterWaitsAgainWhenRecommittedBeforeItRuns() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample held = allocator.getBuffer(0);
        TestThreads.Call<MediaSample> getter = threads.start("getter", () -> allocator.getBuffer(0));
        awaitWaiting(allocator, 1);
        List<SpecEvent> events = new CopyOnWriteArrayList<>();
        List<TestThreads.Call<MediaSample>> behind = new CopyOnWriteArrayList<>();
        allocator.setSpecTrace(event -> {
            events.add(event);
            if (event.action() == SpecAction.Decommit) {
                allocator.commit();
                TestThreads.Call<MediaSample> next = threads.start("behind",
                        () -> allocator.getBuffer(MemAllocator.AM_GBF_NOWAIT));
                Fixtures.await("NOWAIT getter queued on the lock", () -> isQueuedOnLock(next.thread()));
                behind.add(next);
            }
        });
        allocator.decommit();
        behind.get(0).assertHResult(VFW_E_TIMEOUT);
        assertTrue(allocator.isCommitted());
        assertEquals(1, allocator.waitingCount());
        held.release();
        MediaSample got = getter.value();
        assertSame(held, got);
        List<SpecAction> getterSteps = events.stream()
                .filter(e -> e.thread() == getter.thread()).map(SpecEvent::action).toList();
        assertEquals(List.of(SpecAction.WakeWithSample), getterSteps);
        got.release();
        assertAllBack(allocator, 1);
    }

    /** Parked waiting for a lock, not for a condition. */
    private static boolean isQueuedOnLock(Thread thread) {
        Object blocker = LockSupport.getBlocker(thread);
        return thread.getState() == Thread.State.WAITING && blocker != null
                && !(blocker instanceof Condition);
    }

    /** Interrupted while blocked: InterruptedException, status cleared, no buffer taken, no waiter left. */
    @Test
    void interruptedBlockedGetterThrowsAndTakesNothing() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample held = allocator.getBuffer(0);
        TestThreads.Call<MediaSample> getter = threads.start("getter", () -> allocator.getBuffer(0));
        awaitWaiting(allocator, 1);
        getter.interrupt();
        getter.thrown(InterruptedException.class);
        assertFalse(getter.interruptedAtEnd(), "InterruptedException clears the interrupt status");
        assertEquals(0, allocator.waitingCount());
        assertEquals(0, allocator.freeCount());
        held.release();
        assertAllBack(allocator, 1);
    }

    @Test
    void interruptedTimedGetterThrowsAndTakesNothing() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample held = allocator.getBuffer(0);
        TestThreads.Call<MediaSample> getter =
                threads.start("getter", () -> allocator.getBuffer(0, Duration.ofMinutes(1)));
        awaitWaiting(allocator, 1);
        getter.interrupt();
        getter.thrown(InterruptedException.class);
        assertEquals(0, allocator.waitingCount());
        held.release();
        assertAllBack(allocator, 1);
    }

    @Test
    void timedGetterTimesOutAndTakesNothing() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample held = allocator.getBuffer(0);
        TestThreads.Call<MediaSample> getter =
                threads.start("getter", () -> allocator.getBuffer(0, Duration.ofMillis(100)));
        awaitWaiting(allocator, 1);
        getter.assertHResult(VFW_E_TIMEOUT);
        assertEquals(0, allocator.waitingCount());
        held.release();
        assertAllBack(allocator, 1);
    }

    /** Also with a timeout too long for a count of nanoseconds (it must not overflow into "now"). */
    @ParameterizedTest
    @ValueSource(longs = {60, Long.MAX_VALUE})
    void timedGetterIsWokenByRelease(long timeoutSeconds) throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample held = allocator.getBuffer(0);
        TestThreads.Call<MediaSample> getter =
                threads.start("getter", () -> allocator.getBuffer(0, Duration.ofSeconds(timeoutSeconds)));
        awaitWaiting(allocator, 1);
        held.release();
        getter.value().release();
        assertAllBack(allocator, 1);
    }

    /**
     * A release racing an interrupt or a timeout of one of two waiters never strands the buffer:
     * either the leaving waiter takes it, or the single signal reaches the other one. Repeated
     * to hit the race windows.
     */
    @Test
    void waiterLeavingByInterruptOrTimeoutNeverStrandsABuffer() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        for (int round = 0; round < 200; round++) {
            boolean byTimeout = round % 2 == 1;
            Duration timeout = Duration.ofNanos(50_000L * (round % 8));
            MediaSample held = allocator.getBuffer(0);
            TestThreads.Call<MediaSample> stayer = threads.start("stayer", () -> allocator.getBuffer(0));
            awaitWaiting(allocator, 1);
            TestThreads.Call<MediaSample> leaver = threads.start("leaver", () -> byTimeout
                    ? allocator.getBuffer(0, timeout) : allocator.getBuffer(0));
            if (!byTimeout) {
                awaitWaiting(allocator, 2);
                leaver.interrupt();
            }
            held.release();
            MediaSample leaverGot = leaverOutcome(leaver);
            if (leaverGot != null) {
                leaverGot.release();
            }
            stayer.value().release();
            assertAllBack(allocator, 1);
        }
    }

    /** The leaver's sample, or null if it left by interrupt or timeout. */
    private static MediaSample leaverOutcome(TestThreads.Call<MediaSample> leaver) {
        leaver.join();
        try {
            return leaver.value();
        } catch (AssertionError threw) {
            Throwable cause = threw.getCause();
            assertTrue(cause instanceof InterruptedException
                    || cause instanceof MemAllocatorException e && e.hresult() == VFW_E_TIMEOUT,
                    () -> "unexpected " + cause);
            return null;
        }
    }
}
