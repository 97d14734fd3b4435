package org.memallocator.oracle;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.memallocator.MemAllocator;
import org.memallocator.WaitLoopHook;

/**
 * A thread that plays one spec thread ({@code t1}, {@code t2}, ...): it makes the allocator calls
 * it is handed, one at a time, so that every call of spec thread {@code t} runs on the same Java
 * thread, and a blocking {@code getBuffer} can stay blocked, or be held, while the test goes on.
 * {@link VectorRunner} drives the threads of a conformance vector with it, and so do the model
 * tests (the jqwik action chains and the paths generated from the state graph).
 *
 * <p><b>Why holding.</b> In the spec, a thread blocked in GetBuffer returns in a step of its own
 * (WakeWithSample, WakeNotCommitted, WaitTimedOut, WaitInterrupted), and other steps may come
 * between the step that makes its return possible (a Release, a Decommit, its deadline) and that
 * step: another thread may barge in and take the released buffer, or Commit again before the
 * waiter runs. A real woken thread runs as soon as it gets the lock, so such paths cannot be
 * replayed by timing. The test therefore holds blocked threads through the allocator's wait-loop
 * hook ({@link WaitLoopHook}, installed with {@link #attach}): a held thread whose wait ends
 * stops in {@code afterWake}, with the allocator's lock dropped, until the test lets it go
 * ({@link #tryWake}, {@link #release}). It is then "woken but not yet run", exactly the spec's
 * state in between, and the lock stays free for the others.
 *
 * <p><b>Positions from evidence.</b> The hook reports each thread's position: parked (a
 * {@code beforePark} and no {@code afterWake} since), woken and held (inside {@code afterWake}),
 * running again (let go), returned (the call returned). Whether a parked thread was signalled is
 * asked, not guessed: {@link #tryWake} and {@link #probeStillBlocked} unpark it spuriously. A
 * waiter that was not signalled goes straight back to its condition wait (AQS loops until it is
 * signalled), which is a new park: its {@link ThreadInfo#getWaitedCount() waited count} grows
 * and it is parked again with a {@link Condition} as its blocker. One that was signalled reaches
 * {@code afterWake}. Both are positive observations, so no check of this class depends on a
 * sleep: a lost wake-up shows at once, and the patience runs out only when the thread neither
 * returns nor parks again (a hang).
 *
 * <p>Every wait of this class is bounded by the patience given to the constructor; one that runs
 * out is an {@link AssertionError} with the thread's state and stack ({@link #describe}). The
 * methods declare no checked exception: an {@link InterruptedException} of the caller's own thread
 * also becomes an {@link AssertionError} (for {@link #stop}, a false result), its interrupt status
 * set again.
 *
 * <p>Not thread-safe: only the test's main thread drives it.
 */
public final class SpecThread implements AutoCloseable {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * Numbers every {@code beforePark}, of any SpecThread: the allocator calls it with its lock
     * held, immediately before the thread joins the condition's wait queue, so among the threads
     * parked on one allocator's condition the smaller number is the longer waiter (the one AQS's
     * {@code signal()} takes first).
     */
    private static final AtomicLong PARK_ORDER = new AtomicLong();

    /**
     * The wait-loop hook that reports every SpecThread's positions and holds the held ones; any
     * other thread passes through it untouched.
     */
    private static final WaitLoopHook HOOK = new WaitLoopHook() {
        @Override
        public void beforePark(Thread thread) {
            if (thread instanceof Worker w) {
                w.owner.lastPark = PARK_ORDER.incrementAndGet();
                w.owner.parks.incrementAndGet();
            }
        }

        @Override
        public void afterWake(Thread thread) {
            if (thread instanceof Worker w) {
                w.owner.stopWhileHeld();
            }
        }
    };

    /**
     * Installs the hook that lets SpecThreads hold their calls on {@code allocator}.
     *
     * @return false if the allocator has no wait-loop hook ({@link WaitLoopHook}): its blocked
     *         calls cannot be held
     */
    public static boolean attach(MemAllocator allocator) {
        return WaitLoopHook.install(allocator, HOOK);
    }

    /**
     * What a call ended with.
     *
     * @param value            what it returned
     * @param thrown           what it threw, or null
     * @param interruptPending the interrupt status was set when the call ended (cleared since)
     * @param nanos            how long the call took
     */
    public record Outcome(Object value, Throwable thrown, boolean interruptPending, long nanos) {
        @Override
        public String toString() {
            return thrown != null ? "threw " + thrown : "returned " + value;
        }
    }

    /** What a held thread did when {@link #tryWake let go}. */
    public enum Wake {
        /** Its call returned. */
        RETURNED,
        /** It had not been woken: it is still parked on the allocator's condition (still held). */
        NOT_WOKEN,
        /** It was woken, re-checked, and parked again: a new {@code beforePark} (still held). */
        WAITING
    }

    /**
     * Where a thread is, from evidence ({@link #position}).
     */
    public enum Position {
        /** No call started, or the last one returned and was seen returned before: not in a call. */
        IDLE,
        /** Its call returned. */
        RETURNED,
        /** Parked on the allocator's condition: a {@code beforePark}, no {@code afterWake} since, and not signalled. */
        PARKED,
        /** Inside {@code afterWake}, held: woken, not yet re-checking. */
        WOKEN_HELD,
        /** Parked waiting for a lock (the allocator's), not for its condition: seen only by {@link #positionNow}. */
        QUEUED_FOR_LOCK
    }

    /** A call handed to the thread. */
    private static final class Call {
        final String description;
        final Callable<Object> body;
        final CompletableFuture<Outcome> done = new CompletableFuture<>();

        Call(String description, Callable<Object> body) {
            this.description = description;
            this.body = body;
        }
    }

    private static final Call STOP = new Call("stop", () -> null);

    private final String name;
    private final Duration patience;
    private final SynchronousQueue<Call> inbox = new SynchronousQueue<>();
    private final Worker thread;
    private Call current;
    /** {@code beforePark} calls seen from this thread. */
    private final AtomicInteger parks = new AtomicInteger();
    /** The {@link #PARK_ORDER} number of this thread's last {@code beforePark}. */
    private volatile long lastPark;
    /** Guards {@link #held}, {@link #passes} and {@link #woken}. */
    private final Object gate = new Object();
    /** Whether the thread stops in {@code afterWake} until let go. */
    private boolean held;
    /** Trips through {@code afterWake} the test has allowed a held thread. */
    private int passes;
    /** Inside {@code afterWake}: woken, not yet re-checking. */
    private boolean woken;

    /** The Java thread of a SpecThread, so that the hook knows whose wait it reports. */
    private static final class Worker extends Thread {
        SpecThread owner;

        Worker(Runnable body, String name) {
            super(body, name);
        }
    }

    /**
     * @param name     the spec thread's name, also the Java thread's name (after {@code prefix})
     * @param patience how long any single wait for this thread may take before it is a failure
     */
    public SpecThread(String name, String prefix, Duration patience) {
        this.name = name;
        this.patience = patience;
        thread = new Worker(this::loop, prefix + name);
        thread.owner = this;
        thread.setDaemon(true);
        thread.start();
    }

    public Thread thread() {
        return thread;
    }

    private void loop() {
        try {
            for (Call c = inbox.take(); c != STOP; c = inbox.take()) {
                Object value = null;
                Throwable thrown = null;
                long start = System.nanoTime();
                try {
                    value = c.body.call();
                } catch (Throwable t) {
                    thrown = t;
                }
                long nanos = System.nanoTime() - start;
                synchronized (gate) { // a returned call is held no more
                    held = false;
                    passes = 0;
                }
                c.done.complete(new Outcome(value, thrown, Thread.interrupted(), nanos));
            }
        } catch (InterruptedException stopped) {
            // stop() interrupts an idle thread that did not take STOP
        }
    }

    // ------------------------------------------------------------ calls

    /** Hands {@code body} to the thread; returns once it has taken it. */
    public void start(String description, Callable<Object> body) {
        if (inCall()) {
            throw new IllegalStateException(name + " is still in " + current.description);
        }
        Call call = new Call(description, body);
        try {
            if (!inbox.offer(call, patience.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not take " + description + "; " + describe());
            }
        } catch (InterruptedException e) {
            throw interrupted("handing " + description + " to " + name, e);
        }
        current = call;
    }

    /** {@link #start} and wait for the call to return: for calls that must not block. */
    public Outcome call(String description, Callable<Object> body) {
        start(description, body);
        return awaitReturn();
    }

    /** Waits for the current call to return; one that does not within the patience is a failure. */
    public Outcome awaitReturn() {
        try {
            return current.done.get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": " + current.description + " did not return within "
                    + patience + "; " + describe(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            throw interrupted("waiting for " + name, e);
        }
    }

    /** Whether a call was started and has not returned. */
    public boolean inCall() {
        return current != null && !current.done.isDone();
    }

    /** Whether the current call has returned (false before the first call). */
    public boolean returned() {
        return current != null && current.done.isDone();
    }

    /** The outcome of the current call, which must have returned. */
    public Outcome outcome() {
        return current.done.getNow(null);
    }

    /** The description of the current call, or "(none)" before the first. */
    public String currentCall() {
        return current == null ? "(none)" : current.description;
    }

    // ------------------------------------------------------------ blocked calls

    /** Parked inside a call: WAITING or TIMED_WAITING, and the call has not returned. */
    public boolean parkedInCall() {
        Thread.State s = thread.getState();
        return (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) && inCall();
    }

    /** Parked in a condition wait (WAITING or TIMED_WAITING with a {@link Condition} as blocker). */
    private boolean parkedOnCondition() {
        Thread.State s = thread.getState();
        return (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING)
                && LockSupport.getBlocker(thread) instanceof Condition;
    }

    private long waitedCount() {
        ThreadInfo info = THREADS.getThreadInfo(thread.getId());
        return info == null ? -1 : info.getWaitedCount();
    }

    /**
     * Waits until a just-started call either returned or is parked in a condition wait.
     *
     * @return true if it is parked in its call, false if it returned
     */
    public boolean awaitParkedOrReturned() {
        await(() -> returned() || parkedOnCondition() && inCall(), "park in or return from " + currentCall());
        return !returned();
    }

    /**
     * Lets a thread that is in a call (not held) run: unparks it spuriously and waits until it
     * either returned or parked in a condition wait again (see the class comment).
     *
     * @return true if it is still blocked in its call, false if the call returned
     */
    public boolean probeStillBlocked() {
        if (returned()) {
            return false;
        }
        unparkAndAwait(waitedCount(), this::parkedOnCondition);
        return !returned();
    }

    /**
     * Unparks the thread spuriously and waits until its call returned or, after more parks than
     * {@code waited}, {@code parked} holds.
     */
    private void unparkAndAwait(long waited, BooleanSupplier parked) {
        LockSupport.unpark(thread);
        await(() -> returned() || waitedCount() > waited && parked.getAsBoolean(),
                "return from or wait again in " + currentCall());
    }

    /**
     * Interrupts the thread: a blocked call should return with InterruptedException; a held
     * thread stays held.
     */
    public void interrupt() {
        thread.interrupt();
    }

    // ------------------------------------------------------------ holding

    /** The hook's {@code afterWake} on this thread: stops here while held and not let go. */
    private void stopWhileHeld() {
        boolean interrupted = false;
        synchronized (gate) {
            woken = true;
            while (held && passes == 0) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    interrupted = true; // an interrupt of a held thread is kept for its re-check
                }
            }
            if (passes > 0) {
                passes--;
            }
            woken = false;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Inside {@code afterWake}, held: woken but not yet re-checking. */
    public boolean woken() {
        synchronized (gate) {
            return woken;
        }
    }

    /**
     * Parked on the allocator's condition in a call, and not woken: a {@code beforePark} was seen
     * and the thread waits with a {@link Condition} as its blocker.
     */
    public boolean parkedNotWoken() {
        return parks.get() > 0 && parkedOnCondition() && inCall() && !woken();
    }

    /**
     * Where the thread is, from evidence, once it has settled (see the class comment): not in a
     * call, returned, woken and held in {@code afterWake}, or parked on the allocator's
     * condition. A thread queued for the allocator's lock, or running, has not settled: the
     * driver's threads never keep the lock while they wait (a parked or held thread has dropped
     * it), so it gets the lock and goes on. A thread parked on a condition is unparked spuriously
     * first: one that was signalled then reaches {@code afterWake} (or returns, if not held), one
     * that was not parks on the condition again, a new wait. A thread that settles in none of
     * these positions within the patience is a failure, with its state and stack.
     */
    public Position position() {
        if (!inCall()) {
            return returned() ? Position.RETURNED : Position.IDLE;
        }
        await(() -> returned() || woken() || parkedNotWoken(), "settle in " + currentCall());
        if (returned() || woken()) {
            return returned() ? Position.RETURNED : Position.WOKEN_HELD;
        }
        long waited = waitedCount();
        LockSupport.unpark(thread);
        await(() -> returned() || woken() || waitedCount() > waited && parkedNotWoken(),
                "wake or wait again in " + currentCall());
        return returned() ? Position.RETURNED : woken() ? Position.WOKEN_HELD : Position.PARKED;
    }

    /**
     * Where the thread is this instant, without waiting or probing: {@link Position#QUEUED_FOR_LOCK}
     * when it is parked for a lock, else what its state shows ({@link Position#PARKED} means only
     * parked on a condition, signalled or not); null while it runs.
     */
    public Position positionNow() {
        if (!inCall()) {
            return returned() ? Position.RETURNED : Position.IDLE;
        }
        if (woken()) {
            return Position.WOKEN_HELD;
        }
        if (queuedForLock()) {
            return Position.QUEUED_FOR_LOCK;
        }
        return parkedNotWoken() ? Position.PARKED : null;
    }

    /** Parked with a lock's synchronizer (not a {@link Condition}) as its blocker. */
    private boolean queuedForLock() {
        Thread.State s = thread.getState();
        Object blocker = LockSupport.getBlocker(thread);
        return (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING)
                && blocker instanceof java.util.concurrent.locks.AbstractQueuedSynchronizer && inCall();
    }

    /**
     * The {@code beforePark} number of the thread's last park (see {@code PARK_ORDER}): among
     * threads parked on one condition, the smaller is the longer waiter. 0 if it never parked.
     */
    public long lastPark() {
        return lastPark;
    }

    /**
     * Holds the thread's current call: from now on, each time its wait ends it stops in the hook's
     * {@code afterWake} until the test lets it go (see the class comment). May be called at once
     * after {@link #start}; waits until the call is parked, or woken and held.
     *
     * @return true if it is held; false, with the thread running, if its call returned instead
     *         (or never blocked)
     */
    public boolean hold() {
        synchronized (gate) {
            held = true;
            passes = 0;
        }
        await(() -> returned() || woken() || parkedNotWoken(), "park in " + currentCall());
        if (returned()) {
            release();
            return false;
        }
        return true;
    }

    public boolean held() {
        synchronized (gate) {
            return held;
        }
    }

    /** Lets a held thread run freely again. */
    public void release() {
        synchronized (gate) {
            held = false;
            gate.notifyAll();
        }
    }

    /**
     * Lets a held thread go once and reports what it did, from evidence (see the class comment):
     * if it was not woken it stays parked ({@link Wake#NOT_WOKEN}); if it was, it re-checks and
     * either returns or parks again, held again ({@link Wake#WAITING}).
     */
    public Wake tryWake() {
        if (returned()) {
            return Wake.RETURNED;
        }
        if (!woken()) {
            long waited = waitedCount();
            LockSupport.unpark(thread);
            await(() -> returned() || woken() || waitedCount() > waited && parkedNotWoken(),
                    "wake or wait again in " + currentCall());
            if (returned()) {
                return Wake.RETURNED; // not held: it was free to run
            }
            if (!woken()) {
                return Wake.NOT_WOKEN;
            }
        }
        return recheck();
    }

    /**
     * Lets a woken, held thread go once: it re-checks the allocator's state, and either returns
     * or parks again (a new {@code beforePark}), held again.
     *
     * @return {@link Wake#RETURNED} or {@link Wake#WAITING}
     * @throws IllegalStateException if the thread is not woken and held
     */
    public Wake recheck() {
        while (true) {
            int parked = parks.get();
            synchronized (gate) {
                if (!woken || !held) {
                    throw new IllegalStateException(name + " is not woken and held");
                }
                passes++;
                gate.notifyAll();
            }
            await(() -> returned() || parks.get() > parked && (parkedNotWoken() || woken()),
                    "return from or park again in " + currentCall());
            if (returned()) {
                return Wake.RETURNED;
            }
            if (!woken()) {
                return Wake.WAITING;
            }
            // its new wait ended at once, unsignalled (an interrupt pending, its deadline passed): it goes on
        }
    }

    /**
     * Interrupts a held thread that is parked and not woken, and waits until it has left its wait
     * for the hook's {@code afterWake}, where it stays held and no signal reaches it. Let go, it
     * throws {@link InterruptedException}.
     */
    public void interruptHeld() {
        if (!held() || !parkedNotWoken()) {
            throw new IllegalStateException(name + ": not a held, parked call");
        }
        thread.interrupt();
        await(() -> woken() || returned(), "leave its wait for the hook, interrupted");
        if (returned()) {
            throw new AssertionError(name + ": " + currentCall() + " returned while held");
        }
    }

    // ------------------------------------------------------------ waiting, failing, ending

    /** Spins, then yields, then parks briefly, until {@code condition} holds; a failure after the patience. */
    public void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + patience.toNanos();
        for (int spins = 0; !condition.getAsBoolean(); spins++) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(name + " did not " + what + " within " + patience + "; " + describe());
            }
            if (spins < 200) {
                Thread.onSpinWait();
            } else if (spins < 2000) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(50_000L);
            }
        }
    }

    private static AssertionError interrupted(String what, InterruptedException e) {
        Thread.currentThread().interrupt();
        return new AssertionError("interrupted while " + what, e);
    }

    /** The thread's state, blocker and stack, for failure messages. */
    public String describe() {
        Object blocker = LockSupport.getBlocker(thread);
        return thread.getName() + " in " + currentCall() + ": " + thread.getState()
                + (blocker == null ? "" : " on " + blocker.getClass().getSimpleName())
                + Arrays.stream(thread.getStackTrace()).limit(12)
                .map(f -> "\n        at " + f).collect(Collectors.joining());
    }

    /**
     * Ends the thread, whatever it is doing: a held thread is let go, a thread still in a call is
     * interrupted (a blocked getBuffer returns), an idle one takes STOP. Returns false if it is
     * still alive after the patience (or the caller was interrupted, its status set again): for
     * cleanup, this method does not throw.
     */
    public boolean stop() {
        if (!thread.isAlive()) {
            return true;
        }
        release();
        if (inCall()) {
            thread.interrupt();
            try {
                current.done.get(patience.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        try {
            if (!inbox.offer(STOP, patience.toMillis(), TimeUnit.MILLISECONDS)) {
                thread.interrupt();
            }
            thread.join(patience.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return name;
    }
}
