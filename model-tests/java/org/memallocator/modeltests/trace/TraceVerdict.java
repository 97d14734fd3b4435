package org.memallocator.modeltests.trace;

import java.util.List;

/**
 * What a trace checker concluded.
 *
 * @param checker  which checker ("model", "TLC")
 * @param outcome  accepted, rejected (no spec behaviour matches), malformed (an event the checker
 *                 cannot read), or error (the checker itself failed)
 * @param position the 1-based position of the first event not matched (rejected, malformed), else 0
 * @param event    that event (a {@link TraceEvent} or {@link MonitorTraceEvent}), or null
 * @param reason   why, in words
 * @param length   the trace's length
 */
record TraceVerdict(String checker, Outcome outcome, int position, Object event, String reason, int length) {

    enum Outcome { ACCEPTED, REJECTED, MALFORMED, ERROR }

    static TraceVerdict accepted(String checker, int length) {
        return new TraceVerdict(checker, Outcome.ACCEPTED, 0, null, "every event matched a spec step", length);
    }

    boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }

    /** One paragraph for a failure message, with the events just before the position for context. */
    String describe(List<?> trace) {
        StringBuilder s = new StringBuilder(checker).append(": ").append(outcome);
        if (outcome == Outcome.ACCEPTED) {
            return s.append(" (").append(length).append(" events)").toString();
        }
        if (position > 0) {
            s.append(" at event ").append(position).append(" of ").append(length).append(": ").append(event);
        }
        s.append("\n  ").append(reason.replace("\n", "\n  "));
        if (position > 0 && trace != null) {
            s.append("\n  events ").append(Math.max(1, position - 8)).append("..").append(position).append(':');
            for (int i = Math.max(1, position - 8); i <= Math.min(position, trace.size()); i++) {
                s.append(String.format("%n    %5d  %s", i, trace.get(i - 1)));
            }
        }
        return s.toString();
    }
}
