package org.memallocator.oracle;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.memallocator.AllocatorProperties;
import org.memallocator.model.Layout;
import org.memallocator.model.MemAllocatorModel;
import org.memallocator.model.Request;
import org.memallocator.model.Result;
import org.memallocator.model.State;
import org.memallocator.model.TlaValueParser;

/**
 * Decides whether a concurrent {@link History} of allocator calls is linearizable with respect to
 * {@code spec/MemAllocator.tla}, run as the executable model ({@link MemAllocatorModel}).
 *
 * <p><b>Semantics.</b> Each completed call takes effect at one point between its call and its
 * return, with the outcome it returned; a pending call (no return) takes effect at some point after
 * its call, or never. A GetBuffer that blocked takes effect at one point too: where it took its
 * buffer (the spec's {@code WakeWithSample}, equivalently {@code GetBufferOk} there), saw the allocator
 * not committed, timed out with nothing free, or (INTERRUPTED) had to wait. VFW_E_TIMEOUT is allowed
 * only to a call with {@code AM_GBF_NOWAIT} or a timeout, INTERRUPTED only to one without
 * {@code AM_GBF_NOWAIT}. AddRef and Release must return the sample's new count.
 *
 * <p><b>Search.</b> Wing and Gong's search as Lowe improved it and Porcupine and Knossos run it:
 * depth first over "which operation takes effect next", where an operation may go next only if no
 * other remaining operation returned before it was called, memoising every configuration visited
 * (which operations have taken effect, and the checker state), so no configuration is explored
 * twice. Since a thread's calls are ordered, "which have taken effect" is a count per thread. The
 * checker state ({@link CheckerState}) is the spec state plus the concrete properties and the
 * bijection between history sample ids and spec buffers.
 *
 * <p><b>Failures.</b> Linearizability is prefix-closed (a prefix whose calls returned later counts
 * those calls as pending), so the smallest failing prefix ends with a return and is found by
 * binary search; its last operation is the culprit, and a last search over that prefix collects
 * the states in which it could have taken effect and why its outcome is impossible in each.
 */
public final class HistoryChecker {

    /** The most buffers a history may ask for: the spec state holds a reference count per buffer. */
    public static final int MAX_BUFFERS = 4096;

    /** The default budget of configurations per search. */
    public static final long DEFAULT_BUDGET = 20_000_000L;

    private final long budget;

    /** A checker with the {@linkplain #DEFAULT_BUDGET default budget}. */
    public HistoryChecker() {
        this(DEFAULT_BUDGET);
    }

    /** A checker that gives up (undecided) after exploring {@code budget} configurations in one search. */
    public HistoryChecker(long budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("budget " + budget);
        }
        this.budget = budget;
    }

    /** Checks a history with the default budget. */
    public static Verdict check(History history) {
        return new HistoryChecker().verdict(history);
    }

    /**
     * Reads and checks a history file.
     *
     * @throws HistoryFormatException if it is malformed
     */
    public static Verdict check(Path file) throws IOException {
        return check(History.read(file));
    }

    /**
     * Checks {@code history}.
     *
     * @throws HistoryFormatException (kind {@code UNSUPPORTED}) if it asks for more than
     *                                {@link #MAX_BUFFERS} buffers
     */
    public Verdict verdict(History history) {
        long start = System.nanoTime();
        Model m = new Model(history);
        Search full = new Search(m, history, null);
        Search.Outcome result = full.run();
        long explored = full.explored();
        if (result == Search.Outcome.LINEARIZABLE) {
            return verdict(Verdict.Outcome.LINEARIZABLE, history, explored, start, full.witness(), null);
        }
        if (result == Search.Outcome.BUDGET) {
            return verdict(Verdict.Outcome.UNDECIDED, history, explored, start, List.of(), null);
        }
        // the smallest failing prefix ends with a return: binary search over the returns
        List<Integer> returns = new ArrayList<>();
        for (int e = 0; e < history.events(); e++) {
            if (history.operationOf(e).returnEvent() == e) {
                returns.add(e);
            }
        }
        int lo = 0;
        int hi = returns.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            Search s = new Search(m, history.prefix(returns.get(mid) + 1), null);
            Search.Outcome o = s.run();
            explored += s.explored();
            if (o == Search.Outcome.LINEARIZABLE) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int last = returns.get(lo);
        History prefix = history.prefix(last + 1);
        History.Operation culprit = prefix.operationOf(last);
        Diagnosis diagnosis = new Diagnosis(culprit);
        Search s = new Search(m, prefix, diagnosis);
        s.run();
        explored += s.explored();
        Verdict.Failure failure = new Verdict.Failure(last + 1, history.line(last), culprit,
                involved(prefix, culprit), diagnosis.state(), diagnosis.modelState(), diagnosis.why(prefix));
        return verdict(Verdict.Outcome.NOT_LINEARIZABLE, history, explored, start, List.of(), failure);
    }

    private static Verdict verdict(Verdict.Outcome outcome, History h, long explored, long start,
                                   List<Integer> linearization, Verdict.Failure failure) {
        return new Verdict(outcome, h.source(), h.events(), h.operations().size(), h.threads().size(), explored,
                Duration.ofNanos(System.nanoTime() - start), linearization, failure);
    }

    /** The operations that overlap {@code o}, then up to three that completed just before its call. */
    private static List<History.Operation> involved(History prefix, History.Operation o) {
        List<History.Operation> overlapping = new ArrayList<>();
        List<History.Operation> before = new ArrayList<>();
        for (History.Operation p : prefix.operations()) {
            if (p.index() == o.index()) {
                continue;
            }
            boolean endsBefore = !p.pending() && p.returnEvent() < o.callEvent();
            if (!endsBefore && p.callEvent() < o.returnEvent()) {
                overlapping.add(p);
            } else if (endsBefore) {
                before.add(p);
            }
        }
        before.sort((a, b) -> Integer.compare(b.returnEvent(), a.returnEvent()));
        List<History.Operation> all = new ArrayList<>(overlapping);
        all.addAll(before.subList(0, Math.min(3, before.size())));
        return all;
    }

    // ------------------------------------------------------------ the model of one history

    /** The executable model sized for a history, and the history's threads as spec threads. */
    static final class Model {
        final MemAllocatorModel spec;
        final Map<String, String> specThread = new LinkedHashMap<>();
        final int maxBuffers;

        Model(History h) {
            List<String> threads = h.threads();
            boolean identifiers = threads.stream().allMatch(TlaValueParser::isIdentifier);
            for (int i = 0; i < threads.size(); i++) {
                specThread.put(threads.get(i), identifiers ? threads.get(i) : "t" + (i + 1));
            }
            int max = 1;
            for (History.Operation o : h.operations()) {
                if (o.op() == Op.SetProperties) {
                    int count = abstraction(o.call().request()).count();
                    if (count > MAX_BUFFERS) {
                        throw new HistoryFormatException(h.source(), o.callLine(),
                                HistoryFormatException.Kind.UNSUPPORTED, "cBuffers " + count
                                + ": the checker handles up to " + MAX_BUFFERS + " buffers");
                    }
                    max = Math.max(max, count);
                }
            }
            maxBuffers = max;
            List<String> names = new ArrayList<>(specThread.values());
            spec = new MemAllocatorModel(names.isEmpty() ? List.of("t1") : names, maxBuffers, Integer.MAX_VALUE);
        }

        CheckerState init() {
            long[] ids = new long[maxBuffers];
            Arrays.fill(ids, History.NO_SAMPLE);
            return new CheckerState(spec.init(), AllocatorProperties.NONE, ids);
        }
    }

    /**
     * The spec's abstraction of a request ({@link Request#of}), with the count of a request that
     * can never be laid out cut to 0 or 1: only "0 or not" matters for it, and the spec state
     * needs a slot per buffer.
     */
    static Request abstraction(AllocatorProperties request) {
        Request r = Request.of(request);
        if (!r.alignOk() || r.layout() != Layout.VALID) {
            return new Request(Math.min(r.count(), 1), r.layout(), r.alignOk());
        }
        return r;
    }

    /** The spec result named {@code hr}, or null if no spec action returns it. */
    static Result specResult(String hr) {
        if (hr.equals("NONE")) {
            return null;
        }
        try {
            return Result.valueOf(hr);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // ------------------------------------------------------------ steps

    /**
     * The checker state after {@code o} (completed) takes effect in {@code s} with its observed
     * outcome, or null if it cannot.
     */
    static CheckerState apply(Model m, CheckerState s, History.Operation o) {
        String t = m.specThread.get(o.thread());
        State st = s.model;
        History.Outcome out = o.outcome();
        Result hr = specResult(out.hr());
        MemAllocatorModel spec = m.spec;
        switch (o.op()) {
            case SetProperties -> {
                AllocatorProperties request = o.call().request();
                Optional<State> next = spec.setProperties(st, t, abstraction(request));
                if (next.isEmpty() || next.get().result().get(t) != hr) {
                    return null;
                }
                if (hr == Result.S_OK) {
                    AllocatorProperties granted = request.rounded();
                    return granted.equals(out.props()) ? s.step(next.get(), granted) : null;
                }
                return s.step(next.get(), s.props);
            }
            case GetProperties -> {
                return st.clientRef() && hr == Result.S_OK && s.props.equals(out.props()) ? s : null;
            }
            case Commit, Decommit, Close -> {
                Optional<State> next = o.op() == Op.Commit ? spec.commit(st, t)
                        : o.op() == Op.Decommit ? spec.decommit(st, t) : spec.close(st, t);
                return next.isPresent() && next.get().result().get(t) == hr ? s.step(next.get(), s.props) : null;
            }
            case GetBuffer -> {
                return getBuffer(m, s, o, t, hr);
            }
            case AddRef, Release -> {
                int b = s.bufferOf(o.call().sample());
                if (b == 0 || hr != Result.S_OK) {
                    return null;
                }
                Optional<State> next = o.op() == Op.AddRef ? spec.addRef(st, b) : spec.release(st, b);
                return next.isPresent() && next.get().refs(b) == out.refs() ? s.step(next.get(), s.props) : null;
            }
            default -> throw new IllegalStateException(o.op().name());
        }
    }

    private static CheckerState getBuffer(Model m, CheckerState s, History.Operation o, String t, Result hr) {
        State st = s.model;
        History.Call c = o.call();
        MemAllocatorModel spec = m.spec;
        if (hr == null) {
            return null;
        }
        switch (hr) {
            case S_OK -> {
                long id = o.outcome().sample();
                int b = s.bufferOf(id);
                if (b != 0) {
                    return spec.getBufferOk(st, t, b).map(next -> s.step(next, s.props)).orElse(null);
                }
                int fresh = s.freeUnbound();
                return fresh == 0 ? null
                        : spec.getBufferOk(st, t, fresh).map(next -> s.bind(next, fresh, id)).orElse(null);
            }
            case VFW_E_NOT_COMMITTED -> {
                return spec.getBufferNotCommitted(st, t).map(next -> s.step(next, s.props)).orElse(null);
            }
            case VFW_E_TIMEOUT -> {
                if (c.noWait() || !c.timed()) {
                    return c.noWait() || c.timed()
                            ? spec.getBufferTimeout(st, t).map(next -> s.step(next, s.props)).orElse(null)
                            : null;
                }
                return spec.getBufferBlocks(st, t).flatMap(blocked -> spec.waitTimedOut(blocked, t))
                        .map(next -> s.step(next, s.props)).orElse(null);
            }
            case INTERRUPTED -> {
                if (c.noWait()) {
                    return null;
                }
                return spec.getBufferBlocks(st, t).flatMap(blocked -> spec.waitInterrupted(blocked, t))
                        .map(next -> s.step(next, s.props)).orElse(null);
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * The ways a pending {@code o} can take effect in {@code s} that change the state (a pending
     * call that changes nothing is the same as one that never took effect).
     */
    static List<CheckerState> options(Model m, CheckerState s, History.Operation o) {
        String t = m.specThread.get(o.thread());
        State st = s.model;
        MemAllocatorModel spec = m.spec;
        List<CheckerState> out = new ArrayList<>(2);
        switch (o.op()) {
            case SetProperties -> spec.setProperties(st, t, abstraction(o.call().request())).ifPresent(next -> {
                if (next.result().get(t) == Result.S_OK) {
                    AllocatorProperties granted = o.call().request().rounded();
                    if (!sameIgnoringResults(st, next) || !granted.equals(s.props)) {
                        out.add(s.step(next, granted));
                    }
                }
            });
            case Commit, Decommit, Close -> {
                Optional<State> next = o.op() == Op.Commit ? spec.commit(st, t)
                        : o.op() == Op.Decommit ? spec.decommit(st, t) : spec.close(st, t);
                next.filter(n -> !sameIgnoringResults(st, n)).ifPresent(n -> out.add(s.step(n, s.props)));
            }
            case GetBuffer -> {
                for (int b : st.freeList()) {
                    if (s.ids[b - 1] != History.NO_SAMPLE) {
                        spec.getBufferOk(st, t, b).ifPresent(n -> out.add(s.step(n, s.props)));
                    }
                }
                int fresh = s.freeUnbound();
                if (fresh != 0) { // it took a buffer whose id nobody saw: the buffer stays without one
                    spec.getBufferOk(st, t, fresh).ifPresent(n -> out.add(s.step(n, s.props)));
                }
            }
            case AddRef, Release -> {
                int b = s.bufferOf(o.call().sample());
                if (b != 0) {
                    (o.op() == Op.AddRef ? spec.addRef(st, b) : spec.release(st, b))
                            .ifPresent(n -> out.add(s.step(n, s.props)));
                }
            }
            default -> { } // GetProperties changes nothing
        }
        return out;
    }

    /**
     * Whether {@code o}'s outcome means it changed nothing but its thread's result, wherever it took
     * effect: a GetBuffer that got no sample, GetProperties, a refused SetProperties or Commit. (A
     * Commit or Decommit that returned S_OK may or may not have changed the state: it depends where.)
     */
    static boolean readOnly(History.Operation o) {
        boolean ok = o.outcome().ok();
        return switch (o.op()) {
            case GetBuffer, SetProperties, Commit -> !ok;
            case GetProperties -> true;
            default -> false;
        };
    }

    private static boolean sameIgnoringResults(State a, State b) {
        return a.props().equals(b.props()) && a.committed() == b.committed()
                && a.decommitPending() == b.decommitPending() && a.buffers().equals(b.buffers())
                && a.freeList().equals(b.freeList()) && a.refs().equals(b.refs()) && a.pc().equals(b.pc())
                && a.clientRef() == b.clientRef() && a.selfRef() == b.selfRef();
    }

    // ------------------------------------------------------------ the search

    /** One depth-first search over one history (or prefix). */
    private final class Search {

        enum Outcome { LINEARIZABLE, NOT_LINEARIZABLE, BUDGET }

        private final Model m;
        private final Packer packer;
        private final History.Operation[][] ops;
        private final int[] completed;
        private final Diagnosis diagnosis;
        private final Set<Key> visited = new HashSet<>();
        private final ArrayList<Frame> stack = new ArrayList<>();

        Search(Model m, History h, Diagnosis diagnosis) {
            this.m = m;
            this.diagnosis = diagnosis;
            this.packer = new Packer(new ArrayList<>(m.specThread.values()), m.maxBuffers);
            List<String> threads = new ArrayList<>(m.specThread.keySet());
            Map<String, Integer> index = new LinkedHashMap<>();
            List<List<History.Operation>> byThread = new ArrayList<>();
            for (int i = 0; i < threads.size(); i++) {
                index.put(threads.get(i), i);
                byThread.add(new ArrayList<>());
            }
            for (History.Operation o : h.operations()) {
                byThread.get(index.get(o.thread())).add(o);
            }
            ops = new History.Operation[threads.size()][];
            completed = new int[threads.size()];
            for (int t = 0; t < ops.length; t++) {
                ops[t] = byThread.get(t).toArray(new History.Operation[0]);
                int n = ops[t].length;
                completed[t] = n > 0 && ops[t][n - 1].pending() ? n - 1 : n;
            }
        }

        long explored() {
            return visited.size();
        }

        /** The operation indices along the stack: the order found. */
        List<Integer> witness() {
            List<Integer> order = new ArrayList<>();
            for (Frame f : stack) {
                if (f.via != null) {
                    order.add(f.via.index());
                }
            }
            return order;
        }

        Outcome run() {
            int[] start = new int[ops.length];
            Frame root = new Frame(start, packer.pack(start, m.init()), null);
            visited.add(new Key(root.packed));
            stack.add(root);
            if (done(start)) {
                return Outcome.LINEARIZABLE;
            }
            while (!stack.isEmpty()) {
                Frame f = stack.get(stack.size() - 1);
                Frame child = next(f);
                if (child == null) {
                    stack.remove(stack.size() - 1);
                    continue;
                }
                if (!visited.add(new Key(child.packed))) {
                    continue;
                }
                f.state = null; // decoded again if the search comes back to it
                stack.add(child);
                if (done(child.next)) {
                    return Outcome.LINEARIZABLE;
                }
                if (visited.size() >= budget) {
                    return Outcome.BUDGET;
                }
            }
            return Outcome.NOT_LINEARIZABLE;
        }

        private boolean done(int[] next) {
            for (int t = 0; t < ops.length; t++) {
                if (next[t] < completed[t]) {
                    return false;
                }
            }
            return true;
        }

        /**
         * The next untried child of {@code f}, or null. An operation whose outcome changes nothing
         * wherever it takes effect ({@link #readOnly}) and that can take effect now is the only
         * child: any order that takes it later can take it now instead, with every other step
         * unchanged (no step reads another thread's result), and it then stops bounding the others.
         */
        private Frame next(Frame f) {
            if (f.candidates == null) {
                f.candidates = candidates(f.next);
                f.children = new Frame[f.candidates.length];
                f.state = packer.state(f.packed);
                for (int i = 0; i < f.candidates.length; i++) {
                    int t = f.candidates[i];
                    History.Operation o = ops[t][f.next[t]];
                    if (!o.pending()) {
                        CheckerState after = apply(m, f.state, o);
                        if (after != null && readOnly(o)) {
                            f.candidate = f.candidates.length; // no other child: see above
                            f.children = null;
                            return child(f, t, after);
                        }
                        f.children[i] = after == null ? null : child(f, t, after);
                    }
                }
            }
            while (true) {
                if (f.options != null && f.option < f.options.size()) {
                    return child(f, f.pendingThread, f.options.get(f.option++));
                }
                f.options = null;
                if (f.candidate >= f.candidates.length) {
                    return null;
                }
                if (f.state == null) {
                    f.state = packer.state(f.packed);
                }
                int t = f.candidates[f.candidate++];
                History.Operation o = ops[t][f.next[t]];
                if (o.pending()) {
                    f.pendingThread = t;
                    f.options = options(m, f.state, o);
                    f.option = 0;
                    continue;
                }
                Frame next = f.children[f.candidate - 1];
                if (next != null) {
                    f.children[f.candidate - 1] = null;
                    return next;
                }
                if (diagnosis != null) {
                    diagnosis.failed(f.next, f.state, o, ops);
                }
            }
        }

        private Frame child(Frame f, int t, CheckerState state) {
            int[] n = f.next.clone();
            History.Operation via = ops[t][n[t]];
            n[t]++;
            return new Frame(n, packer.pack(n, state), via);
        }

        /**
         * The threads whose next operation may take effect now: its call comes before every
         * remaining return. Completed operations first, the one returning soonest first; pending last.
         */
        private int[] candidates(int[] next) {
            int minReturn = Integer.MAX_VALUE;
            for (int t = 0; t < ops.length; t++) {
                if (next[t] < ops[t].length && !ops[t][next[t]].pending()) {
                    minReturn = Math.min(minReturn, ops[t][next[t]].returnEvent());
                }
            }
            int[] eligible = new int[ops.length];
            long[] order = new long[ops.length];
            int n = 0;
            for (int t = 0; t < ops.length; t++) {
                if (next[t] < ops[t].length) {
                    History.Operation o = ops[t][next[t]];
                    if (o.callEvent() < minReturn) {
                        order[n++] = (long) (o.pending() ? Integer.MAX_VALUE : o.returnEvent()) << 32 | t;
                    }
                }
            }
            Arrays.sort(order, 0, n);
            for (int i = 0; i < n; i++) {
                eligible[i] = (int) order[i];
            }
            return Arrays.copyOf(eligible, n);
        }
    }

    /** A packed configuration as a hash key. */
    private static final class Key {
        private final long[] packed;
        private final int hash;

        Key(long[] packed) {
            this.packed = packed;
            this.hash = Arrays.hashCode(packed);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && hash == k.hash && Arrays.equals(packed, k.packed);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** A configuration on the search stack, with what has been tried from it. */
    private static final class Frame {
        final int[] next;
        final long[] packed;
        final History.Operation via;
        CheckerState state;
        int[] candidates;
        /** The child by each candidate's (completed) operation, or null if it cannot go next: made once. */
        Frame[] children;
        int candidate;
        List<CheckerState> options;
        int option;
        int pendingThread;

        Frame(int[] next, long[] packed, History.Operation via) {
            this.next = next;
            this.packed = packed;
            this.via = via;
        }
    }

    // ------------------------------------------------------------ diagnosis

    /**
     * What the last search over the smallest failing prefix saw: each configuration in which the
     * culprit could have gone next but its outcome was impossible, and each in which it had taken
     * effect but another operation then could not.
     */
    private static final class Diagnosis {
        private final History.Operation culprit;
        private final Map<String, Integer> reasons = new LinkedHashMap<>();
        private final Map<String, String> afterwards = new LinkedHashMap<>();
        private Snapshot latest;
        private Snapshot latestAfter;

        Diagnosis(History.Operation culprit) {
            this.culprit = culprit;
        }

        void failed(int[] next, CheckerState state, History.Operation o, History.Operation[][] ops) {
            Snapshot c = new Snapshot(Arrays.stream(next).sum(), state);
            if (o.index() == culprit.index()) {
                reasons.merge(Explain.why(state, o), 1, Integer::sum);
                if (latest == null || c.progress() >= latest.progress()) {
                    latest = c;
                }
            } else if (tookEffect(next, ops)) {
                if (latestAfter == null || c.progress() >= latestAfter.progress()) {
                    latestAfter = c;
                }
                afterwards.putIfAbsent(o.describe() + " (line " + o.returnLine() + ") cannot return "
                        + Describe.outcome(o), Explain.why(state, o));
            }
        }

        private record Snapshot(int progress, CheckerState state) {
        }

        private boolean tookEffect(int[] next, History.Operation[][] ops) {
            for (int t = 0; t < ops.length; t++) {
                for (int i = 0; i < next[t]; i++) {
                    if (ops[t][i].index() == culprit.index()) {
                        return true;
                    }
                }
            }
            return false;
        }

        String why(History prefix) {
            String reason = reason();
            if (reason.contains("not committed") || reason.contains("decommit was pending")) {
                History.Operation last = null; // the last Decommit or Close that returned before the call
                for (History.Operation o : prefix.operations()) {
                    if ((o.op() == Op.Decommit || o.op() == Op.Close) && !o.pending()
                            && o.returnEvent() < culprit.callEvent()) {
                        last = o;
                    }
                }
                if (last != null) {
                    reason += "; it was called after " + last.describe() + " returned (line " + last.returnLine() + ")";
                }
            }
            return reason;
        }

        private String reason() {
            String head = culprit.describe() + " (line " + culprit.returnLine() + ") returned "
                    + Describe.outcome(culprit) + ", but ";
            if (reasons.isEmpty() && afterwards.isEmpty()) {
                return head + "no order of the calls before it leaves a point where it can take effect";
            }
            if (reasons.size() == 1 && afterwards.isEmpty()) {
                String only = reasons.keySet().iterator().next();
                return head + (Explain.stateIndependent(culprit) ? only : "wherever it can take effect, " + only);
            }
            StringBuilder s = new StringBuilder(head);
            if (!reasons.isEmpty()) {
                s.append("wherever it can take effect, ");
                int n = 0;
                for (String r : reasons.keySet()) {
                    if (n == 3) {
                        s.append(", or ...");
                        break;
                    }
                    s.append(n++ > 0 ? "; or " : "").append(r);
                }
            }
            if (!afterwards.isEmpty()) {
                Map.Entry<String, String> first = afterwards.entrySet().iterator().next();
                s.append(reasons.isEmpty() ? "" : "; and ").append("wherever it does, ").append(first.getKey())
                        .append(": ").append(first.getValue());
            }
            return s.toString();
        }

        private Snapshot shown() {
            return latest != null ? latest : latestAfter;
        }

        String state() {
            return shown() == null ? "(it could not be placed after the calls that returned before it)"
                    : shown().state().describe();
        }

        String modelState() {
            return shown() == null ? "" : shown().state().model.toString();
        }
    }

}
