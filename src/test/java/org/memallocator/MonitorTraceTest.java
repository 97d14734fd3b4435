package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memallocator.Fixtures.awaitWaiting;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The monitor steps reported to a {@link MonitorTrace}: the condition's waits, signals and
 * wake-ups in lock order, each step with the condition's wait queue, longest waiter first (the
 * order the monitor spec's {@code waitQueue} has, and which trace validation relies on: checked
 * here on the running JDK). A plain {@link SpecTrace} gets the contract steps only.
 */
@Timeout(10)
class MonitorTraceTest {

    /** A reported step: the action's name, its thread and the wait queue, by thread name. */
    record Seen(String action, String thread, List<String> queue) {
        @Override
        public String toString() {
            return action + "(" + thread + ") " + queue;
        }
    }

    private final TestThreads threads = new TestThreads();
    private final MonitorMemAllocator allocator = new MonitorMemAllocator();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    private static String name(Thread t) {
        return List.of("A", "B", "C").contains(t.getName()) ? t.getName() : "main";
    }

    private static List<String> names(List<Thread> queue) {
        return queue.stream().map(MonitorTraceTest::name).toList();
    }

    private final MonitorTrace recorder = new MonitorTrace() {
        @Override
        public void step(SpecEvent e, List<Thread> waitQueue) {
            seen.add(new Seen(e.action().name(), name(e.thread()), names(waitQueue)));
        }

        @Override
        public void monitorStep(MonitorEvent e) {
            seen.add(new Seen(e.action().name(), name(e.thread()), names(e.waitQueue())));
        }

        @Override
        public void step(SpecEvent e) {
            seen.add(new Seen(e.action().name() + " without its queue", name(e.thread()), List.of()));
        }
    };

    private static Seen s(String action, String thread, String... queue) {
        return new Seen(action, thread, List.of(queue));
    }

    @AfterEach
    void allThreadsDone() {
        threads.assertAllDone();
    }

    /**
     * Three waiters: two releases wake them one by one, longest waiter first, and a decommit
     * wakes the last; the queue shrinks from its head.
     */
    @Test
    void waitsSignalsAndWakeUpsAreReportedWithTheWaitQueueHeadFirst() throws InterruptedException {
        allocator.setProperties(new AllocatorProperties(2, 16, 1, 0));
        allocator.commit();
        MediaSample one = allocator.getBuffer(0);
        MediaSample two = allocator.getBuffer(0);
        allocator.setSpecTrace(recorder);
        TestThreads.Call<MediaSample> a = threads.start("A", () -> allocator.getBuffer(0));
        awaitWaiting(allocator, 1);
        TestThreads.Call<MediaSample> b = threads.start("B", () -> allocator.getBuffer(0));
        awaitWaiting(allocator, 2);
        TestThreads.Call<MediaSample> c = threads.start("C", () -> allocator.getBuffer(0));
        awaitWaiting(allocator, 3);
        one.release();
        MediaSample gotA = a.value();
        two.release();
        MediaSample gotB = b.value();
        allocator.decommit();
        c.assertHResult(HResult.VFW_E_NOT_COMMITTED);
        assertEquals(List.of(
                s("GetBufferBlocks", "A"), s("Await", "A"),
                s("GetBufferBlocks", "B", "A"), s("Await", "B", "A"),
                s("GetBufferBlocks", "C", "A", "B"), s("Await", "C", "A", "B"),
                s("Signal", "main", "B", "C"), s("Release", "main", "B", "C"),
                s("AwaitReturns", "A", "B", "C"), s("WakeWithSample", "A", "B", "C"),
                s("Signal", "main", "C"), s("Release", "main", "C"),
                s("AwaitReturns", "B", "C"), s("WakeWithSample", "B", "C"),
                s("SignalAll", "main"), s("Decommit", "main"),
                s("AwaitReturns", "C"), s("WakeNotCommitted", "C")), seen);
        gotA.release();
        gotB.release();
    }

    /** A plain SpecTrace gets each contract step once, and never a monitor step or the queue. */
    @Test
    void aPlainSpecTraceGetsTheContractStepsOnly() throws InterruptedException {
        List<SpecAction> steps = new CopyOnWriteArrayList<>();
        allocator.setSpecTrace(e -> steps.add(e.action()));
        allocator.setProperties(new AllocatorProperties(1, 16, 1, 0));
        allocator.commit();
        MediaSample one = allocator.getBuffer(0);
        TestThreads.Call<MediaSample> a = threads.start("A", () -> allocator.getBuffer(0));
        awaitWaiting(allocator, 1);
        one.release();
        a.value().release();
        assertEquals(List.of(SpecAction.SetProperties, SpecAction.Commit, SpecAction.GetBufferOk,
                SpecAction.GetBufferBlocks, SpecAction.Release, SpecAction.WakeWithSample, SpecAction.Release), steps);
    }
}
