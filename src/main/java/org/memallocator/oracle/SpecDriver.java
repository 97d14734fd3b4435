package org.memallocator.oracle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.memallocator.MemAllocator;
import org.memallocator.WaitLoopHook;

/**
 * Runs spec steps on one real {@link MemAllocator}, one {@link SpecThread} per spec thread
 * ({@code t1}, {@code t2}, ...): a call that returns, a call that blocks and is held, letting a
 * held call go, interrupting a parked one. It reports where each thread is from evidence only
 * ({@link SpecThread#position}): parked on the allocator's condition, woken and held, queued for
 * the allocator's lock, returned; and which threads are parked on the condition, longest waiter
 * first ({@link #parkedQueue}). Never from a timeout alone: a wait that runs out of patience is a
 * failure ({@link AssertionError}), not an answer.
 *
 * <p>The conformance vectors ({@link VectorRunner}) and the model tests (the paths generated from
 * the contract's and the monitor's state graphs, the jqwik action chains) drive the allocator
 * through it. Spec threads are interchangeable where the spec state cannot tell them apart (two
 * blocked waiters, for instance): a runner that follows the implementation's choice renames them
 * with {@link #swap}.
 *
 * <p>Not thread-safe: only the test's (or runner's) main thread drives it.
 */
public final class SpecDriver implements AutoCloseable {

    private final MemAllocator allocator;
    private final String prefix;
    private final Duration patience;
    private final boolean canHold;
    private final Map<String, SpecThread> threads = new LinkedHashMap<>();

    /**
     * @param allocator the allocator under test
     * @param prefix    the prefix of the Java threads' names
     * @param patience  how long any single wait for a thread may take before it is a failure
     * @param hold      whether to install the allocator's wait-loop hook ({@link WaitLoopHook}), if
     *                  it has one, so that blocked calls can be held and their positions seen
     */
    public SpecDriver(MemAllocator allocator, String prefix, Duration patience, boolean hold) {
        this.allocator = allocator;
        this.prefix = prefix;
        this.patience = patience;
        this.canHold = hold && SpecThread.attach(allocator);
    }

    public MemAllocator allocator() {
        return allocator;
    }

    /** Whether blocked calls can be held: asked for, and the allocator has the wait-loop hook. */
    public boolean canHold() {
        return canHold;
    }

    /** The thread of spec thread {@code t}, started on first use. */
    public SpecThread thread(String t) {
        return threads.computeIfAbsent(t, n -> new SpecThread(n, prefix, patience));
    }

    /** The spec threads started so far, in order of first use. */
    public List<String> names() {
        return List.copyOf(threads.keySet());
    }

    /** Runs a call on {@code t}'s thread and waits for it to return (one that does not is a failure). */
    public SpecThread.Outcome call(String t, String description, Callable<Object> body) {
        return thread(t).call(description, body);
    }

    /**
     * Starts a call on {@code t}'s thread that should block, and holds it
     * ({@link SpecThread#hold}): once its wait ends, it stops before re-checking until let go.
     *
     * @return true if it is held in its call; false if it returned instead (its outcome is then
     *         {@code thread(t).outcome()})
     * @throws IllegalStateException if the allocator has no wait-loop hook
     */
    public boolean startHeld(String t, String description, Callable<Object> body) {
        if (!canHold) {
            throw new IllegalStateException(allocator.getClass().getName()
                    + " has no wait-loop hook (org.memallocator.WaitLoopHook): its calls cannot be held");
        }
        SpecThread d = thread(t);
        d.start(description, body);
        if (!d.hold()) {
            d.awaitReturn();
            return false;
        }
        return true;
    }

    /** Where {@code t} is, from evidence ({@link SpecThread#position}). */
    public SpecThread.Position position(String t) {
        return thread(t).position();
    }

    /** Every started thread's position, from evidence. */
    public Map<String, SpecThread.Position> positions() {
        Map<String, SpecThread.Position> all = new LinkedHashMap<>();
        for (String t : threads.keySet()) {
            all.put(t, position(t));
        }
        return all;
    }

    /**
     * The threads parked on the allocator's condition, from evidence, longest waiter first:
     * the order of their last {@code beforePark}, which the allocator reports with its lock held
     * immediately before the thread joins the condition's FIFO wait queue.
     */
    public List<String> parkedQueue() {
        List<String> parked = new ArrayList<>();
        positions().forEach((t, p) -> {
            if (p == SpecThread.Position.PARKED) {
                parked.add(t);
            }
        });
        parked.sort(Comparator.comparingLong(t -> threads.get(t).lastPark()));
        return parked;
    }

    /** Lets {@code t}'s woken, held call go once: it re-checks and returns, or parks again, held. */
    public SpecThread.Wake recheck(String t) {
        return thread(t).recheck();
    }

    /** Lets {@code t}'s held call go once, whether or not it was woken ({@link SpecThread#tryWake}). */
    public SpecThread.Wake letGo(String t) {
        return thread(t).tryWake();
    }

    /**
     * Interrupts {@code t}'s held call while it is parked and not woken: it leaves the condition
     * before any signal can reach it, and stays held ({@link SpecThread#interruptHeld}).
     */
    public void interruptParked(String t) {
        thread(t).interruptHeld();
    }

    /** Spec threads {@code a} and {@code b} are interchangeable: their threads trade names. */
    public void swap(String a, String b) {
        SpecThread ta = thread(a);
        threads.put(a, thread(b));
        threads.put(b, ta);
    }

    /** Ends every thread ({@link SpecThread#stop}); returns the descriptions of those that would not end. */
    public List<String> stop() {
        List<String> stuck = new ArrayList<>();
        for (SpecThread d : threads.values()) {
            if (!d.stop()) {
                stuck.add(d.describe());
            }
        }
        return stuck;
    }

    @Override
    public void close() {
        stop();
    }
}
