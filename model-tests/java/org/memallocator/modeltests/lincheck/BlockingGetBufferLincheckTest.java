package org.memallocator.modeltests.lincheck;

import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.memallocator.AllocatorProperties;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MemAllocatorException;
import org.memallocator.modeltests.support.Implementations;

/**
 * The blocking {@code getBuffer}, by Lincheck's {@link Lincheck#runConcurrentTest} model checking
 * of small scenarios with real threads. Each scenario always terminates on a correct allocator (a
 * release or a decommit is guaranteed to come), so a lost wake-up is reported by Lincheck as
 * {@code Concurrent test has hung}; everything else is asserted after the threads are joined.
 *
 * <p>The allocator uses a {@code ReentrantLock} and one {@code Condition}: AQS parks and unparks,
 * which Lincheck models exactly (one signal wakes one waiter, and spurious wake-ups happen), so
 * signal-one-where-signal-all-is-needed is caught here. (Lincheck treats {@code Object.notify} as
 * {@code notifyAll}, which would hide it.) The allocator is {@link Implementations#create()}, whose
 * factories are named classes Lincheck instruments (not lambdas).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // cheap, high-yield scenarios first (the kill matrix fails fast)
public class BlockingGetBufferLincheckTest {

    /** What a call ended with: a sample, or the failure's HRESULT name or exception class. */
    static final class Outcome {
        volatile MediaSample sample;
        volatile String failure;

        @Override
        public String toString() {
            return sample != null ? "a sample" : failure;
        }
    }

    private static Thread start(Runnable body) {
        Thread t = new Thread(body);
        t.start();
        return t;
    }

    private static Thread call(Outcome into, Callable<MediaSample> body) {
        return start(() -> {
            try {
                into.sample = body.call();
            } catch (MemAllocatorException e) {
                into.failure = e.hresult().name();
            } catch (Exception e) {
                into.failure = e.getClass().getSimpleName();
            }
        });
    }

    private static void join(Thread... threads) {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private static String state(MemAllocator a) {
        return "free=" + a.freeCount() + " outstanding=" + a.outstandingCount() + " waiting="
                + a.waitingCount() + " committed=" + a.isCommitted() + " decommitPending="
                + a.isDecommitPending();
    }

    /** {@code a}, set to {@code count} buffers and committed. */
    private static MemAllocator committed(MemAllocator a, int count) {
        a.setProperties(new AllocatorProperties(count, 16, 1, 0));
        a.commit();
        return a;
    }

    private static MediaSample take(MemAllocator a) {
        try {
            return a.getBuffer(MemAllocator.AM_GBF_NOWAIT);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Two getters blocked (or about to block) on an allocator of {@code count} buffers, every one of
     * them out: {@code held} are the samples taken, {@code first} and {@code second} the getters'
     * outcomes, {@code threads} their threads.
     */
    private record TwoWaitingGetters(MemAllocator a, MediaSample[] held, Outcome first, Outcome second,
                                     Thread[] threads) {

        static TwoWaitingGetters start(MemAllocator fresh, int count) {
            MemAllocator a = committed(fresh, count);
            MediaSample[] held = new MediaSample[count];
            for (int i = 0; i < count; i++) {
                held[i] = take(a);
            }
            Outcome first = new Outcome();
            Outcome second = new Outcome();
            Thread g1 = call(first, () -> a.getBuffer(0));
            Thread g2 = call(second, () -> a.getBuffer(0));
            return new TwoWaitingGetters(a, held, first, second, new Thread[] {g1, g2});
        }
    }

    /** Model-checks {@code body} on a fresh allocator of the implementation under test per invocation. */
    private static void run(String scenario, Consumer<MemAllocator> body) {
        Budget b = Budget.current();
        long t0 = System.nanoTime();
        Lincheck.runConcurrentTest(b.concurrentInvocations, () -> body.accept(Implementations.create()));
        Budget.report(scenario, t0);
    }

    /** The only buffer is out; a getter blocks until the holder releases it, then takes it. */
    @Test
    @Order(3)
    public void blockedGetterIsWokenByRelease() {
        run("blocked getter woken by a release", fresh -> {
            MemAllocator a = committed(fresh, 1);
            MediaSample held = take(a);
            Outcome got = new Outcome();
            Thread getter = call(got, () -> a.getBuffer(0));
            Thread releaser = start(held::release);
            join(getter, releaser);
            check(got.sample != null, "the getter ended with " + got + "; " + state(a));
            check(a.outstandingCount() == 1 && a.freeCount() == 0 && a.waitingCount() == 0,
                    "after the hand-over: " + state(a));
            got.sample.release();
        });
    }

    /**
     * Two getters block on an allocator whose only buffer is out; a decommit must wake both
     * (signal-one leaves one asleep: a hang), each failing with VFW_E_NOT_COMMITTED. The final
     * release then completes the pending decommit.
     */
    @Test
    @Order(1)
    public void decommitWakesEveryBlockedGetter() {
        run("decommit wakes every blocked getter", fresh -> {
            TwoWaitingGetters w = TwoWaitingGetters.start(fresh, 1);
            MemAllocator a = w.a();
            Outcome first = w.first();
            Outcome second = w.second();
            Thread decommitter = start(a::decommit);
            join(w.threads());
            join(decommitter);
            check("VFW_E_NOT_COMMITTED".equals(first.failure) && "VFW_E_NOT_COMMITTED".equals(second.failure),
                    "getters ended with " + first + " and " + second);
            check(!a.isCommitted() && a.isDecommitPending() && a.outstandingCount() == 1
                    && a.waitingCount() == 0, "after decommit with a sample out: " + state(a));
            check(w.held()[0].release() == 0, "the held sample's count");
            check(!a.isDecommitPending() && a.freeCount() == 0 && a.outstandingCount() == 0,
                    "after the last release: " + state(a));
        });
    }

    /**
     * Decommit then Commit while a sample is out: the commit cancels the pending decommit and
     * keeps the same memory (no second block). A getter blocked meanwhile is woken by the
     * decommit; if it runs only after the commit, it finds the allocator committed with nothing
     * free and must wait again (an {@code if} instead of a {@code while} fails it with
     * VFW_E_TIMEOUT), until the holder's release gives it the buffer. If it ran while
     * decommitted, it failed with VFW_E_NOT_COMMITTED.
     */
    @Test
    @Order(4)
    public void commitDuringPendingDecommitCancelsIt() {
        run("commit during a pending decommit", fresh -> {
            MemAllocator a = committed(fresh, 1);
            MediaSample held = take(a);
            Outcome got = new Outcome();
            Thread getter = call(got, () -> a.getBuffer(0));
            Thread cycler = start(() -> {
                a.decommit();
                a.commit();
            });
            join(cycler);
            for (int i = 0; i < 3 && getter.isAlive(); i++) {
                Thread.yield(); // a woken getter may run now, before the buffer comes back
            }
            check(got.sample == null && (getter.isAlive() || "VFW_E_NOT_COMMITTED".equals(got.failure)),
                    "before the release, the getter ended with " + got);
            check(a.isCommitted() && !a.isDecommitPending() && a.outstandingCount() == 1,
                    "after decommit and commit with a sample out: " + state(a));
            held.release();
            join(getter);
            check(got.sample != null || "VFW_E_NOT_COMMITTED".equals(got.failure),
                    "the getter ended with " + got);
            if (got.sample != null) {
                got.sample.release();
            }
            check(a.isCommitted() && !a.isDecommitPending() && a.freeCount() == 1
                    && a.outstandingCount() == 0 && a.waitingCount() == 0, "at the end: " + state(a));
            MediaSample again = take(a);
            check(a.freeCount() == 0 && a.outstandingCount() == 1, "after taking the buffer: " + state(a));
            again.release();
        });
    }

    /**
     * A getter blocked (or about to block) on an empty allocator is interrupted: it throws
     * InterruptedException and leaves no trace (no waiter counted, nothing taken).
     */
    @Test
    @Order(5)
    public void interruptedGetterLeavesNoTrace() {
        run("interrupt of a blocked getter", fresh -> {
            MemAllocator a = committed(fresh, 1);
            MediaSample held = take(a);
            Outcome got = new Outcome();
            Thread getter = call(got, () -> a.getBuffer(0));
            Thread interrupter = start(getter::interrupt);
            join(getter, interrupter);
            check("InterruptedException".equals(got.failure), "the getter ended with " + got);
            check(a.waitingCount() == 0 && a.outstandingCount() == 1 && a.freeCount() == 0,
                    "after the interrupt: " + state(a));
            held.release();
            check(a.freeCount() == 1 && a.waitingCount() == 0, "after the release: " + state(a));
        });
    }

    /** A NOWAIT getter racing a decommit gets a sample or VFW_E_NOT_COMMITTED, never VFW_E_TIMEOUT. */
    @Test
    @Order(2)
    public void getterRacingDecommitSeesOneSideOfIt() {
        run("getter racing a decommit", fresh -> {
            MemAllocator a = committed(fresh, 1);
            Outcome got = new Outcome();
            Thread getter = call(got, () -> a.getBuffer(MemAllocator.AM_GBF_NOWAIT));
            Thread decommitter = start(a::decommit);
            join(getter, decommitter);
            if (got.sample != null) {
                check(a.isDecommitPending() && a.outstandingCount() == 1, "got a sample, then " + state(a));
                got.sample.release();
            } else {
                check("VFW_E_NOT_COMMITTED".equals(got.failure), "the getter ended with " + got);
            }
            check(!a.isCommitted() && !a.isDecommitPending() && a.freeCount() == 0
                    && a.outstandingCount() == 0, "at the end: " + state(a));
        });
    }

    /**
     * Both buffers are out and two getters wait; one thread releases both. Each release must wake a
     * waiter, including the second, which comes back while the first woken getter has not run yet
     * (a release that signals only when the free list was empty before the push, or only once per
     * batch, leaves one getter asleep with a buffer free: a hang). Both getters end with a sample.
     */
    @Test
    @Order(7)
    public void twoReleasesWakeBothBlockedGetters() {
        run("two releases wake two blocked getters", fresh -> {
            TwoWaitingGetters w = TwoWaitingGetters.start(fresh, 2);
            MemAllocator a = w.a();
            Outcome g1 = w.first();
            Outcome g2 = w.second();
            Thread releaser = start(() -> {
                w.held()[0].release();
                w.held()[1].release();
            });
            join(w.threads());
            join(releaser);
            check(g1.sample != null && g2.sample != null && g1.sample != g2.sample,
                    "the getters ended with " + g1 + " and " + g2);
            check(a.outstandingCount() == 2 && a.freeCount() == 0 && a.waitingCount() == 0,
                    "after both hand-overs: " + state(a));
            g1.sample.release();
            g2.sample.release();
            check(a.freeCount() == 2 && a.outstandingCount() == 0, "at the end: " + state(a));
        });
    }

    /**
     * Both buffers are out and two getters wait; one thread releases a buffer while another
     * decommits. Whatever the order, no getter sleeps through it: each ends with a sample (it took
     * the released buffer before the decommit) or VFW_E_NOT_COMMITTED, at most one with a sample,
     * and once every sample is back the decommit completes. A decommit that skips its wake-up when a
     * buffer is free (reasoning that the release already woke someone) leaves the second getter
     * asleep: the release's signal went to the first.
     */
    @Test
    @Order(8)
    public void releaseRacingDecommitLeavesNoGetterAsleep() {
        run("a release racing a decommit, two blocked getters", fresh -> {
            TwoWaitingGetters w = TwoWaitingGetters.start(fresh, 2);
            MemAllocator a = w.a();
            Outcome g1 = w.first();
            Outcome g2 = w.second();
            Thread releaser = start(w.held()[0]::release);
            Thread decommitter = start(a::decommit);
            join(w.threads());
            join(releaser, decommitter);
            int samples = 0;
            for (Outcome g : new Outcome[] {g1, g2}) {
                check(g.sample != null || "VFW_E_NOT_COMMITTED".equals(g.failure), "a getter ended with " + g);
                samples += g.sample != null ? 1 : 0;
            }
            check(samples <= 1, "both getters got a sample from one released buffer");
            check(!a.isCommitted() && a.isDecommitPending() && a.waitingCount() == 0
                    && a.outstandingCount() == 1 + samples, "after the race: " + state(a));
            w.held()[1].release();
            for (Outcome g : new Outcome[] {g1, g2}) {
                if (g.sample != null) {
                    g.sample.release();
                }
            }
            check(!a.isDecommitPending() && a.outstandingCount() == 0 && a.freeCount() == 0,
                    "after the last release: " + state(a));
        });
    }

    /** Two threads AddRef one sample at once: each gets its own new count, 2 and 3. */
    @Test
    @Order(6)
    public void concurrentAddRefsCountExactly() {
        run("concurrent AddRefs of one sample", fresh -> {
            MemAllocator a = committed(fresh, 1);
            MediaSample s = take(a);
            int[] counts = new int[2];
            Thread t1 = start(() -> counts[0] = s.addRef());
            Thread t2 = start(() -> counts[1] = s.addRef());
            join(t1, t2);
            check(Math.min(counts[0], counts[1]) == 2 && Math.max(counts[0], counts[1]) == 3,
                    "AddRefs returned " + counts[0] + " and " + counts[1]);
            check(s.release() == 2 && s.release() == 1 && s.release() == 0, "releases");
            check(a.freeCount() == 1 && a.outstandingCount() == 0, "at the end: " + state(a));
        });
    }
}
