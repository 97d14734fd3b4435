package org.memallocator.oracle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The history checker's first try on a history held in memory: a depth-first search for one
 * order that explains it (Wing and Gong's search, with Lowe's memo of configurations visited). At
 * each configuration the candidates are the next operation of each thread whose call comes before
 * every remaining return; completed ones are tried first, the one returning soonest first, so a
 * history from a sound implementation is usually explained with about one configuration per
 * operation.
 *
 * <p>It only ever accepts: it stops when it has visited {@code limit} configurations, or when it
 * has tried everything, and then the streamed search ({@link HistoryChecker}) decides and explains.
 * Its configuration holds each thread's progress, so it is used only on histories with few thread
 * names ({@link HistoryChecker#DEPTH_FIRST_THREADS}).
 */
final class DepthFirstSearch {

    private final HistoryChecker.Model m;
    private final Packer packer;
    private final History.Operation[][] ops;
    private final int[] completed;
    private final long settleMs;
    private final long limit;
    private final long deadline;
    /**
     * The configurations visited, by a 64-bit hash of each: a collision could only make the search
     * skip a configuration it has not seen, so miss an order, never accept a history wrongly.
     */
    private final Set<Long> visited = new HashSet<>();
    private final ArrayList<Frame> stack = new ArrayList<>();

    /**
     * A search of {@code h} that gives up after {@code limit} configurations or at {@code deadline}
     * ({@link System#nanoTime()}).
     */
    DepthFirstSearch(HistoryChecker.Model m, History h, long limit, long deadline) {
        this.m = m;
        this.packer = new Packer(m.maxBuffers, 0);
        this.settleMs = h.settleMs();
        this.limit = limit;
        this.deadline = deadline;
        Map<String, List<History.Operation>> byThread = new LinkedHashMap<>();
        for (History.Operation o : h.operations()) {
            byThread.computeIfAbsent(o.thread(), t -> new ArrayList<>()).add(o);
        }
        ops = new History.Operation[byThread.size()][];
        completed = new int[ops.length];
        int t = 0;
        for (List<History.Operation> thread : byThread.values()) {
            ops[t] = thread.toArray(new History.Operation[0]);
            int n = ops[t].length;
            completed[t] = n > 0 && ops[t][n - 1].pending() ? n - 1 : n;
            t++;
        }
    }

    /** The configurations visited. */
    long explored() {
        return visited.size();
    }

    /** One order that explains the history (operation indices), or null if none was found within the limits. */
    List<Integer> run() {
        int[] start = new int[ops.length];
        Frame root = new Frame(start, key(start, m.init()), null);
        visited.add(root.key.hash64);
        stack.add(root);
        if (done(root)) {
            return witness();
        }
        while (!stack.isEmpty()) {
            Frame f = stack.get(stack.size() - 1);
            Frame child = next(f);
            if (child == null) {
                stack.remove(stack.size() - 1);
                continue;
            }
            if (!visited.add(child.key.hash64)) {
                continue;
            }
            f.state = null; // decoded again if the search comes back to it
            stack.add(child);
            if (done(child)) {
                return witness();
            }
            if (visited.size() >= limit || (visited.size() & 1023) == 0 && System.nanoTime() - deadline > 0) {
                return null;
            }
        }
        return null;
    }

    private List<Integer> witness() {
        List<Integer> order = new ArrayList<>();
        for (Frame f : stack) {
            if (f.via != null) {
                order.add(f.via.index());
            }
        }
        return order;
    }

    /**
     * Every completed operation placed; and if the history ends with the end-of-recording marker,
     * no pending one, and each may still be waiting in the state reached.
     */
    private boolean done(Frame f) {
        for (int t = 0; t < ops.length; t++) {
            if (f.next[t] < completed[t]) {
                return false;
            }
        }
        if (settleMs == History.NO_END_MARKER) {
            return true;
        }
        CheckerState st = f.state != null ? f.state : packer.state(f.key.packed);
        for (int t = 0; t < ops.length; t++) {
            if (completed[t] < ops[t].length
                    && (f.next[t] > completed[t] || !HistoryChecker.mayStillWait(st, ops[t][completed[t]], settleMs))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The next untried child of {@code f}, or null. A completed operation whose outcome changes
     * nothing wherever it takes effect ({@link HistoryChecker#readOnly}) and that can take effect
     * now is the only child: any order that takes it later can take it now instead.
     */
    private Frame next(Frame f) {
        if (f.candidates == null) {
            f.candidates = candidates(f.next);
            f.children = new Frame[f.candidates.length];
            f.state = packer.state(f.key.packed);
            for (int i = 0; i < f.candidates.length; i++) {
                int t = f.candidates[i];
                History.Operation o = ops[t][f.next[t]];
                if (!o.pending()) {
                    CheckerState after = HistoryChecker.apply(m, f.state, o);
                    if (after != null && HistoryChecker.readOnly(o)) {
                        f.candidate = f.candidates.length;
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
                f.state = packer.state(f.key.packed);
            }
            int t = f.candidates[f.candidate++];
            History.Operation o = ops[t][f.next[t]];
            if (o.pending()) {
                f.pendingThread = t;
                f.options = HistoryChecker.options(m, f.state, o);
                f.option = 0;
                continue;
            }
            Frame next = f.children[f.candidate - 1];
            if (next != null) {
                f.children[f.candidate - 1] = null;
                return next;
            }
        }
    }

    private Frame child(Frame f, int t, CheckerState state) {
        int[] n = f.next.clone();
        History.Operation via = ops[t][n[t]];
        n[t]++;
        return new Frame(n, key(n, state), via);
    }

    /** The spec state, packed, then each thread's progress. */
    private Key key(int[] next, CheckerState state) {
        long[] s = packer.pack(state, new long[0]);
        long[] k = Arrays.copyOf(s, s.length + (next.length + 1) / 2);
        for (int t = 0; t < next.length; t++) {
            k[s.length + t / 2] |= (next[t] & 0xFFFF_FFFFL) << (32 * (t % 2));
        }
        return new Key(k);
    }

    /**
     * The threads whose next operation may take effect now: its call comes before every remaining
     * return. Completed operations first, the one returning soonest first; pending ones last.
     */
    private int[] candidates(int[] next) {
        int minReturn = Integer.MAX_VALUE;
        for (int t = 0; t < ops.length; t++) {
            if (next[t] < ops[t].length && !ops[t][next[t]].pending()) {
                minReturn = Math.min(minReturn, ops[t][next[t]].returnEvent());
            }
        }
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
        int[] eligible = new int[n];
        for (int i = 0; i < n; i++) {
            eligible[i] = (int) order[i];
        }
        return eligible;
    }

    /** A packed configuration (the state, then each thread's progress; the packer reads only the state) and its hash. */
    private static final class Key {
        final long[] packed;
        final long hash64;

        Key(long[] packed) {
            this.packed = packed;
            long h = 0;
            for (long w : packed) { // configurations differ in a word or two: spread every bit over the hash
                h = (h ^ w) * 0x9E37_79B9_7F4A_7C15L;
                h ^= h >>> 29;
            }
            this.hash64 = h;
        }
    }

    /** A configuration on the search stack, with what has been tried from it. */
    private static final class Frame {
        final int[] next;
        final Key key;
        final History.Operation via;
        CheckerState state;
        int[] candidates;
        /** The child by each candidate's (completed) operation, or null if it cannot go next: made once. */
        Frame[] children;
        int candidate;
        List<CheckerState> options;
        int option;
        int pendingThread;

        Frame(int[] next, Key key, History.Operation via) {
            this.next = next;
            this.key = key;
            this.via = via;
        }
    }
}
