package org.memallocator.modeltests.bugs;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.memallocator.AllocatorProperties;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MemAllocatorException;
import org.memallocator.WaitLoopHook;
import org.memallocator.oracle.History;
import org.memallocator.oracle.HistoryChecker;
import org.memallocator.oracle.HistoryFormatException;
import org.memallocator.oracle.HistoryRecorder;
import org.memallocator.oracle.Verdict;

/**
 * One scripted scenario per bug class of PORTING.md section 5, recorded as a history that ends
 * with the end-of-recording marker: the calls a test author would make to show the bug, made in
 * a fixed order (every wait for another thread waits for evidence: a thread parked, a hook
 * called, a call returned), so that the history, and the checker's verdict, is the same on every
 * run. {@link #verdict} records the scenario on an allocator and checks the history.
 */
final class ScenarioHistories {

    private ScenarioHistories() {
    }

    /** How long the recorder must see no event before it writes the end marker. */
    private static final Duration SETTLE = Duration.ofMillis(200);
    /** How long any wait for evidence may take before the scenario fails. */
    private static final long PATIENCE_MS = 20_000;

    /** A scenario: calls on {@code a} (recorded), the recorder's end, and the cleanup. */
    private interface Scenario {
        Answer run(Supplier<MemAllocator> factory) throws Exception;
    }

    /** The scenario of each bug class, by the name of its seeded variant. */
    private static final Map<String, Scenario> SCENARIOS = Map.of(
            "SingleWaiterNeverSignalled", ScenarioHistories::releaseWithOneWaiter,
            "DecommitSignalsOne", ScenarioHistories::decommitWithTwoWaiters,
            "IfInsteadOfWhile", ScenarioHistories::wokenWaiterBeatenToTheBuffer,
            "DecommitDropsMemoryWithSamplesOut", ScenarioHistories::releaseAfterDecommit,
            "CommitDuringPendingDecommitReallocates", ScenarioHistories::commitDuringPendingDecommit,
            "SetPropertiesChecksCommittedFirst", ScenarioHistories::badAlignmentWhileCommitted,
            "SetPropertiesDoesNotRound", ScenarioHistories::sizeNotAMultipleOfTheAlignment,
            "WokenGetBufferLeavesItOnTheFreeList", ScenarioHistories::getBufferAfterAWokenOne,
            "ReleaseOfAFreedSample", ScenarioHistories::releaseAfterTheFinalRelease);

    /**
     * What the history oracle says about a recorded history: the checker's verdict, or, for a
     * history the parser refuses (as {@code check-history} does, exit 2), why.
     */
    record Answer(Verdict verdict, String malformed) {

        boolean accepted() {
            return verdict != null && verdict.linearizable();
        }

        boolean violation() {
            return verdict != null && verdict.outcome() == Verdict.Outcome.NOT_LINEARIZABLE;
        }

        @Override
        public String toString() {
            return verdict != null ? verdict.toString() : "malformed history: " + malformed;
        }
    }

    /** What the history oracle says about the scenario of bug class {@code bug}, recorded on {@code factory}'s allocator. */
    static Answer answer(String bug, Supplier<MemAllocator> factory) {
        Scenario s = SCENARIOS.get(bug);
        if (s == null) {
            throw new IllegalArgumentException("no scenario for " + bug);
        }
        try {
            return s.run(factory);
        } catch (Exception e) {
            throw new IllegalStateException("scenario " + bug + " failed to run", e);
        }
    }

    // ------------------------------------------------------------ the scenarios

    /** One buffer, held by main; a waiter blocks; main releases the buffer. */
    private static Answer releaseWithOneWaiter(Supplier<MemAllocator> factory) throws Exception {
        Hook hook = new Hook(false);
        Recording r = new Recording(factory, hook);
        MediaSample held = r.committed(1).getBuffer(0);
        Thread waiter = r.waiter("waiter1");
        hook.parked(1);
        held.release();
        return r.end(waiter);
    }

    /** One buffer, held by main; two waiters block; main decommits (the sample stays out). */
    private static Answer decommitWithTwoWaiters(Supplier<MemAllocator> factory) throws Exception {
        Hook hook = new Hook(false);
        Recording r = new Recording(factory, hook);
        MediaSample held = r.committed(1).getBuffer(0);
        Thread w1 = r.waiter("waiter1");
        Thread w2 = r.waiter("waiter2");
        hook.parked(2);
        r.a.decommit();
        Answer v = r.end(w1, w2);
        held.release();
        return v;
    }

    /**
     * One buffer, held by main; a waiter blocks; main releases the buffer, which wakes the waiter;
     * while the wait-loop hook holds the woken waiter, main takes the buffer; let go, the waiter
     * must find nothing free and wait again.
     */
    private static Answer wokenWaiterBeatenToTheBuffer(Supplier<MemAllocator> factory) throws Exception {
        Hook hook = new Hook(true);
        Recording r = new Recording(factory, hook);
        MediaSample held = r.committed(1).getBuffer(0);
        Thread waiter = r.waiter("waiter1");
        hook.parked(1);
        held.release();
        hook.woken.await(PATIENCE_MS, TimeUnit.MILLISECONDS);
        check(hook.woken.getCount() == 0, "the waiter was never woken");
        MediaSample taken = r.a.getBuffer(0); // the free buffer: the woken waiter has not re-checked yet
        hook.letGo.countDown();
        long deadline = System.currentTimeMillis() + PATIENCE_MS;
        while (hook.parks.get() < 2 && waiter.isAlive()) { // parked again, or returned
            check(System.currentTimeMillis() < deadline, "the waiter neither parked again nor returned");
            Thread.sleep(1);
        }
        Answer v = r.end(waiter);
        taken.release();
        return v;
    }

    /** One buffer, held by main; main decommits (pending), releases the sample, commits, takes the buffer. */
    private static Answer releaseAfterDecommit(Supplier<MemAllocator> factory) throws Exception {
        Recording r = new Recording(factory, null);
        MediaSample held = r.committed(1).getBuffer(0);
        r.a.decommit();
        quietly(held::release);
        quietly(r.a::commit);
        quietly(() -> r.a.getBuffer(0, Duration.ofMillis(20)).release());
        return r.end();
    }

    /** One buffer, held by main; main decommits (pending) and commits again: the buffer is still out. */
    private static Answer commitDuringPendingDecommit(Supplier<MemAllocator> factory) throws Exception {
        Recording r = new Recording(factory, null);
        MediaSample held = r.committed(1).getBuffer(0);
        r.a.decommit();
        r.a.commit();
        quietly(() -> r.a.getBuffer(0, Duration.ofMillis(20)));
        Answer v = r.end();
        held.release();
        return v;
    }

    /** Committed; SetProperties with an alignment that is not a power of two. */
    private static Answer badAlignmentWhileCommitted(Supplier<MemAllocator> factory) throws Exception {
        Recording r = new Recording(factory, null);
        r.committed(1);
        quietly(() -> r.a.setProperties(new AllocatorProperties(1, 64, 3, 0)));
        return r.end();
    }

    /** SetProperties with a buffer size that is not a multiple of the alignment. */
    private static Answer sizeNotAMultipleOfTheAlignment(Supplier<MemAllocator> factory) throws Exception {
        Recording r = new Recording(factory, null);
        r.a.setProperties(new AllocatorProperties(1, 100, 64, 0));
        r.a.getProperties();
        return r.end();
    }

    /** One buffer, held by main; a waiter blocks; main releases it to the waiter, then asks for it (timed). */
    private static Answer getBufferAfterAWokenOne(Supplier<MemAllocator> factory) throws Exception {
        Hook hook = new Hook(false);
        Recording r = new Recording(factory, hook);
        MediaSample held = r.committed(1).getBuffer(0);
        Thread waiter = r.waiter("waiter1");
        hook.parked(1);
        held.release();
        waiter.join(PATIENCE_MS);
        check(!waiter.isAlive(), "the waiter never returned");
        quietly(() -> r.a.getBuffer(0, Duration.ofMillis(20)));
        return r.end();
    }

    /** One buffer; main takes it, releases it, and releases it again. */
    private static Answer releaseAfterTheFinalRelease(Supplier<MemAllocator> factory) throws Exception {
        Recording r = new Recording(factory, null);
        MediaSample s = r.committed(1).getBuffer(0);
        s.release();
        quietly(s::release);
        return r.end();
    }

    // ------------------------------------------------------------ recording

    /** A recorder and the allocator it records, with the hook (or none) installed underneath. */
    private static final class Recording {
        final HistoryRecorder recorder = new HistoryRecorder();
        final MemAllocator a;

        Recording(Supplier<MemAllocator> factory, WaitLoopHook hook) {
            MemAllocator inner = factory.get();
            if (hook != null) {
                check(WaitLoopHook.install(inner, hook), "the allocator has no wait-loop hook");
            }
            this.a = recorder.record(inner);
        }

        /** SetProperties for {@code buffers} buffers of 64 bytes, then Commit; the allocator. */
        MemAllocator committed(int buffers) {
            a.setProperties(new AllocatorProperties(buffers, 64, 8, 0));
            a.commit();
            return a;
        }

        /** A daemon thread named {@code name} that calls getBuffer(0) and keeps what it gets. */
        Thread waiter(String name) {
            Thread t = new Thread(() -> {
                try {
                    a.getBuffer(0);
                } catch (InterruptedException | MemAllocatorException expected) {
                    // recorded (or, after the end, not recorded)
                }
            }, name);
            t.setDaemon(true);
            t.start();
            return t;
        }

        /** Settles, writes the end marker, lets the {@code waiters} go (interrupted), and checks the history. */
        Answer end(Thread... waiters) throws Exception {
            long settle = recorder.end(SETTLE, Duration.ofSeconds(30));
            check(settle >= SETTLE.toMillis(), "no quiet period: " + settle);
            for (Thread t : waiters) {
                t.interrupt();
                t.join(10_000);
            }
            History h;
            try {
                h = recorder.history();
            } catch (HistoryFormatException e) {
                return new Answer(null, e.getMessage());
            }
            return new Answer(HistoryChecker.check(h), null);
        }
    }

    /**
     * Counts the waiters' beforePark calls (evidence that a thread waits); if {@code hold}, holds
     * the first woken waiter in afterWake until {@link #letGo}.
     */
    private static final class Hook implements WaitLoopHook {
        final boolean hold;
        final AtomicInteger parks = new AtomicInteger();
        final CountDownLatch woken = new CountDownLatch(1);
        final CountDownLatch letGo = new CountDownLatch(1);

        Hook(boolean hold) {
            this.hold = hold;
        }

        @Override
        public void beforePark(Thread thread) {
            parks.incrementAndGet();
        }

        @Override
        public void afterWake(Thread thread) {
            if (hold && woken.getCount() > 0) {
                woken.countDown();
                try {
                    letGo.await(PATIENCE_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Waits until beforePark has been called {@code n} times in all. */
        void parked(int n) throws InterruptedException {
            long deadline = System.currentTimeMillis() + PATIENCE_MS;
            while (parks.get() < n) {
                check(System.currentTimeMillis() < deadline, "only " + parks.get() + " of " + n + " waits began");
                Thread.sleep(1);
            }
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    /** Runs a call whose failure (an HRESULT, or the variant's exception) the history records. */
    private static void quietly(Call c) throws InterruptedException {
        try {
            c.run();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception | AssertionError recorded) {
            // the history has it
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}
