package org.memallocator.modeltests.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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
import org.memallocator.oracle.Workload;
import org.memallocator.modeltests.support.Implementations;

/**
 * The oracle as a checker of the implementation under test: a random concurrent workload
 * ({@link Workload}: blocking, NOWAIT and timed gets, AddRef and Release, Commit and Decommit
 * cycles, SetProperties, interrupts) runs on an allocator from {@link Implementations#create()},
 * is recorded as a history, and {@link HistoryChecker} must find it linearizable; every worker
 * must also finish (the workload guarantees progress to a sound allocator, so a call still
 * blocked at the end is a lost wake-up, which the history's end-of-recording marker lets the
 * checker see).
 *
 * <p>And the checker's liveness half on recorded histories of two seeded lost wake-ups
 * ({@link SeededBugs}): {@code DecommitSignalsOne} (Decommit wakes one of two waiters) and
 * {@code SingleWaiterNeverSignalled} (a release does not wake a lone waiter). Each scenario is
 * recorded through {@link HistoryRecorder}, with the marker, and must be rejected as a "lost
 * wake-up"; the same scenario on {@link MonitorMemAllocator} must be accepted.
 *
 * <p>Budget from {@code memallocator.budget}: {@code ci} (default) and {@code long} record
 * bigger histories; {@code kill} (set by the kill matrix) records small ones and gives up on a
 * hung workload after a few seconds.
 */
class RecordedHistoryTest {

    private static String budget() {
        return System.getProperty("memallocator.budget", "ci");
    }

    static Stream<Arguments> workloads() {
        int scale = switch (budget()) {
            case "long" -> 10;
            case "kill" -> 1;
            default -> 3;
        };
        return Stream.of(
                Arguments.of(2, 500 * scale, 11L),
                Arguments.of(3, 1_000 * scale, 12L),
                Arguments.of(4, 1_000 * scale, 13L),
                Arguments.of(4, 1_500 * scale, 14L),
                Arguments.of(6, 1_500 * scale, 15L));
    }

    @ParameterizedTest(name = "{0} threads, {1} operations, seed {2}")
    @MethodSource("workloads")
    void recordedConcurrentHistoryMustBeLinearizable(int threads, int operations, long seed) {
        Duration patience = budget().equals("kill") ? Duration.ofSeconds(5) : Duration.ofSeconds(30);
        Workload.Recording r = Workload.run(Implementations::create,
                new Workload.Settings(threads, operations, seed, patience));
        assertTrue(r.errors().isEmpty(), Implementations.name() + ": a worker stopped on " + r.errors());
        Verdict v = HistoryChecker.check(r.parse());
        System.out.printf("%s, %d threads, seed %d: %s%n", Implementations.name(), threads, seed, v.summary());
        assertTrue(v.linearizable(), Implementations.name() + ": " + v);
        assertTrue(r.finished(), Implementations.name() + ": the workload did not finish within " + patience
                + " (a call stayed blocked: a lost wake-up or a hang); the history up to then is linearizable");
    }

    // ------------------------------------------------------------ lost wake-ups, recorded

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
