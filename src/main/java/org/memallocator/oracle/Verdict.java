package org.memallocator.oracle;

import java.time.Duration;
import java.util.List;

/**
 * What {@link HistoryChecker} concluded about a history.
 *
 * @param outcome        linearizable, not, or undecided (the search budget ran out)
 * @param source         where the history came from
 * @param events         its number of events
 * @param operations     its number of operations (calls)
 * @param threads        its number of threads
 * @param configurations the search configurations (linearized operations x checker state) explored
 * @param elapsed        how long the check took
 * @param linearization  for a linearizable history, the operation indices ({@link History.Operation#index()})
 *                       in one order that explains it (pending operations only if they took effect);
 *                       empty otherwise, and for a history streamed from a file or of more than
 *                       100,000 operations (the order would cost memory in proportion to the history)
 * @param failure        for a history that is not linearizable, where and why; otherwise null
 * @param note           for an undecided history, which budget ran out and how far the search got; for
 *                       an accepted history with pending calls, on what grounds they were accepted; else empty
 */
public record Verdict(Outcome outcome, String source, int events, int operations, int threads, long configurations,
                      Duration elapsed, List<Integer> linearization, Failure failure, String note) {

    /** The three conclusions. */
    public enum Outcome {
        /** Some order of the operations, each at a point between its call and its return, explains every outcome. */
        LINEARIZABLE,
        /** No such order exists. */
        NOT_LINEARIZABLE,
        /** A budget (configurations held at once, or time) ran out before a verdict. */
        UNDECIDED
    }

    /**
     * Why a history is not linearizable.
     *
     * @param prefixEvents the length of the smallest prefix of the history that is not linearizable
     *                     (it ends with the return of {@code operation})
     * @param line         the line of that last event
     * @param operation    the operation whose return makes the prefix fail
     * @param involved     the operations whose order relative to it was free (their calls and returns
     *                     overlap it), then up to three that completed just before its call
     * @param state        the checker's state at the latest point where {@code operation} could have
     *                     taken effect, in words: the allocator's state and which history sample is which buffer
     * @param modelState   the same state as the spec's variables (a {@code MemAllocator.tla} state)
     * @param why          one sentence: what the operation returned and why no order allows it
     */
    public record Failure(int prefixEvents, int line, History.Operation operation, List<History.Operation> involved,
                          String state, String modelState, String why) {

        public Failure {
            involved = List.copyOf(involved);
        }
    }

    public Verdict {
        linearization = List.copyOf(linearization);
    }

    public boolean linearizable() {
        return outcome == Outcome.LINEARIZABLE;
    }

    /** One line: the outcome, the size, the time; and the sentence why, if it failed. */
    public String summary() {
        String size = events + " events, " + operations + " operations, " + threads + " threads";
        return switch (outcome) {
            case LINEARIZABLE -> "linearizable (" + size + "; " + configurations + " configurations, "
                    + elapsed.toMillis() + " ms)" + (note.isEmpty() ? "" : "; " + note);
            case UNDECIDED -> "undecided: " + note + " (" + size + ")";
            case NOT_LINEARIZABLE -> "NOT linearizable: " + failure.why();
        };
    }

    /** The full report: the summary, and for a failure the prefix, the operations involved and the state. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(source).append(": ").append(summary());
        if (failure != null) {
            s.append("\n  smallest failing prefix: the first ").append(failure.prefixEvents()).append(" events (to line ")
                    .append(failure.line()).append(")");
            s.append("\n  failing operation: ").append(failure.operation());
            for (History.Operation o : failure.involved()) {
                s.append("\n  involved: ").append(o);
            }
            s.append("\n  state where it could last take effect: ").append(failure.state());
            s.append("\n  as the spec's variables: ").append(failure.modelState());
        }
        return s.toString();
    }
}
