package org.memallocator.modeltests.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.memallocator.AllocatorProperties;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MemAllocatorException;
import org.memallocator.MonitorMemAllocator;
import org.memallocator.modeltests.bugs.SeededBug;
import org.memallocator.modeltests.bugs.SeededBugs;
import org.memallocator.modeltests.bugs.VariantCompiler;
import org.memallocator.oracle.History;
import org.memallocator.oracle.HistoryChecker;
import org.memallocator.oracle.HistoryRecorder;
import org.memallocator.oracle.Verdict;

/**
 * The history checker's liveness half on recorded histories of two seeded lost wake-ups
 * ({@link SeededBugs}): {@code DecommitSignalsOne} (Decommit wakes one of two waiters) and
 * {@code SingleWaiterNeverSignalled} (a release does not wake a lone waiter). Each scenario is
 * recorded through {@link HistoryRecorder}, ended with the end-of-recording marker, and must be
 * rejected as a "lost wake-up"; the same scenario on {@link MonitorMemAllocator} must be accepted.
 * (Not a kill-matrix checker: it builds its own variants.)
 */
class LostWakeUpHistoryTest {

    private static Supplier<MemAllocator> seeded(String name) {
        SeededBug bug = SeededBugs.ALL.stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
        return VariantCompiler.factory(bug);
    }

    @Test
    @Timeout(120)
    void decommitWakingOneOfTwoWaitersIsALostWakeUp() throws Exception {
        Verdict broken = decommitWithTwoWaiters(seeded("DecommitSignalsOne"));
        assertEquals(Verdict.Outcome.NOT_LINEARIZABLE, broken.outcome(), broken.toString());
        assertTrue(broken.failure().why().startsWith("lost wake-up: GetBuffer(0) by waiter"), broken.toString());
        assertTrue(broken.failure().why().contains("decommitted by Decommit() by main"), broken.toString());
        Verdict sound = decommitWithTwoWaiters(MonitorMemAllocator::new);
        assertTrue(sound.linearizable(), sound.toString());
    }

    @Test
    @Timeout(120)
    void aReleaseThatWakesNoWaiterIsALostWakeUp() throws Exception {
        Verdict broken = releaseWithOneWaiter(seeded("SingleWaiterNeverSignalled"));
        assertEquals(Verdict.Outcome.NOT_LINEARIZABLE, broken.outcome(), broken.toString());
        assertTrue(broken.failure().why().startsWith("lost wake-up: GetBuffer(0) by waiter1"), broken.toString());
        assertTrue(broken.failure().why().contains("(sample 1) was free, put back by Release(sample 1) by main"),
                broken.toString());
        Verdict sound = releaseWithOneWaiter(MonitorMemAllocator::new);
        assertTrue(sound.linearizable(), sound.toString());
    }

    /** One buffer, held by main; two waiters block; main decommits (the sample stays out); the end. */
    private static Verdict decommitWithTwoWaiters(Supplier<MemAllocator> factory) throws Exception {
        HistoryRecorder recorder = new HistoryRecorder();
        MemAllocator a = recorder.record(factory.get());
        a.setProperties(new AllocatorProperties(1, 64, 8, 0));
        a.commit();
        MediaSample held = a.getBuffer(0);
        List<Thread> waiters = waiters(a, 2);
        a.decommit();
        return end(recorder, waiters, held);
    }

    /** One buffer, held by main; one waiter blocks; main releases the buffer; the end. */
    private static Verdict releaseWithOneWaiter(Supplier<MemAllocator> factory) throws Exception {
        HistoryRecorder recorder = new HistoryRecorder();
        MemAllocator a = recorder.record(factory.get());
        a.setProperties(new AllocatorProperties(1, 64, 8, 0));
        a.commit();
        MediaSample held = a.getBuffer(0);
        List<Thread> waiters = waiters(a, 1);
        held.release();
        return end(recorder, waiters, null);
    }

    /** {@code n} threads, "waiter1".., each blocked in getBuffer(0) (parked, as its state shows). */
    private static List<Thread> waiters(MemAllocator a, int n) throws InterruptedException {
        List<Thread> all = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Thread t = new Thread(() -> {
                try {
                    a.getBuffer(0);
                } catch (InterruptedException | MemAllocatorException expected) {
                    // recorded (or after the end: not recorded)
                }
            }, "waiter" + i);
            t.setDaemon(true);
            t.start();
            all.add(t);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (Thread t : all) {
            while (t.getState() != Thread.State.WAITING) {
                assertTrue(System.nanoTime() - deadline < 0, t.getName() + " never blocked: " + t.getState());
                Thread.sleep(1);
            }
        }
        return all;
    }

    /** Settles, ends the recording, lets every thread go, and checks the history. */
    private static Verdict end(HistoryRecorder recorder, List<Thread> waiters, MediaSample held) throws Exception {
        long settle = recorder.end(Duration.ofMillis(300), Duration.ofSeconds(30));
        assertTrue(settle >= 300, "no quiet period: " + settle);
        for (Thread t : waiters) {
            t.interrupt();
            t.join(10_000);
        }
        if (held != null) {
            held.release();
        }
        History h = recorder.history();
        assertEquals(settle, h.settleMs());
        return HistoryChecker.check(h);
    }
}
