package org.memallocator.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.memallocator.AllocatorProperties;
import org.memallocator.model.Layout;
import org.memallocator.model.Pc;
import org.memallocator.model.Props;
import org.memallocator.model.Result;
import org.memallocator.model.State;

/**
 * Packs a search configuration (operations taken per thread, checker state) into a few
 * {@code long}s and back. The search keeps every configuration it has visited; a spec
 * {@link State} object is a dozen collections, so keeping them would make the garbage collector,
 * not the search, the cost of a long history.
 *
 * <p>Layout: word 0 holds committed, decommitPending, clientRef, selfRef, the layout, the count
 * and the number of buffers allocated ({@code buffers} is always {@code 1..k} or empty); words 1-2
 * the concrete properties; then the free list as a bit set, the reference counts two per word,
 * each thread's pc and result one byte each, the sample ids, and the per-thread operation counts
 * two per word.
 */
final class Packer {

    private static final Layout[] LAYOUTS = Layout.values();
    private static final Result[] RESULTS = Result.values();

    private final List<String> threads;
    private final int buffers;
    private final int freeAt;
    private final int refsAt;
    private final int threadsAt;
    private final int idsAt;
    private final int nextAt;
    private final int words;

    Packer(List<String> threads, int maxBuffers) {
        this.threads = List.copyOf(threads);
        this.buffers = maxBuffers;
        this.freeAt = 3;
        this.refsAt = freeAt + (maxBuffers + 63) / 64;
        this.threadsAt = refsAt + (maxBuffers + 1) / 2;
        this.idsAt = threadsAt + (threads.size() + 7) / 8;
        this.nextAt = idsAt + maxBuffers;
        this.words = nextAt + (threads.size() + 1) / 2;
    }

    long[] pack(int[] next, CheckerState s) {
        State st = s.model;
        long[] p = new long[words];
        int k = st.buffers().size();
        if (k > 0 && (st.buffers().first() != 1 || st.buffers().last() != k)) {
            throw new IllegalStateException("buffers not 1..k: " + st.buffers());
        }
        p[0] = (st.committed() ? 1L : 0L) | (st.decommitPending() ? 2L : 0L) | (st.clientRef() ? 4L : 0L)
                | (st.selfRef() ? 8L : 0L) | (long) st.props().layout().ordinal() << 4
                | (long) st.props().count() << 8 | (long) k << 32;
        AllocatorProperties c = s.props;
        p[1] = (long) c.cBuffers() << 32 | c.cbBuffer() & 0xFFFF_FFFFL;
        p[2] = (long) c.cbAlign() << 32 | c.cbPrefix() & 0xFFFF_FFFFL;
        for (int b : st.freeList()) {
            p[freeAt + (b - 1) / 64] |= 1L << ((b - 1) % 64);
        }
        for (int b = 1; b <= buffers; b++) {
            p[refsAt + (b - 1) / 2] |= (st.refs(b) & 0xFFFF_FFFFL) << (32 * ((b - 1) % 2));
        }
        for (int t = 0; t < threads.size(); t++) {
            String name = threads.get(t);
            long code = st.result().get(name).ordinal() | (st.pc().get(name) == Pc.BLOCKED ? 0x80 : 0);
            p[threadsAt + t / 8] |= code << (8 * (t % 8));
        }
        System.arraycopy(s.ids, 0, p, idsAt, buffers);
        for (int t = 0; t < next.length; t++) {
            p[nextAt + t / 2] |= (next[t] & 0xFFFF_FFFFL) << (32 * (t % 2));
        }
        return p;
    }

    int[] next(long[] p) {
        int[] next = new int[threads.size()];
        for (int t = 0; t < next.length; t++) {
            next[t] = (int) (p[nextAt + t / 2] >>> (32 * (t % 2)));
        }
        return next;
    }

    CheckerState state(long[] p) {
        long w = p[0];
        int k = (int) (w >>> 32);
        SortedSet<Integer> allocated = new TreeSet<>();
        for (int b = 1; b <= k; b++) {
            allocated.add(b);
        }
        SortedSet<Integer> free = new TreeSet<>();
        List<Integer> refs = new ArrayList<>(buffers);
        for (int b = 1; b <= buffers; b++) {
            if ((p[freeAt + (b - 1) / 64] & 1L << ((b - 1) % 64)) != 0) {
                free.add(b);
            }
            refs.add((int) (p[refsAt + (b - 1) / 2] >>> (32 * ((b - 1) % 2))));
        }
        SortedMap<String, Pc> pc = new TreeMap<>();
        SortedMap<String, Result> result = new TreeMap<>();
        for (int t = 0; t < threads.size(); t++) {
            int code = (int) (p[threadsAt + t / 8] >>> (8 * (t % 8))) & 0xFF;
            pc.put(threads.get(t), (code & 0x80) != 0 ? Pc.BLOCKED : Pc.IDLE);
            result.put(threads.get(t), RESULTS[code & 0x7F]);
        }
        State st = new State(new Props((int) (w >>> 8) & 0xFF_FFFF, LAYOUTS[(int) (w >>> 4) & 3]),
                (w & 1) != 0, (w & 2) != 0, allocated, free, refs, pc, result, (w & 4) != 0, (w & 8) != 0);
        AllocatorProperties props = new AllocatorProperties((int) (p[1] >>> 32), (int) p[1], (int) (p[2] >>> 32),
                (int) p[2]);
        long[] ids = new long[buffers];
        System.arraycopy(p, idsAt, ids, 0, buffers);
        return new CheckerState(st, props, ids);
    }
}
