package org.memallocator.oracle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
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
 * {@code AM_GBF_NOWAIT}. AddRef and Release must return the sample's new count. Since every call
 * takes effect in one step, the spec needs one thread whatever the number of thread names.
 *
 * <p><b>First try.</b> Every history is first searched depth first, in one streamed pass, for
 * one order that explains it ({@link DepthFirstSearch}): a history from a sound implementation
 * usually takes about one configuration per return, however many threads there are and however
 * many calls are open at once. That search only accepts; if it finds no order within its limits,
 * the exact search below decides, and explains a failure.
 *
 * <p><b>Search.</b> Lowe's just-in-time linearization, read in one pass over the events: the
 * checker keeps the <em>frontier</em>, every configuration the calls so far can have left (the
 * checker state, {@link CheckerState}, and which of the open calls have already taken effect, one
 * bit per open call). A call event only opens a call. At a return the call must have taken effect:
 * from each configuration where it has not, the checker tries every order of the other open calls
 * that lets it take effect, and keeps the configurations where it did. A call that is read-only
 * wherever it takes effect ({@link #readOnly}) and can take effect now is placed at once. The memory
 * held is the frontier and the open calls, never the history: a file is read streamed, once for
 * its shape, once by the first try and once more if that gives up (the first pass finds the calls
 * that never return, the buffer count and how many calls are ever open at once), and each call's
 * outcome is looked ahead to from its call to its return.
 *
 * <p><b>Failures.</b> The first return that empties the frontier ends the smallest failing prefix;
 * the checker then collects, over the states where the returning call could have taken effect, why
 * its outcome is impossible in each.
 *
 * <p><b>Liveness.</b> If the history ends with the end-of-recording marker
 * {@code {"event":"end","settleMs":N}}, no event happened for N ms before the recording stopped,
 * so every call still pending had N ms to return. The spec lets only a GetBuffer wait, and only
 * while the allocator is committed with nothing free. The history is then rejected as a
 * <em>lost wake-up</em> unless some configuration at the end has no pending call taken effect and
 * every pending call allowed to wait there: a blocking GetBuffer (a timed one only if its timeout
 * is more than half the settle period), with the allocator committed and no buffer free. Without
 * the marker, pending calls are accepted as calls that may not have returned yet.
 *
 * <p><b>Budget.</b> A search can grow exponentially (N overlapping calls that commute give 2^N
 * configurations). The checker stops with "undecided" when the configurations it holds at once
 * (frontier and the search at one return) pass the configuration budget, or when the time budget
 * passes, and says how far it got. The default configuration budget is what a quarter of the heap
 * holds at an estimated size per configuration ({@link #memoryBudget}).
 */
public final class HistoryChecker {

    /** The most buffers a history may ask for: the spec state holds a reference count per buffer. */
    public static final int MAX_BUFFERS = 4096;

    /** A configuration budget of 0 means: as many as a quarter of the heap holds ({@link #memoryBudget}). */
    public static final long AUTO_BUDGET = 0;

    /** The default time budget. */
    public static final Duration DEFAULT_TIME_BUDGET = Duration.ofMinutes(10);

    /** The depth-first search gives up after this many configurations per operation (plus a thousand). */
    static final int DEPTH_FIRST_PER_OPERATION = 100;

    /** Histories with at most this many operations get a witness order with a linearizable verdict. */
    static final int WITNESS_LIMIT = 100_000;

    private final long budget;
    private final Duration timeBudget;

    /** A checker with the default budgets: a quarter of the heap, and {@link #DEFAULT_TIME_BUDGET}. */
    public HistoryChecker() {
        this(AUTO_BUDGET, DEFAULT_TIME_BUDGET);
    }

    /** A checker that gives up (undecided) when it holds more than {@code budget} configurations at once. */
    public HistoryChecker(long budget) {
        this(budget, DEFAULT_TIME_BUDGET);
    }

    /**
     * A checker that gives up (undecided) when it holds more than {@code budget} configurations at
     * once ({@link #AUTO_BUDGET}: as many as a quarter of the heap holds), or after {@code timeBudget}.
     */
    public HistoryChecker(long budget, Duration timeBudget) {
        if (budget < 0 || timeBudget.isNegative() || timeBudget.isZero()) {
            throw new IllegalArgumentException("budget " + budget + ", time budget " + timeBudget);
        }
        this.budget = budget;
        this.timeBudget = timeBudget;
    }

    /** Checks a history with the default budgets. */
    public static Verdict check(History history) {
        return new HistoryChecker().verdict(history);
    }

    /**
     * Reads and checks a history file, streamed, with the default budgets.
     *
     * @throws HistoryFormatException if it is malformed
     */
    public static Verdict check(Path file) throws IOException {
        return new HistoryChecker().verdict(file);
    }

    /**
     * The configuration budget a heap of {@code heapBytes} allows for configurations of
     * {@code buffers} buffers and {@code openCalls} open calls: a quarter of the heap, at the
     * packed words plus about 250 bytes of hash-map entry, key, array headers and the search's
     * work list per configuration.
     */
    public static long memoryBudget(long heapBytes, int buffers, int openCalls) {
        long bytes = 8L * Packer.words(buffers, openCalls) + 250;
        return Math.max(1, heapBytes / 4 / bytes);
    }

    /**
     * Checks {@code history}, held in memory.
     *
     * @throws HistoryFormatException (kind {@code UNSUPPORTED}) if it asks for more than
     *                                {@link #MAX_BUFFERS} buffers
     */
    public Verdict verdict(History history) {
        Shape shape = new Shape(history.source());
        List<History.Event> events = history.eventList();
        events.forEach(shape::add);
        shape.end(history.operations().stream().filter(History.Operation::pending).map(History.Operation::index)
                .toList());
        long start = System.nanoTime();
        Iterator<History.Event> it = events.iterator();
        FirstTry first;
        try {
            first = depthFirst(shape, () -> it.hasNext() ? it.next() : null, history.settleMs(), start);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the events are in memory: nothing is read
        }
        if (first.verdict() != null) {
            return first.verdict();
        }
        Run run = new Run(shape, history.operations().size() <= WITNESS_LIMIT, start, first.explored());
        for (History.Event e : events) {
            if (!run.step(e)) {
                break;
            }
        }
        return run.finish(history.settleMs());
    }

    /**
     * Checks a history file, read streamed (up to three times): its length does not bound the memory used.
     *
     * @throws HistoryFormatException if it is malformed
     */
    public Verdict verdict(Path file) throws IOException {
        Shape shape = new Shape(file.toString());
        List<Integer> pending = new ArrayList<>();
        try (History.Stream in = History.Stream.open(file)) {
            for (History.Event e = in.next(); e != null; e = in.next()) {
                shape.add(e);
            }
            in.openCalls().forEach(o -> pending.add(o.index()));
            shape.settleMs = in.settleMs();
        }
        shape.end(pending);
        long start = System.nanoTime();
        FirstTry first;
        try (History.Stream in = History.Stream.open(file)) {
            first = depthFirst(shape, new Lookahead(in, shape.pending)::next, shape.settleMs, start);
        }
        if (first.verdict() != null) {
            return first.verdict();
        }
        Run run = new Run(shape, false, start, first.explored());
        long settleMs;
        try (History.Stream in = History.Stream.open(file)) {
            Lookahead ahead = new Lookahead(in, new HashSet<>(pending));
            for (History.Event e = ahead.next(); e != null; e = ahead.next()) {
                if (!run.step(e)) {
                    break;
                }
            }
            settleMs = shape.settleMs;
        }
        return run.finish(settleMs);
    }

    /**
     * What the depth-first search did: its verdict if it found an explaining order within its
     * limits, else null (the streamed search then decides); and the configurations it visited.
     */
    private record FirstTry(Verdict verdict, long explored) {
    }

    /** About the bytes of a way held by a choice of the depth-first search: a checker state and its sets. */
    private static long wayBytes(int buffers) {
        return 600 + 120L * buffers;
    }

    /** The depth-first search over {@code events}, read in one pass ({@link DepthFirstSearch}). */
    private FirstTry depthFirst(Shape shape, DepthFirstSearch.Events events, long settleMs, long start)
            throws IOException {
        long heap = Runtime.getRuntime().maxMemory();
        // a hash of each configuration visited: about 64 bytes with the set's entry (cleared when full)
        long memo = heap / 4 / 64;
        long limit = DEPTH_FIRST_PER_OPERATION * (shape.operations + 1000L);
        if (budget != AUTO_BUDGET) {
            memo = Math.min(memo, budget);
            limit = Math.min(limit, budget);
        }
        // a choice holds a packed configuration; the events after the oldest one are held too
        int choices = (int) Math.min(1 << 20,
                heap / 16 / (8L * Packer.words(shape.maxBuffers, Math.max(1, shape.maxOpen)) + 400));
        boolean witness = shape.operations <= WITNESS_LIMIT;
        DepthFirstSearch search = new DepthFirstSearch(new Model(shape.maxBuffers), events, shape.maxOpen, settleMs,
                limit, start + timeBudget.toNanos(), choices, memo, heap / 8 / wayBytes(shape.maxBuffers), witness);
        List<Integer> order = search.run();
        if (order == null) {
            return new FirstTry(null, search.explored());
        }
        String note = shape.pending.isEmpty() ? "" : pendingAccepted(shape.pending.size(), settleMs);
        return new FirstTry(new Verdict(Verdict.Outcome.LINEARIZABLE, shape.source, shape.events, shape.operations,
                shape.threads.size(), search.explored(), Duration.ofNanos(System.nanoTime() - start), order, null,
                note), search.explored());
    }

    // ------------------------------------------------------------ the first pass

    /** What the first pass learns: sizes, the buffer count to model, and which calls never return. */
    private static final class Shape {
        final String source;
        final Set<String> threads = new HashSet<>();
        int events;
        int operations;
        int open;
        int maxOpen;
        int maxBuffers = 1;
        long settleMs = History.NO_END_MARKER;
        Set<Integer> pending = Set.of();

        Shape(String source) {
            this.source = source;
        }

        void add(History.Event e) {
            events++;
            History.Operation o = e.op();
            if (e.kind() == History.Kind.CALL) {
                operations++;
                threads.add(o.thread());
                maxOpen = Math.max(maxOpen, ++open);
                if (o.op() == Op.SetProperties) {
                    int count = abstraction(o.call().request()).count();
                    if (count > MAX_BUFFERS) {
                        throw new HistoryFormatException(source, o.callLine(), HistoryFormatException.Kind.UNSUPPORTED,
                                "cBuffers " + count + ": the checker handles up to " + MAX_BUFFERS + " buffers");
                    }
                    maxBuffers = Math.max(maxBuffers, count);
                }
            } else {
                open--;
            }
        }

        void end(Collection<Integer> pendingCalls) {
            pending = new HashSet<>(pendingCalls);
        }
    }

    /**
     * The second pass: holds each call event back until its outcome has been read (its return) or
     * is known never to come, so that the search sees every call complete. Holds only the events
     * after the oldest call still open.
     */
    private static final class Lookahead {
        private final History.Stream in;
        private final Set<Integer> pending;
        private final ArrayDeque<History.Event> window = new ArrayDeque<>();
        private final Map<Integer, History.Operation> returned = new HashMap<>();
        private boolean end;

        Lookahead(History.Stream in, Set<Integer> pending) {
            this.in = in;
            this.pending = pending;
        }

        History.Event next() throws IOException {
            while (true) {
                History.Event f = window.peekFirst();
                if (f != null) {
                    if (f.kind() == History.Kind.RETURN || pending.contains(f.op().index())) {
                        return window.pollFirst();
                    }
                    History.Operation complete = returned.remove(f.op().index());
                    if (complete != null) {
                        window.pollFirst();
                        return new History.Event(f.index(), f.line(), f.kind(), complete);
                    }
                }
                if (end) {
                    return window.pollFirst();
                }
                History.Event e = in.next();
                if (e == null) {
                    end = true;
                } else {
                    window.addLast(e);
                    if (e.kind() == History.Kind.RETURN) {
                        returned.put(e.op().index(), e.op());
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------ the model

    /** The executable model sized for a history: one spec thread (every call takes effect in one step). */
    static final class Model {
        static final String THREAD = "t";
        final MemAllocatorModel spec;
        final int maxBuffers;

        Model(int maxBuffers) {
            this.maxBuffers = maxBuffers;
            spec = new MemAllocatorModel(List.of(THREAD), maxBuffers, Integer.MAX_VALUE);
        }

        /** Sized for {@code h}. */
        Model(History h) {
            this(buffers(h));
        }

        private static int buffers(History h) {
            Shape shape = new Shape(h.source());
            h.eventList().forEach(shape::add);
            return shape.maxBuffers;
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
        String t = Model.THREAD;
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
                return spec.getBufferBlocks(st, t, true).flatMap(blocked -> spec.waitTimedOut(blocked, t))
                        .map(next -> s.step(next, s.props)).orElse(null);
            }
            case INTERRUPTED -> {
                if (c.noWait()) {
                    return null;
                }
                return spec.getBufferBlocks(st, t, c.timed()).flatMap(blocked -> spec.waitInterrupted(blocked, t))
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
        String t = Model.THREAD;
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

    /** The budget ran out: what was being held and why. */
    private static final class OutOfBudget extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutOfBudget(String what) {
            super(what, null, false, false);
        }
    }

    /** An open call placed next. */
    private record Placed(History.Operation op) {
    }

    /** An order found so far, newest operation first; shared between configurations. */
    private record Chain(int op, Chain earlier) {
        /** The empty order, and the only one kept when no witness is: never null, so maps can tell "absent". */
        static final Chain START = new Chain(-1, null);
    }

    /** One pass of the search over the events of one history. */
    private final class Run {
        private final Shape shape;
        private final Model m;
        private final Packer packer;
        private final long maxConfigs;
        private final long deadline;
        private final long start;
        private final boolean witness;
        /** The open call in each slot, or null; a slot is a bit of a configuration. */
        private final History.Operation[] slots;
        /** The last Decommit or Close that returned before the call in each slot was made. */
        private final History.Operation[] decommitBefore;
        private Map<Key, Chain> frontier = new HashMap<>();
        /** The latest completed operations, newest last, for the report of a failure. */
        private final ArrayDeque<History.Operation> recent = new ArrayDeque<>();
        /** The Release that last brought each sample to 0 references, the newest few thousand. */
        private final Map<Long, History.Operation> freedBy = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, History.Operation> eldest) {
                return size() > 2 * MAX_BUFFERS;
            }
        };
        private History.Operation lastDecommit;
        private History.Operation lastCommit;
        private long explored;
        private long steps;
        private History.Event at;
        private Verdict.Failure failure;

        /** A run from {@code start} (System.nanoTime), after {@code explored} configurations of a first try. */
        Run(Shape shape, boolean witness, long start, long explored) {
            this.shape = shape;
            this.witness = witness;
            this.start = start;
            this.explored = explored;
            this.m = new Model(shape.maxBuffers);
            this.slots = new History.Operation[Math.max(1, shape.maxOpen)];
            this.decommitBefore = new History.Operation[slots.length];
            this.packer = new Packer(m.maxBuffers, slots.length);
            this.maxConfigs = budget == AUTO_BUDGET
                    ? memoryBudget(Runtime.getRuntime().maxMemory(), m.maxBuffers, slots.length) : budget;
            this.deadline = start + timeBudget.toNanos();
            frontier.put(new Key(packer.pack(m.init(), new long[packer.bitWords()])), Chain.START);
        }

        /** Takes one event; false if the history failed or the budget ran out (see {@link #finish}). */
        boolean step(History.Event e) {
            at = e;
            History.Operation o = e.op();
            try {
                if (e.kind() == History.Kind.CALL) {
                    int s = 0;
                    while (slots[s] != null) {
                        s++;
                    }
                    slots[s] = o;
                    decommitBefore[s] = lastDecommit;
                    return true;
                }
                return ret(o, slotOf(o));
            } catch (OutOfBudget b) {
                failure = null;
                undecided = b.getMessage();
                return false;
            }
        }

        private String undecided;

        private int slotOf(History.Operation o) {
            for (int s = 0; s < slots.length; s++) {
                if (slots[s] != null && slots[s].index() == o.index()) {
                    return s;
                }
            }
            throw new IllegalStateException("no open call " + o);
        }

        /** The return of {@code o}, in slot {@code s}: every configuration must have placed it. */
        private boolean ret(History.Operation o, int s) {
            Map<Key, Chain> next = minimal(closure(o, s, null), s);
            if (next.isEmpty()) {
                Diagnosis d = new Diagnosis(o, decommitBefore[s]);
                closure(o, s, d);
                failure = new Verdict.Failure(at.index() + 1, at.line(), o, involved(o), d.state(), d.modelState(),
                        d.why());
                return false;
            }
            frontier = next;
            slots[s] = null;
            remember(o);
            return true;
        }

        /**
         * The configurations after {@code o} (slot {@code s}) has taken effect, from every one of
         * the frontier; with a diagnosis, also what stopped it wherever it could not.
         */
        private Map<Key, Chain> closure(History.Operation o, int s, Diagnosis d) {
            Map<Key, Chain> next = new HashMap<>();
            Map<Key, Chain> seen = new HashMap<>();
            ArrayDeque<Key> work = new ArrayDeque<>();
            for (Map.Entry<Key, Chain> c : frontier.entrySet()) {
                long[] bits = packer.bits(c.getKey().packed);
                if (isSet(bits, s)) {
                    clear(bits, s);
                    next.put(new Key(packer.withBits(c.getKey().packed, bits)), c.getValue());
                } else if (seen.putIfAbsent(c.getKey(), c.getValue()) == null) {
                    work.push(c.getKey());
                }
            }
            while (!work.isEmpty()) {
                Key x = work.pop();
                Chain chain = seen.get(x);
                CheckerState st = packer.state(x.packed);
                long[] bits = packer.bits(x.packed);
                explored++;
                CheckerState after = apply(m, st, o);
                if (after == null) {
                    if (d != null) {
                        d.failed(st);
                    }
                } else {
                    next.putIfAbsent(new Key(packer.pack(after, bits)), link(chain, o));
                }
                for (Map.Entry<Key, Placed> child : successors(st, bits, s).entrySet()) {
                    Key k = child.getKey();
                    if (seen.putIfAbsent(k, link(chain, child.getValue().op())) == null) {
                        work.push(k);
                    }
                }
                if (frontier.size() + seen.size() + next.size() > maxConfigs) {
                    throw new OutOfBudget("the budget of " + maxConfigs + " configurations held at once ran out");
                }
                if ((++steps & 1023) == 0 && System.nanoTime() - deadline > 0) {
                    throw new OutOfBudget("the time budget of " + timeBudget.toMillis() + " ms ran out");
                }
            }
            return next;
        }

        /**
         * The configurations one more open call (not slot {@code s}) taking effect leads to. A
         * completed read-only call that can take effect now is the only child: a configuration
         * that places it later can place it now instead, with every other step unchanged.
         */
        private Map<Key, Placed> successors(CheckerState st, long[] bits, int s) {
            Map<Key, Placed> out = new LinkedHashMap<>();
            for (int p = 0; p < slots.length; p++) {
                History.Operation o = slots[p];
                if (p == s || o == null || isSet(bits, p) || o.pending() || !readOnly(o)) {
                    continue;
                }
                CheckerState after = apply(m, st, o);
                if (after != null) {
                    out.put(new Key(packer.pack(after, with(bits, p))), new Placed(o));
                    return out;
                }
            }
            for (int p = 0; p < slots.length; p++) {
                History.Operation o = slots[p];
                if (p == s || o == null || isSet(bits, p) || commutesWithAllOpen(slots, p)) {
                    continue;
                }
                for (CheckerState after : statesAfter(m, st, o)) {
                    out.putIfAbsent(new Key(packer.pack(after, with(bits, p))), new Placed(o));
                }
            }
            return out;
        }

        /**
         * {@code next} without the configurations another one of it covers, that is, one from
         * which everything that can follow the first can follow too:
         * <ul>
         * <li>(S, P + r) covers (S, P) if r is a completed read-only call ({@link #readOnly}): what
         *     follows (S, P) places r somewhere without changing the state; leave it out.</li>
         * <li>(S, P) covers (S', P + p) if p is not read-only and placing it in S leads to S': what
         *     follows (S', P + p) can follow (S, P) after placing p first at a later return (p is
         *     still open).</li>
         * </ul>
         * Each step of covering either places one more read-only call with the other calls and the
         * state unchanged, or places one fewer other call, so it never comes back to where it
         * started: the configurations nothing covers remain, and they cover the rest.
         */
        private Map<Key, Chain> minimal(Map<Key, Chain> next, int s) {
            if (next.size() < 2) {
                return next;
            }
            Map<Bits, List<Key>> byPlaced = new HashMap<>(); // the configurations by their placed calls
            for (Key c : next.keySet()) {
                byPlaced.computeIfAbsent(new Bits(packer.bits(c.packed)), b -> new ArrayList<>()).add(c);
            }
            Set<Key> covered = new HashSet<>();
            for (Key c : next.keySet()) {
                long[] bits = packer.bits(c.packed);
                CheckerState st = null;
                for (int p = 0; p < slots.length; p++) {
                    History.Operation o = slots[p];
                    if (p == s || o == null) {
                        continue;
                    }
                    boolean readOnly = !o.pending() && readOnly(o);
                    if (isSet(bits, p)) {
                        if (readOnly) {
                            Key k = new Key(packer.withBits(c.packed, without(bits, p)));
                            if (next.containsKey(k)) {
                                covered.add(k); // c covers it
                            }
                        }
                        continue;
                    }
                    long[] plus = with(bits, p);
                    if (readOnly || !byPlaced.containsKey(new Bits(plus))) {
                        continue; // no configuration c could cover
                    }
                    st = st != null ? st : packer.state(c.packed);
                    for (CheckerState a : statesAfter(m, st, o)) {
                        Key k = new Key(packer.pack(a, plus));
                        if (next.containsKey(k)) {
                            covered.add(k); // c covers it
                        }
                    }
                }
            }
            next.keySet().removeAll(covered);
            return next;
        }

        private Chain link(Chain chain, History.Operation o) {
            return witness ? new Chain(o.index(), chain) : Chain.START;
        }

        private void remember(History.Operation o) {
            recent.addLast(o);
            if (recent.size() > 64) {
                recent.removeFirst();
            }
            if (!o.outcome().ok()) {
                return;
            }
            switch (o.op()) {
                case Decommit, Close -> lastDecommit = o;
                case Commit -> lastCommit = o;
                case Release -> {
                    if (o.outcome().refs() == 0) {
                        freedBy.put(o.call().sample(), o);
                    }
                }
                default -> { }
            }
        }

        /** The open calls and those completed after {@code o}'s call, then up to three completed before it. */
        private List<History.Operation> involved(History.Operation o) {
            List<History.Operation> overlapping = new ArrayList<>();
            List<History.Operation> before = new ArrayList<>();
            for (History.Operation p : recent) {
                (p.returnEvent() > o.callEvent() ? overlapping : before).add(p);
            }
            for (History.Operation p : slots) {
                if (p != null && p.index() != o.index()) {
                    overlapping.add(p);
                }
            }
            overlapping.sort((a, b) -> Integer.compare(a.index(), b.index()));
            before.sort((a, b) -> Integer.compare(b.returnEvent(), a.returnEvent()));
            List<History.Operation> all = new ArrayList<>(overlapping);
            all.addAll(before.subList(0, Math.min(3, before.size())));
            return all;
        }

        // -------------------------------------------------------- the end

        Verdict finish(long settleMs) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (undecided != null) {
                String note = undecided + " at line " + at.line() + " (event " + (at.index() + 1) + " of " + shape.events
                        + ", " + open() + " calls open, " + frontier.size() + " configurations in the frontier): "
                        + explored + " configurations explored in " + elapsed.toMillis() + " ms";
                return verdict(Verdict.Outcome.UNDECIDED, List.of(), null, note, elapsed);
            }
            if (failure != null) {
                return verdict(Verdict.Outcome.NOT_LINEARIZABLE, List.of(), failure, "", elapsed);
            }
            List<History.Operation> pending = new ArrayList<>();
            for (History.Operation p : slots) {
                if (p != null) {
                    pending.add(p);
                }
            }
            pending.sort((a, b) -> Integer.compare(a.index(), b.index()));
            if (pending.isEmpty()) {
                return verdict(Verdict.Outcome.LINEARIZABLE, order(), null, "", elapsed);
            }
            if (settleMs == History.NO_END_MARKER) {
                return verdict(Verdict.Outcome.LINEARIZABLE, order(), null, pendingAccepted(pending.size(), settleMs),
                        elapsed);
            }
            Liveness live = new Liveness(settleMs, pending);
            if (live.failure == null) {
                return verdict(Verdict.Outcome.LINEARIZABLE, order(), null, pendingAccepted(pending.size(), settleMs),
                        elapsed);
            }
            return verdict(Verdict.Outcome.NOT_LINEARIZABLE, List.of(), live.failure, "", elapsed);
        }

        private int open() {
            int n = 0;
            for (History.Operation p : slots) {
                n += p == null ? 0 : 1;
            }
            return n;
        }

        /** One order explaining the history, oldest first, if kept. */
        private List<Integer> order() {
            if (!witness) {
                return List.of();
            }
            Chain c = frontier.values().iterator().next();
            List<Integer> order = new ArrayList<>();
            for (; c != Chain.START; c = c.earlier()) {
                order.add(c.op());
            }
            java.util.Collections.reverse(order);
            return order;
        }

        private Verdict verdict(Verdict.Outcome outcome, List<Integer> order, Verdict.Failure f, String note,
                                Duration elapsed) {
            return new Verdict(outcome, shape.source, shape.events, shape.operations, shape.threads.size(), explored,
                    elapsed, order, f, note);
        }

        /**
         * The end-of-recording check: some configuration in which no pending call took effect and
         * each one may still be waiting; else a lost wake-up, explained in the first configuration.
         */
        private final class Liveness {
            private static final String TOOK_EFFECT = "wherever the calls before the end leave the allocator, it "
                    + "must have taken effect, so it was due to return";
            final Verdict.Failure failure;

            Liveness(long settleMs, List<History.Operation> pending) {
                CheckerState shown = null;
                History.Operation culprit = null;
                String reason = null;
                for (Key k : frontier.keySet()) {
                    long[] bits = packer.bits(k.packed);
                    CheckerState st = packer.state(k.packed);
                    History.Operation took = null;
                    History.Operation due = null;
                    for (int s = 0; s < slots.length; s++) {
                        if (slots[s] != null && isSet(bits, s)) {
                            took = slots[s];
                        }
                    }
                    for (History.Operation p : pending) {
                        if (due == null && whyDue(st, p, settleMs) != null) {
                            due = p;
                        }
                    }
                    if (took == null && due == null) {
                        failure = null;
                        return;
                    }
                    if (took == null && (shown == null || reason.startsWith(TOOK_EFFECT))) {
                        shown = st;
                        culprit = due;
                        reason = whyDue(st, due, settleMs);
                    } else if (shown == null) {
                        shown = st;
                        culprit = took;
                        reason = TOOK_EFFECT;
                    }
                }
                List<History.Operation> involved = new ArrayList<>(pending);
                involved.remove(culprit);
                List<History.Operation> before = new ArrayList<>(recent);
                java.util.Collections.reverse(before);
                involved.addAll(before.subList(0, Math.min(3, before.size())));
                String why = "lost wake-up: " + culprit.describe() + " (line " + culprit.callLine() + ") never returned, "
                        + "though the recording ended only after " + settleMs + " ms with no event: " + reason;
                failure = new Verdict.Failure(shape.events, culprit.callLine(), culprit, involved, shown.describe(),
                        shown.model.toString(), why);
            }
        }

        /** Why the spec would have let pending {@code p} return in state {@code st}, or null if it may still wait ({@link #mayStillWait}). */
        private String whyDue(CheckerState st, History.Operation p, long settleMs) {
            State model = st.model;
            if (p.op() != Op.GetBuffer) {
                return "the spec never makes " + p.op() + " wait";
            }
            if (p.call().noWait()) {
                return "a GetBuffer with AM_GBF_NOWAIT never waits";
            }
            if (!model.clientRef()) {
                return "the allocator was closed" + by(lastDecommit);
            }
            if (!model.committed()) {
                if (lastDecommit == null || lastCommit == null) {
                    return "the allocator was never committed, so it should have returned VFW_E_NOT_COMMITTED at once";
                }
                return "the allocator was decommitted" + by(lastDecommit)
                        + ", which should have woken it with VFW_E_NOT_COMMITTED";
            }
            if (!model.freeList().isEmpty()) {
                int b = model.freeList().first();
                long id = st.ids[b - 1];
                if (id == History.NO_SAMPLE) {
                    return "buffer " + b + " was free and never handed out (" + (lastCommit == null ? "committed"
                            : "made by " + lastCommit.describe() + ", line " + lastCommit.returnLine())
                            + "), and it should have taken it";
                }
                History.Operation release = freedBy.get(id);
                return "buffer " + b + " (sample " + id + ") was free" + (release == null ? ", and it should have taken it"
                        : ", put back by " + release.describe() + " (line " + release.returnLine()
                        + "), which should have woken it");
            }
            if (p.call().timed() && p.call().timeoutMs() <= settleMs / 2) {
                return "its timeout of " + p.call().timeoutMs() + " ms had passed, so it should have returned VFW_E_TIMEOUT";
            }
            return null;
        }

        private String by(History.Operation o) {
            return o == null ? "" : " by " + o.describe() + " (line " + o.returnLine() + ")";
        }
    }

    /**
     * Whether pending {@code p} may still be waiting in {@code st} after a settle period of
     * {@code settleMs}: a blocking GetBuffer (a timed one only with a timeout over half the settle
     * period), the allocator open and committed, nothing free.
     */
    static boolean mayStillWait(CheckerState st, History.Operation p, long settleMs) {
        State model = st.model;
        return p.op() == Op.GetBuffer && !p.call().noWait() && model.clientRef() && model.committed()
                && model.freeList().isEmpty() && !(p.call().timed() && p.call().timeoutMs() <= settleMs / 2);
    }

    /** The note of a linearizable verdict on a history with {@code pending} calls that never returned. */
    static String pendingAccepted(int pending, long settleMs) {
        return settleMs == History.NO_END_MARKER
                ? "pending calls accepted: no end-of-recording marker (" + pending
                        + " calls never returned, and may not have been due to)"
                : pending + " pending calls still waiting after the settle period of " + settleMs
                        + " ms, as the spec allows";
    }

    /**
     * Whether the call in slot {@code p} of {@code slots} (the open calls) is an AddRef or a
     * Release that leaves its sample held (new count at least 1) and no other open call, placed or
     * not, names the same sample. It then commutes with every call open now (it changes one count
     * no other call reads, and enables or disables none), so an order that places it before a
     * return's call explains the same as one that places it later, at its own return: it need not
     * be placed before another call.
     */
    static boolean commutesWithAllOpen(History.Operation[] slots, int p) {
        History.Operation o = slots[p];
        if (o.pending() || (o.op() != Op.AddRef && o.op() != Op.Release) || o.outcome().refs() == null
                || o.outcome().refs() < 1) {
            return false;
        }
        long sample = o.call().sample();
        for (int q = 0; q < slots.length; q++) {
            History.Operation other = slots[q];
            if (q != p && other != null && (other.op() == Op.AddRef || other.op() == Op.Release)
                    && other.call().sample() == sample) {
                return false;
            }
        }
        return true;
    }

    /**
     * The states {@code o} can leave taking effect in {@code s}: each of its {@link #options} if it
     * is pending, the one {@link #apply} gives if it completed, none if it cannot take effect.
     */
    static List<CheckerState> statesAfter(Model m, CheckerState s, History.Operation o) {
        if (o.pending()) {
            return options(m, s, o);
        }
        CheckerState after = apply(m, s, o);
        return after == null ? List.of() : List.of(after);
    }

    // one bit per open-call slot

    static boolean isSet(long[] bits, int s) {
        return (bits[s >>> 6] & 1L << (s & 63)) != 0;
    }

    private static void clear(long[] bits, int s) {
        bits[s >>> 6] &= ~(1L << (s & 63));
    }

    /** A copy of {@code bits} with slot {@code s} set. */
    static long[] with(long[] bits, int s) {
        long[] b = bits.clone();
        b[s >>> 6] |= 1L << (s & 63);
        return b;
    }

    /** A copy of {@code bits} with slot {@code s} clear. */
    static long[] without(long[] bits, int s) {
        long[] b = bits.clone();
        clear(b, s);
        return b;
    }

    /** The placed-call bits of a configuration, as a hash key. */
    private record Bits(long[] words) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Bits b && Arrays.equals(words, b.words);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(words);
        }
    }

    /** A packed configuration as a hash key. */
    private static final class Key {
        private final long[] packed;
        private final int hash;

        Key(long[] packed) {
            this.packed = packed;
            long h = 0;
            for (long w : packed) { // configurations differ in a bit or two: spread every bit over the hash
                h = (h ^ w) * 0x9E37_79B9_7F4A_7C15L;
                h ^= h >>> 29;
            }
            this.hash = (int) (h ^ h >>> 32);
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

    // ------------------------------------------------------------ diagnosis

    /** Why the culprit could not take effect in each state where it was tried. */
    private static final class Diagnosis {
        private final History.Operation culprit;
        private final History.Operation decommitBefore;
        private final Map<String, Integer> reasons = new LinkedHashMap<>();
        private CheckerState latest;

        Diagnosis(History.Operation culprit, History.Operation decommitBefore) {
            this.culprit = culprit;
            this.decommitBefore = decommitBefore;
        }

        void failed(CheckerState state) {
            reasons.merge(Explain.why(state, culprit), 1, Integer::sum);
            latest = state;
        }

        String why() {
            String reason = reason();
            if ((reason.contains("not committed") || reason.contains("decommit was pending")) && decommitBefore != null) {
                reason += "; it was called after " + decommitBefore.describe() + " returned (line "
                        + decommitBefore.returnLine() + ")";
            }
            return reason;
        }

        private String reason() {
            String head = culprit.describe() + " (line " + culprit.returnLine() + ") returned "
                    + Describe.outcome(culprit) + ", but ";
            if (reasons.isEmpty()) {
                return head + "no order of the calls before it leaves a point where it can take effect";
            }
            if (reasons.size() == 1) {
                String only = reasons.keySet().iterator().next();
                return head + (Explain.stateIndependent(culprit) ? only : "wherever it can take effect, " + only);
            }
            StringBuilder s = new StringBuilder(head).append("wherever it can take effect, ");
            int n = 0;
            for (String r : reasons.keySet()) {
                if (n == 3) {
                    s.append(", or ...");
                    break;
                }
                s.append(n++ > 0 ? "; or " : "").append(r);
            }
            return s.toString();
        }

        String state() {
            return latest == null ? "(it could not be placed after the calls that returned before it)" : latest.describe();
        }

        String modelState() {
            return latest == null ? "" : latest.model.toString();
        }
    }
}
