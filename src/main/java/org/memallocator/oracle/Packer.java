package org.memallocator.oracle;

import java.util.ArrayList;
import java.util.Arrays;
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
 * Packs a search configuration (checker state, and which open calls have taken effect) into a few
 * {@code long}s and back. The checker holds its frontier this way; a spec {@link State} object is a
 * dozen collections, so holding them would make the garbage collector, not the search, the cost.
 *
 * <p>Layout: word 0 holds committed, decommitPending, clientRef, selfRef, the layout, the count
 * and the number of buffers allocated ({@code buffers} is always {@code 1..k} or empty); words 1-2
 * the concrete properties; then the free list as a bit set, the reference counts two per word,
 * the sample ids, and one bit per open-call slot. The spec's one thread is at rest between steps
 * (pc idle, not timed, result NONE: {@link CheckerState}), so it takes no room.
 */
final class Packer {

    private static final Layout[] LAYOUTS = Layout.values();

    private final int buffers;
    private final int freeAt;
    private final int refsAt;
    private final int idsAt;
    private final int bitsAt;
    private final int words;

    Packer(int maxBuffers, int slots) {
        this.buffers = maxBuffers;
        this.freeAt = 3;
        this.refsAt = freeAt + (maxBuffers + 63) / 64;
        this.idsAt = refsAt + (maxBuffers + 1) / 2;
        this.bitsAt = idsAt + maxBuffers;
        this.words = words(maxBuffers, slots);
    }

    /** The words of a configuration of {@code maxBuffers} buffers and {@code slots} open-call slots. */
    static int words(int maxBuffers, int slots) {
        return 3 + (maxBuffers + 63) / 64 + (maxBuffers + 1) / 2 + maxBuffers + (slots + 63) / 64;
    }

    /** The words of the slot bits. */
    int bitWords() {
        return words - bitsAt;
    }

    long[] pack(CheckerState s, long[] bits) {
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
        System.arraycopy(s.ids, 0, p, idsAt, buffers);
        System.arraycopy(bits, 0, p, bitsAt, bits.length);
        return p;
    }

    /** The slot bits of {@code p}, a copy. */
    long[] bits(long[] p) {
        return Arrays.copyOfRange(p, bitsAt, words);
    }

    /** {@code p} with the slot bits {@code bits}. */
    long[] withBits(long[] p, long[] bits) {
        long[] q = p.clone();
        System.arraycopy(bits, 0, q, bitsAt, bits.length);
        return q;
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
        SortedMap<String, Boolean> timed = new TreeMap<>();
        SortedMap<String, Result> result = new TreeMap<>();
        pc.put(HistoryChecker.Model.THREAD, Pc.IDLE);
        timed.put(HistoryChecker.Model.THREAD, false);
        result.put(HistoryChecker.Model.THREAD, Result.NONE);
        State st = new State(new Props((int) (w >>> 8) & 0xFF_FFFF, LAYOUTS[(int) (w >>> 4) & 3]),
                (w & 1) != 0, (w & 2) != 0, allocated, free, refs, pc, timed, result, (w & 4) != 0, (w & 8) != 0);
        AllocatorProperties props = new AllocatorProperties((int) (p[1] >>> 32), (int) p[1], (int) (p[2] >>> 32),
                (int) p[2]);
        long[] ids = new long[buffers];
        System.arraycopy(p, idsAt, ids, 0, buffers);
        return new CheckerState(st, props, ids);
    }
}
