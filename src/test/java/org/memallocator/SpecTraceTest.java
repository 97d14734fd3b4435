package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.memallocator.Fixtures.awaitWaiting;
import static org.memallocator.HResult.S_OK;
import static org.memallocator.HResult.VFW_E_BADALIGN;
import static org.memallocator.HResult.VFW_E_NOT_COMMITTED;
import static org.memallocator.HResult.VFW_E_TIMEOUT;
import static org.memallocator.SpecAction.AddRef;
import static org.memallocator.SpecAction.Close;
import static org.memallocator.SpecAction.Commit;
import static org.memallocator.SpecAction.Decommit;
import static org.memallocator.SpecAction.GetBufferBlocks;
import static org.memallocator.SpecAction.GetBufferNotCommitted;
import static org.memallocator.SpecAction.GetBufferOk;
import static org.memallocator.SpecAction.GetBufferTimeout;
import static org.memallocator.SpecAction.Release;
import static org.memallocator.SpecAction.SetProperties;
import static org.memallocator.SpecAction.WaitInterrupted;
import static org.memallocator.SpecAction.WaitTimedOut;
import static org.memallocator.SpecAction.WakeNotCommitted;
import static org.memallocator.SpecAction.WakeWithSample;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The spec steps reported to a {@link SpecTrace}: one per step, in the order they took effect. */
@Timeout(10)
class SpecTraceTest {

    /** The parts of an event a script can predict. */
    record Step(SpecAction action, int buffer, HResult result, int refs) {
        static Step of(SpecEvent e) {
            return new Step(e.action(), e.buffer(), e.result(), e.refs());
        }
    }

    private static Step step(SpecAction action, int buffer, HResult result) {
        return new Step(action, buffer, result, 0);
    }

    private final TestThreads threads = new TestThreads();
    private final MonitorMemAllocator allocator = new MonitorMemAllocator();
    private final List<SpecEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void allThreadsDone() {
        threads.assertAllDone();
        Thread.interrupted();
    }

    /** A script that takes every spec action once or more yields exactly the expected steps. */
    @Test
    void scriptedSequenceYieldsExactlyTheExpectedSteps() throws InterruptedException {
        allocator.setSpecTrace(events::add);
        AllocatorProperties request = new AllocatorProperties(2, 64, 16, 0);
        allocator.setProperties(request);
        assertThrows(MemAllocatorException.class, () -> allocator.getBuffer(0));
        allocator.commit();
        MediaSample one = allocator.getBuffer(0);
        MediaSample two = allocator.getBuffer(0);
        one.addRef();
        assertThrows(MemAllocatorException.class, () -> allocator.getBuffer(MemAllocator.AM_GBF_NOWAIT));
        assertThrows(MemAllocatorException.class, () -> allocator.getBuffer(0, Duration.ofMillis(1)));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> allocator.getBuffer(0));
        TestThreads.Call<MediaSample> waiter = threads.start("waiter", () -> allocator.getBuffer(0));
        awaitWaiting(allocator, 1);
        two.release();
        MediaSample got = waiter.value();
        TestThreads.Call<MediaSample> loser = threads.start("loser", () -> allocator.getBuffer(0));
        awaitWaiting(allocator, 1);
        allocator.decommit();
        loser.join();
        allocator.commit();
        one.release();
        one.release();
        got.release();
        allocator.decommit();
        assertThrows(MemAllocatorException.class,
                () -> allocator.setProperties(new AllocatorProperties(1, 64, 3, 0)));
        allocator.close();

        assertEquals(List.of(
                step(SetProperties, 0, S_OK),
                step(GetBufferNotCommitted, 0, VFW_E_NOT_COMMITTED),
                step(Commit, 0, S_OK),
                step(GetBufferOk, 1, S_OK),
                step(GetBufferOk, 2, S_OK),
                new Step(AddRef, 1, S_OK, 2),
                step(GetBufferTimeout, 0, VFW_E_TIMEOUT),
                step(GetBufferBlocks, 0, null),
                step(WaitTimedOut, 0, VFW_E_TIMEOUT),
                step(GetBufferBlocks, 0, null),
                step(WaitInterrupted, 0, null),
                step(GetBufferBlocks, 0, null),
                new Step(Release, 2, S_OK, 0),
                step(WakeWithSample, 2, S_OK),
                step(GetBufferBlocks, 0, null),
                step(Decommit, 0, S_OK),
                step(WakeNotCommitted, 0, VFW_E_NOT_COMMITTED),
                step(Commit, 0, S_OK),
                new Step(Release, 1, S_OK, 1),
                new Step(Release, 1, S_OK, 0),
                new Step(Release, 2, S_OK, 0),
                step(Decommit, 0, S_OK),
                step(SetProperties, 0, VFW_E_BADALIGN),
                step(Close, 0, S_OK)),
                events.stream().map(Step::of).toList());

        assertEquals(EnumSet.allOf(SpecAction.class),
                EnumSet.copyOf(events.stream().map(SpecEvent::action).toList()), "every action");
        assertSame(request, events.get(0).request());
        assertSame(waiter.thread(), events.get(11).thread());
        assertSame(waiter.thread(), events.get(13).thread());
        assertSame(loser.thread(), events.get(16).thread());
        assertSame(Thread.currentThread(), events.get(12).thread());
    }

    /** The final release of the last sample out completes a pending decommit in the same step. */
    @Test
    void lastReleaseCompletesDecommitInOneStep() throws InterruptedException {
        allocator.setProperties(new AllocatorProperties(1, 64, 1, 0));
        allocator.commit();
        MediaSample sample = allocator.getBuffer(0);
        allocator.decommit();
        List<Boolean> pendingInStep = new CopyOnWriteArrayList<>();
        allocator.setSpecTrace(event -> {
            events.add(event);
            pendingInStep.add(allocator.isDecommitPending()); // asserted after: a trace's throw is contained
        });
        sample.release();
        assertEquals(List.of(new Step(Release, 1, S_OK, 0)), events.stream().map(Step::of).toList());
        assertEquals(List.of(false), pendingInStep, "decommit completed within the step");
    }

    @Test
    void removedTraceReceivesNothing() throws InterruptedException {
        allocator.setSpecTrace(events::add);
        allocator.setSpecTrace(null);
        allocator.setProperties(new AllocatorProperties(1, 64, 1, 0));
        allocator.commit();
        allocator.getBuffer(0).release();
        assertEquals(List.of(), events);
    }
}
