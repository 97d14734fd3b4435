package org.memallocator.modeltests.trace;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.memallocator.SpecAction;
import org.memallocator.model.Layout;
import org.memallocator.model.MemAllocatorModel;
import org.memallocator.model.Request;
import org.memallocator.model.Result;
import org.memallocator.model.State;

/**
 * Checks a trace with the executable model: the same judgement as {@code MemAllocatorTrace.tla}
 * under TLC, event by event through {@link MemAllocatorModel#step}, in microseconds instead of
 * seconds. Each event must be a step the spec allows in the state the events before it led to,
 * with the event's parameters, and the result it logged must be the spec's; the model's
 * invariants and action properties must hold after it. The event's call mode fixes the spec's
 * {@code timed} of a GetBufferBlocks (so only a call with a deadline may time out once blocked),
 * and the call-mode rule of the trace spec applies too (only a waiting call blocks; only a NOWAIT
 * or timed call fails with VFW_E_TIMEOUT at once).
 */
final class ModelTraceChecker {

    private static final Set<String> MODES = Set.of("none", "wait", "nowait", "timed");

    private final MemAllocatorModel model;

    MemAllocatorModel model() {
        return model;
    }

    ModelTraceChecker(MemAllocatorModel model) {
        this.model = model;
    }

    /** A model whose constants fit the trace (see {@link TraceModule#constants}). */
    static ModelTraceChecker forTrace(List<String> threads, List<TraceEvent> trace) {
        TraceModule.Constants c = TraceModule.constants(threads, trace);
        return new ModelTraceChecker(new MemAllocatorModel(threads, c.maxBuffers(), c.maxRefs()));
    }

    TraceVerdict check(List<TraceEvent> trace) {
        Cursor cursor = cursor();
        for (int i = 0; i < trace.size(); i++) {
            TraceEvent e = trace.get(i);
            State before = cursor.state();
            String malformed = malformed(e);
            if (malformed != null) {
                return new TraceVerdict("model", TraceVerdict.Outcome.MALFORMED, i + 1, e, malformed, trace.size());
            }
            String why = cursor.advance(e);
            if (why != null) {
                return rejected(i + 1, e, why, before, trace.size());
            }
        }
        return TraceVerdict.accepted("model", trace.size());
    }

    /** A walk through a trace from the initial state, one well-formed event at a time. */
    Cursor cursor() {
        return new Cursor();
    }

    final class Cursor {
        private State s = model.init();

        State state() {
            return s;
        }

        /**
         * Takes the spec step the (well-formed) event names; null if it matched, else why not,
         * and the cursor stays where it was.
         */
        String advance(TraceEvent e) {
            SpecAction action = SpecAction.valueOf(e.action());
            Request request = action == SpecAction.SetProperties
                    ? new Request(e.count(), layout(e.layout()), e.alignOk()) : null;
            String modeRule = switch (action) {
                case GetBufferTimeout -> e.mode().equals("nowait") || e.mode().equals("timed") ? null
                        : "a " + e.mode() + " getBuffer failed with VFW_E_TIMEOUT without waiting";
                case GetBufferBlocks -> e.mode().equals("wait") || e.mode().equals("timed") ? null
                        : "a " + e.mode() + " getBuffer blocked";
                default -> null;
            };
            if (modeRule != null) {
                return modeRule;
            }
            Optional<State> next = model.step(s, action, e.thread(), e.buffer(), request, "timed".equals(e.mode()));
            if (next.isEmpty()) {
                return action + " with these parameters is not enabled";
            }
            State t = next.get();
            if (action == SpecAction.AddRef || action == SpecAction.Release) {
                if (t.refs(e.buffer()) != e.refs() || !"S_OK".equals(e.result())) {
                    return "the spec's refs[" + e.buffer() + "] becomes " + t.refs(e.buffer())
                            + "; the event logged " + e.refs() + " (" + e.result() + ")";
                }
            } else if (t.result().get(e.thread()) != Result.valueOf(e.result())) {
                return "the spec's result for " + e.thread() + " is "
                        + t.result().get(e.thread()) + "; the call returned " + e.result();
            }
            List<String> violated = model.violatedInvariants(t);
            violated.addAll(MemAllocatorModel.violatedActionProperties(s, t));
            if (!violated.isEmpty()) {
                return "the step violates " + violated;
            }
            s = t;
            return null;
        }
    }

    private static TraceVerdict rejected(int position, TraceEvent e, String why, State before, int length) {
        return new TraceVerdict("model", TraceVerdict.Outcome.REJECTED, position, e,
                why + "\nspec state before it: " + before, length);
    }

    /** Why the event cannot be read (the trace spec's WellFormed), or null. */
    String malformed(TraceEvent e) {
        SpecAction action;
        try {
            action = SpecAction.valueOf(e.action());
        } catch (IllegalArgumentException | NullPointerException unknown) {
            return "unknown action \"" + e.action() + "\"";
        }
        boolean sampleStep = action == SpecAction.AddRef || action == SpecAction.Release;
        if (!sampleStep && !model.threads().contains(e.thread())) {
            return "unknown thread \"" + e.thread() + "\" (threads " + model.threads() + ")";
        }
        boolean needsBuffer = sampleStep || action == SpecAction.GetBufferOk || action == SpecAction.WakeWithSample;
        if (needsBuffer && (e.buffer() < 1 || e.buffer() > model.maxBuffers())) {
            return "buffer " + e.buffer() + " not in 1.." + model.maxBuffers();
        }
        try {
            Result.valueOf(e.result());
        } catch (IllegalArgumentException | NullPointerException unknown) {
            return "unknown result \"" + e.result() + "\"";
        }
        if (e.refs() < 0) {
            return "negative reference count " + e.refs();
        }
        if (!MODES.contains(e.mode())) {
            return "unknown call mode \"" + e.mode() + "\"";
        }
        if (action == SpecAction.SetProperties && (e.count() < 0 || e.count() > model.maxBuffers()
                || layout(e.layout()) == null)) {
            return "SetProperties without a readable request (count " + e.count() + ", layout " + e.layout() + ")";
        }
        return null;
    }

    private static Layout layout(String tla) {
        for (Layout l : Layout.values()) {
            if (l.tla().equals(tla)) {
                return l;
            }
        }
        return null;
    }
}
