package org.memallocator.oracle;

import java.util.ArrayList;
import java.util.List;
import org.memallocator.AllocatorProperties;
import org.memallocator.model.MemAllocatorModel;
import org.memallocator.model.Request;
import org.memallocator.model.Result;
import org.memallocator.model.State;

/**
 * Why an operation's observed outcome is impossible in a checker state: one clause, for the
 * sentence of a {@link Verdict.Failure}. It mirrors {@link HistoryChecker#apply}.
 */
final class Explain {

    private Explain() {
    }

    /** Whether the reason does not depend on the state (the outcome is impossible for the call as made). */
    static boolean stateIndependent(History.Operation o) {
        History.Outcome out = o.outcome();
        String hr = out.hr();
        if (hr.equals(History.EXCEPTION) || !allowedFor(o.op()).contains(hr)) {
            return true;
        }
        return o.op() == Op.GetBuffer && (hr.equals("VFW_E_TIMEOUT") && !o.call().noWait() && !o.call().timed()
                || hr.equals(History.INTERRUPTED) && o.call().noWait());
    }

    /** The outcomes the spec gives an op at all. */
    static List<String> allowedFor(Op op) {
        return switch (op) {
            case SetProperties -> List.of("S_OK", "VFW_E_BADALIGN", "VFW_E_ALREADY_COMMITTED", "VFW_E_BUFFERS_OUTSTANDING");
            case Commit -> List.of("S_OK", "VFW_E_SIZENOTSET", "E_OUTOFMEMORY");
            case GetBuffer -> List.of("S_OK", "VFW_E_NOT_COMMITTED", "VFW_E_TIMEOUT", History.INTERRUPTED);
            default -> List.of("S_OK");
        };
    }

    /** The clause: why {@code o}'s outcome cannot happen in {@code s}. */
    static String why(CheckerState s, History.Operation o) {
        History.Outcome out = o.outcome();
        String hr = out.hr();
        State st = s.model;
        if (hr.equals(History.EXCEPTION)) {
            return "it threw " + out.exception() + ", which no spec action does";
        }
        if (!allowedFor(o.op()).contains(hr)) {
            return o.op() + " never returns " + hr + " (it returns one of " + allowedFor(o.op()) + ")";
        }
        if (!o.op().onSample() && !st.clientRef()) {
            return "the allocator had already been closed";
        }
        return switch (o.op()) {
            case SetProperties -> setProperties(s, o);
            case GetProperties -> "the properties in force were " + Describe.props(s.props);
            case Commit -> "the spec's Commit returns " + commitResult(st) + " there (" + state(s) + ")";
            case Decommit, Close -> "it always returns S_OK";
            case GetBuffer -> getBuffer(s, o);
            case AddRef, Release -> sample(s, o);
        };
    }

    private static String setProperties(CheckerState s, History.Operation o) {
        AllocatorProperties request = o.call().request();
        Request r = HistoryChecker.abstraction(request);
        String expected = !r.alignOk() ? "VFW_E_BADALIGN"
                : s.model.committed() ? "VFW_E_ALREADY_COMMITTED"
                : !s.model.outstanding().isEmpty() ? "VFW_E_BUFFERS_OUTSTANDING" : "S_OK";
        if (!expected.equals(o.outcome().hr())) {
            String because = switch (expected) {
                case "VFW_E_BADALIGN" -> "cbAlign " + request.cbAlign() + " is not a power of two from 1 to 65536";
                case "VFW_E_ALREADY_COMMITTED" -> "the allocator was committed";
                case "VFW_E_BUFFERS_OUTSTANDING" -> heldSamples(s) + " outstanding"
                        + (s.model.decommitPending() ? " (a decommit was pending)" : "");
                default -> "it was decommitted with nothing outstanding";
            };
            return "the spec returns " + expected + " there: " + because;
        }
        return "it grants " + Describe.props(request.rounded()) + " for " + Describe.props(request) + ", not "
                + Describe.props(o.outcome().props());
    }

    private static String commitResult(State st) {
        if (st.committed() || st.decommitPending()) {
            return "S_OK";
        }
        Result e = MemAllocatorModel.commitError(st.props());
        return e.name();
    }

    private static String getBuffer(CheckerState s, History.Operation o) {
        State st = s.model;
        History.Call c = o.call();
        String hr = o.outcome().hr();
        String notCommitted = st.decommitPending() ? "a decommit was pending (the allocator was not committed)"
                : "the allocator was not committed";
        switch (hr) {
            case "S_OK" -> {
                if (!st.committed()) {
                    return notCommitted;
                }
                long id = o.outcome().sample();
                int b = s.bufferOf(id);
                if (b != 0) {
                    return "sample " + id + " was already held (reference count " + st.refs(b) + ")";
                }
                if (st.freeList().isEmpty()) {
                    return "no buffer was free (" + heldSamples(s) + " held)";
                }
                return "sample " + id + " is new, but every free buffer is a sample already seen in this commit cycle ("
                        + freeSamples(s) + "): there is no buffer for it";
            }
            case "VFW_E_NOT_COMMITTED" -> {
                return "the allocator was committed";
            }
            case "VFW_E_TIMEOUT" -> {
                if (!c.noWait() && !c.timed()) {
                    return "without AM_GBF_NOWAIT or a timeout GetBuffer waits; it never times out";
                }
                if (!st.committed()) {
                    return notCommitted + ", for which it returns VFW_E_NOT_COMMITTED";
                }
                return "a buffer was free (" + freeSamples(s) + ")";
            }
            default -> { // INTERRUPTED
                if (c.noWait()) {
                    return "with AM_GBF_NOWAIT GetBuffer never waits, so it cannot be interrupted";
                }
                if (!st.committed()) {
                    return notCommitted + ": it returns VFW_E_NOT_COMMITTED without waiting";
                }
                return "a buffer was free (" + freeSamples(s) + "): it takes it without waiting";
            }
        }
    }

    private static String sample(CheckerState s, History.Operation o) {
        long id = o.call().sample();
        int b = s.bufferOf(id);
        if (b == 0) {
            return "sample " + id + " was not handed out in this commit cycle"
                    + (s.model.buffers().isEmpty() ? " (there was no memory)" : "");
        }
        int refs = s.model.refs(b);
        if (refs == 0) {
            return "sample " + id + " had no references (it was free)";
        }
        int expected = o.op() == Op.AddRef ? refs + 1 : refs - 1;
        return "its count was " + refs + ", so " + o.op() + " returns " + expected;
    }

    private static String state(CheckerState s) {
        State st = s.model;
        return (st.committed() ? "committed" : st.decommitPending() ? "decommit pending" : "not committed")
                + ", properties " + Describe.props(s.props);
    }

    private static String heldSamples(CheckerState s) {
        List<String> held = new ArrayList<>();
        for (int b : s.model.outstanding()) {
            held.add(name(s, b));
        }
        return held.isEmpty() ? "no samples" : String.join(", ", held);
    }

    private static String freeSamples(CheckerState s) {
        List<String> free = new ArrayList<>();
        for (int b : s.model.freeList()) {
            free.add(name(s, b));
        }
        return String.join(", ", free);
    }

    private static String name(CheckerState s, int b) {
        long id = s.ids[b - 1];
        return id == History.NO_SAMPLE ? "a sample not yet seen" : "sample " + id;
    }
}
