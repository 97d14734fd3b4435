package org.memallocator.modeltests.stateful;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.memallocator.modeltests.stateful.AllocatorWorld.SpecMismatch;
import org.memallocator.modeltests.stateful.AllocatorWorld.Step;
import org.opentest4j.TestAbortedException;

/**
 * Shortens a failing action chain by replaying subsequences of its steps on fresh allocators and
 * keeping every one that still fails the same way (same {@link SpecMismatch#kind}): blocks of
 * steps first, halving the block size down to single steps, until no step can go or the time
 * budget is spent.
 *
 * <p>Why not jqwik's own shrinking: jqwik 1.9.3 counts every action with a precondition as one
 * that reads the state, and when it drops a step it keeps only the steps before it and generates
 * the rest anew; the step that failed is then almost never regenerated, and chains stayed 13 to 30
 * steps long. The steps here resolve their thread and buffer parameters when they run, so a
 * replayed subsequence stays meaningful; a step whose precondition no longer holds makes the
 * candidate invalid.
 */
final class ChainMinimizer {

    /** What a replay did. */
    record Replay(Throwable failure, String kind, AllocatorWorld world) {
        boolean failed() {
            return failure != null;
        }
    }

    private final Supplier<AllocatorWorld> worlds;
    private final Duration budget;
    private int replays;

    ChainMinimizer(Supplier<AllocatorWorld> worlds, Duration budget) {
        this.worlds = worlds;
        this.budget = budget;
    }

    /** The kind of a failure: a {@link SpecMismatch}'s kind, a hang, or the exception's class. */
    static String kindOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SpecMismatch m) {
                return m.kind;
            }
        }
        String message = String.valueOf(failure.getMessage());
        if (message.contains(" within PT")) {
            return "hang";
        }
        return failure.getClass().getSimpleName();
    }

    /** Runs {@code steps} on a fresh allocator, checking the refinement after each, as the property does. */
    Replay replay(List<Step> steps) {
        replays++;
        AllocatorWorld w = worlds.get();
        try {
            for (Step s : steps) {
                if (!s.enabled().test(w)) {
                    return new Replay(null, null, w);
                }
                w.perform(s);
                w.checkRefinement();
            }
            return new Replay(null, null, w);
        } catch (TestAbortedException invalid) {
            return new Replay(null, null, w);
        } catch (AssertionError | RuntimeException e) {
            return new Replay(e, kindOf(e), w);
        } finally {
            w.stopThreads();
        }
    }

    /**
     * A shortest subsequence of {@code failing} found within the budget that fails with
     * {@code kind}, with its replay; {@code null} if {@code failing} itself does not fail that
     * way when replayed, or the budget is zero.
     */
    Replay minimize(List<Step> failing, String kind) {
        if (budget.isZero() || budget.isNegative()) {
            return null;
        }
        long deadline = System.nanoTime() + budget.toNanos();
        Replay best = replay(failing);
        if (!best.failed() || !kind.equals(best.kind())) {
            return null;
        }
        List<Step> current = new ArrayList<>(failing);
        for (int block = Math.max(1, current.size() / 2); block >= 1; block = block == 1 ? 0 : block / 2) {
            boolean removed = true;
            while (removed && System.nanoTime() < deadline) {
                removed = false;
                for (int end = current.size(); end - block >= 0 && System.nanoTime() < deadline; ) {
                    List<Step> candidate = new ArrayList<>(current.subList(0, end - block));
                    candidate.addAll(current.subList(end, current.size()));
                    Replay r = candidate.isEmpty() ? new Replay(null, null, null) : replay(candidate);
                    if (r.failed() && kind.equals(r.kind())) {
                        current = candidate;
                        best = r;
                        removed = true;
                        end = Math.min(end - block, current.size());
                    } else {
                        end--;
                    }
                }
            }
        }
        return best;
    }

    int replays() {
        return replays;
    }
}
