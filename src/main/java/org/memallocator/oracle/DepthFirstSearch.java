package org.memallocator.oracle;

import static org.memallocator.oracle.HistoryChecker.commutesWithAllOpen;
import static org.memallocator.oracle.HistoryChecker.isSet;
import static org.memallocator.oracle.HistoryChecker.statesAfter;
import static org.memallocator.oracle.HistoryChecker.with;
import static org.memallocator.oracle.HistoryChecker.without;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The history checker's first try: a depth-first search, read in one pass over the events, for one
 * order that explains the history. It only ever accepts; when it gives up, the exact streamed
 * search ({@link HistoryChecker}) decides, and explains a failure. Any order it returns was built
 * step by step in the spec, each call placed between its call and its return.
 *
 * <p><b>Configurations.</b> Like the streamed search it places calls just in time (Lowe): a
 * configuration is the checker state and which of the open calls have taken effect. A call event
 * only opens a call. At the return of a call that has not taken effect, it takes effect now,
 * after as few other open calls as it needs, the ones returning soonest first: first none, then
 * one, then two ({@link #MOST_BEFORE}; at most {@link #MOST_WAYS} ways), then along one longer
 * chain, the open call returning soonest that can take effect each time ({@link #MOST_GREEDY}).
 * Each way is a child, tried in that order; the search goes on to the next event with the first.
 * A completed call that changes nothing wherever it takes effect ({@link HistoryChecker#readOnly})
 * is placed as soon as the state allows it: any order that places it later can place it then.
 *
 * <p><b>Three guesses</b> make it quick on the busy histories {@code record} writes, where a hundred
 * calls are open at once and a call may stay open for a thousand events:
 * <ul>
 * <li>A SetProperties that succeeded is tried in effect as soon as the state allows it (nothing
 *     out, not committed), before it is tried at its return: that state seldom lasts.</li>
 * <li>When a GetProperties finds no way, the search jumps back to the newest such early
 *     SetProperties that granted other properties, and tries it late instead, rather than to the
 *     newest choice.</li>
 * <li>When a return has found no way {@link #DEAD_ENDS_BEFORE_JUMP} times, and a call placed
 *     before its own return would have let it take effect had it been placed here instead (a
 *     Decommit used early to let a GetBuffer fail, then missing where only it can decommit
 *     again), the search jumps back to the choice that placed that call ({@link #jumpToCulprit}).
 *     Coming back one choice at a time would take too long: that choice may be a thousand events
 *     back.</li>
 * </ul>
 * Otherwise a return that finds no way sends the search back to the newest choice with a way left.
 * The guesses only order the search: what it accepts is checked step by step all the same.
 *
 * <p><b>Memory.</b> It holds the events from its oldest choice on, the choices on its stack (with
 * the ways they have yet to try: at most {@code maxHeld} in all, else it gives up) and a memo of
 * configurations visited (64-bit hashes: a collision can only hide an order). When the
 * stack holds more than {@code maxChoices} choices, the oldest is dropped: the search can no longer
 * come back to it, which can only make it give up sooner, never accept wrongly. The memo is
 * cleared when it grows past its bound, which can only make the search slower. So a history of any
 * length is searched in bounded memory, streamed, and the cost of a step grows with the calls
 * open, not with the thread names.
 */
final class DepthFirstSearch {

    /** The events of a history in file order, each call event with its operation complete; null at the end. */
    interface Events {
        History.Event next() throws IOException;
    }

    private final HistoryChecker.Model m;
    private final Packer packer;
    private final Events source;
    private final long settleMs;
    private final long limit;
    private final long deadline;
    private final int maxChoices;
    private final long maxMemo;
    private final boolean witness;

    /** The events from {@link #base} on, read so far, and the slot each one's call holds. */
    private final ArrayList<History.Event> window = new ArrayList<>();
    private int[] windowSlot = new int[1024];
    /** Whether the return there, on the way the search is on, closed a call placed before it. */
    private boolean[] windowEarly = new boolean[1024];
    /** How often the return there found no way ({@link #jumpToCulprit}). */
    private int[] windowDeadEnds = new int[1024];
    private int base;
    private boolean sourceDone;

    /** The open call in each slot at {@link #at}; a slot is a bit of a configuration. */
    private final History.Operation[] slots;
    /** The configuration is before the event at this position. */
    private int at;

    private final ArrayDeque<Choice> stack = new ArrayDeque<>();
    /** The configurations visited, by a 64-bit hash (with the position): a collision can only hide an order. */
    private final Set<Long> visited = new HashSet<>();
    /** The operations placed, in order (only with a witness). */
    private final IntList trail = new IntList();
    private long explored;
    /** The ways waiting in the choices on the stack, and the most allowed. */
    private long held;
    private final long maxHeld;

    /**
     * A search over {@code source}, whose calls never open more than {@code maxOpen} at once, that
     * gives up after {@code limit} configurations or at {@code deadline} ({@link System#nanoTime()}).
     *
     * @param settleMs   the end-of-recording marker's settle period, or {@link History#NO_END_MARKER}
     * @param maxChoices the most choices held on the stack (older ones are dropped)
     * @param maxMemo    the most configurations remembered as visited
     * @param maxHeld    the most ways held in the choices on the stack, waiting to be tried
     * @param witness    whether to keep the order found
     */
    DepthFirstSearch(HistoryChecker.Model m, Events source, int maxOpen, long settleMs, long limit, long deadline,
                     int maxChoices, long maxMemo, long maxHeld, boolean witness) {
        this.m = m;
        this.source = source;
        this.settleMs = settleMs;
        this.limit = limit;
        this.deadline = deadline;
        this.maxChoices = Math.max(1, maxChoices);
        this.maxMemo = Math.max(1, maxMemo);
        this.witness = witness;
        this.maxHeld = maxHeld;
        this.slots = new History.Operation[Math.max(1, maxOpen)];
        this.packer = new Packer(m.maxBuffers, 2 * slots.length); // placed bits, then deferred bits
    }

    /** The configurations visited or tried. */
    long explored() {
        return explored;
    }

    /**
     * One order that explains the history (operation indices; empty without a witness), or null if
     * none was found within the limits.
     */
    List<Integer> run() throws IOException {
        Config c = new Config(m.init(), new long[packer.bitWords()]);
        while (true) {
            c = advance(c);
            if (c == null) {
                return null;
            }
            if (c != CHOOSE) {
                return witness ? trail.toList() : List.of();
            }
            c = nextWay();
            if (c == null) {
                return null;
            }
        }
    }

    // ------------------------------------------------------------ walking the events

    /** A configuration before the event at {@link #at}. */
    private record Config(CheckerState st, long[] bits) {
    }

    /** What {@link #advance} returns when a choice is to be made: the newest one on the stack. */
    private static final Config CHOOSE = new Config(null, null);

    /**
     * Goes on from {@code c} through every event that needs no choice. Returns the configuration at
     * the end if it explains the history; {@link #CHOOSE} once a choice is pushed, or to come back
     * to the newest one; null when the search gives up.
     */
    private Config advance(Config c) throws IOException {
        CheckerState st = c.st;
        long[] bits = c.bits;
        int eager = eagerCandidate(st, bits, 0, slots.length); // the state may be new: any call may be
        while (true) {
            if (stack.isEmpty() && at - base >= 2L * maxChoices) {
                trimWindow(at);
            }
            History.Event e = event(at);
            if (e == null) {
                if (explains(st, bits)) {
                    return new Config(st, bits);
                }
                return backtrack();
            }
            if (eager >= 0) {
                pushChoice(new Choice(at, eager, true, packer.pack(st, bits), trail.size()));
                return CHOOSE;
            }
            History.Operation o = e.op();
            if (e.kind() == History.Kind.CALL) {
                int s = open(o);
                if (!o.pending() && HistoryChecker.readOnly(o) && HistoryChecker.apply(m, st, o) != null) {
                    bits = with(bits, s);
                    place(o);
                }
                eager = eagerCandidate(st, bits, s, s + 1); // the state is the same: only the new call may be
                continue;
            }
            int s = slotOf(o);
            if (isSet(bits, s)) {
                bits = without(without(bits, s), slots.length + s);
                close(s, true);
                continue;
            }
            pushChoice(new Choice(at, s, false, packer.pack(st, bits), trail.size()));
            return CHOOSE;
        }
    }

    private void pushChoice(Choice ch) {
        while (stack.size() >= maxChoices || !stack.isEmpty() && at - stack.peekFirst().at >= 2L * maxChoices) {
            dropOldestChoice();
        }
        stack.addLast(ch);
    }

    /**
     * A slot among {@code from..to-1} whose call is to be tried in effect now, before it is tried
     * late, or -1: an open SetProperties that succeeded, not placed, not tried early before, and
     * allowed in {@code st}.
     */
    private int eagerCandidate(CheckerState st, long[] bits, int from, int to) {
        for (int s = from; s < to; s++) {
            History.Operation q = slots[s];
            if (q != null && q.op() == Op.SetProperties && !q.pending()
                    && q.outcome().ok() && !isSet(bits, s) && !isSet(bits, slots.length + s)
                    && HistoryChecker.apply(m, st, q) != null) {
                return s;
            }
        }
        return -1;
    }

    /** The next way of the newest choice with one left, the stack unwound to it; null if none is. */
    private Config nextWay() throws IOException {
        while (!stack.isEmpty()) {
            Choice ch = stack.peekLast();
            moveTo(ch.at);
            Way way = ch.next();
            if (way != null) {
                if (!ch.eager) {
                    close(ch.slot, false);
                }
                trail.truncate(ch.trail);
                for (Chain p = way.chain; p != null; p = p.earlier) {
                    trail.add(p.op); // newest first: reversed below
                }
                trail.reverseFrom(ch.trail);
                return new Config(way.st, way.bits);
            }
            stack.pollLast().release();
            if (ch.yielded == 0 && !ch.eager && !backjumpFor(ch.op)
                    && ++windowDeadEnds[ch.at - base] >= DEAD_ENDS_BEFORE_JUMP) {
                jumpToCulprit(ch);
            }
            if (over()) {
                return null;
            }
        }
        return null;
    }

    /**
     * After a dead end at the return of {@code o} (no way at all), jumps back over the choices made
     * since the one that most likely caused it, when one is known: for a GetProperties, the newest
     * SetProperties placed early that granted other properties (it is then tried late instead).
     * Whether it jumped.
     */
    private boolean backjumpFor(History.Operation o) {
        if (o.op() != Op.GetProperties || o.outcome().props() == null) {
            return false;
        }
        Choice culprit = null;
        for (Choice c : stack) {
            if (c.eager && c.tried == 1 && !c.op.outcome().props().equals(o.outcome().props())) {
                culprit = c;
            }
        }
        if (culprit == null) {
            return false;
        }
        unwindTo(culprit);
        return true;
    }

    /** Pops the choices made after {@code c}: the search comes back to {@code c} next. */
    private void unwindTo(Choice c) {
        while (stack.peekLast() != c) {
            stack.pollLast().release();
        }
    }

    /** Dead ends at one return before the search looks for a call placed too early ({@link #jumpToCulprit}). */
    static final int DEAD_ENDS_BEFORE_JUMP = 64;

    /** How many events back the search looks for a call that returned after being placed too early. */
    static final int RETURNS_BACK = 1024;

    /**
     * After the return of the call of {@code dead} found no way {@link #DEAD_ENDS_BEFORE_JUMP}
     * times, when that call cannot take effect in the state there: looks for a call placed before
     * its own return that, placed there instead, would let it take effect (a Commit or Decommit
     * used early to let another call return, say, and missing now). First among the calls that
     * returned in the last {@link #RETURNS_BACK} events, newest first, then among those still open.
     * If one is found, jumps back to the choice that placed it, over the choices made since: that
     * choice then tries its next way. The slots are as at the dead end.
     */
    private void jumpToCulprit(Choice dead) {
        CheckerState st = packer.state(dead.packed);
        History.Operation o = dead.op;
        if (o.pending() || HistoryChecker.apply(m, st, o) != null) {
            return; // a dead end for want of a way not visited yet: nothing to blame
        }
        for (int r = dead.at - 1; r >= Math.max(base, dead.at - RETURNS_BACK); r--) {
            History.Event e = window.get(r - base);
            if (e.kind() == History.Kind.RETURN && windowEarly[r - base] && wouldLetTakeEffect(st, e.op(), o)
                    && jumpBackToPlacing(windowSlot[r - base], e.op(), r)) {
                return;
            }
        }
        long[] bits = packer.bits(dead.packed);
        for (int p = 0; p < slots.length; p++) {
            History.Operation q = slots[p];
            if (q != null && q != o && isSet(bits, p) && wouldLetTakeEffect(st, q, o)
                    && jumpBackToPlacing(p, q, dead.at)) {
                return;
            }
        }
    }

    /** Whether {@code q}, a call that changes the state, taking effect in {@code st} lets {@code o} follow. */
    private boolean wouldLetTakeEffect(CheckerState st, History.Operation q, History.Operation o) {
        if (!q.pending() && HistoryChecker.readOnly(q)) {
            return false;
        }
        for (CheckerState a : statesAfter(m, st, q)) {
            if (HistoryChecker.apply(m, a, o) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Jumps back to the choice that placed {@code q}, open in slot {@code slot} before position
     * {@code until}; false if that choice is no longer held.
     */
    private boolean jumpBackToPlacing(int slot, History.Operation q, int until) {
        Choice placing = null;
        for (Iterator<Choice> it = stack.descendingIterator(); it.hasNext(); ) {
            Choice c = it.next();
            if (c.at > until) {
                continue;
            }
            if (c.at <= q.callEvent()) {
                break;
            }
            if (!isSet(packer.bits(c.packed), slot)) {
                placing = c;
                break;
            }
        }
        if (placing == null) {
            return false;
        }
        unwindTo(placing);
        return true;
    }

    /** Gives up, or comes back to the newest choice with a way left. */
    private Config backtrack() throws IOException {
        return stack.isEmpty() ? null : CHOOSE;
    }

    /**
     * Whether {@code (st, bits)} at the end explains the history: without the end-of-recording
     * marker, always; with it, only if no call still pending took effect and each may still wait.
     */
    private boolean explains(CheckerState st, long[] bits) {
        if (settleMs == History.NO_END_MARKER) {
            return true;
        }
        for (int s = 0; s < slots.length; s++) {
            if (slots[s] != null && (isSet(bits, s) || !HistoryChecker.mayStillWait(st, slots[s], settleMs))) {
                return false;
            }
        }
        return true;
    }

    private boolean over() {
        return explored >= limit || held > maxHeld || System.nanoTime() - deadline > 0;
    }

    // ------------------------------------------------------------ one choice: a return

    /** A way found: the configuration after the returning call took effect, and what was placed, newest first. */
    private record Way(CheckerState st, long[] bits, Chain chain, int before) {
        Way(CheckerState st, long[] bits, Chain chain) {
            this(st, bits, chain, 0);
        }
    }

    /** The most other calls placed before a returning one. */
    static final int MOST_BEFORE = 2;

    /** The most calls placed before a returning one along the one longer chain ({@link Choice#greedy}). */
    static final int MOST_GREEDY = 16;

    /** The most ways one choice tries. */
    static final int MOST_WAYS = 512;

    /** Operations placed, newest first. */
    private record Chain(int op, Chain earlier) {
    }

    /**
     * A choice in configuration {@code packed}, before the event at {@code at}: either the return
     * there of the call in {@code slot}, which has not taken effect (its ways found breadth first
     * by how many other calls go first), or, if {@code eager}, whether the call in {@code slot}
     * takes effect now or later ({@link #eagerCandidate}).
     */
    private final class Choice {
        final int at;
        final int slot;
        final boolean eager;
        final long[] packed;
        /** The length of the order placed before it. */
        final int trail;
        /** The call of {@code slot}. */
        final History.Operation op;
        private ArrayDeque<Way> queue;
        private Set<Long> seen;
        private Way toExpand;
        /** The ways tried of an eager choice. */
        private int tried;
        /** The ways returned so far: none means a dead end. */
        int yielded;
        private boolean greedyTried;

        Choice(int at, int slot, boolean eager, long[] packed, int trail) {
            this.at = at;
            this.slot = slot;
            this.eager = eager;
            this.op = slots[slot];
            this.packed = packed;
            this.trail = trail;
        }

        /** The next way not visited yet, or null. The slots are as at {@link #at}. */
        Way next() {
            if (eager) {
                return nextEager();
            }
            if (queue == null) {
                queue = new ArrayDeque<>();
                seen = new HashSet<>();
                CheckerState st = packer.state(packed);
                queue.add(new Way(st, packer.bits(packed), null));
                held++;
            }
            History.Operation o = slots[slot];
            while (true) {
                if (toExpand != null && toExpand.before < MOST_BEFORE && seen.size() < MOST_WAYS) {
                    expand(toExpand, o);
                    toExpand = null;
                }
                Way w = queue.poll();
                if (w == null && !greedyTried) {
                    greedyTried = true;
                    greedy();
                    w = queue.poll();
                }
                if (w == null) {
                    return null;
                }
                held--;
                if (over()) {
                    return null;
                }
                explored++;
                toExpand = w;
                CheckerState after = HistoryChecker.apply(m, w.st, o);
                if (after == null) {
                    continue;
                }
                Chain chain = witness ? new Chain(o.index(), w.chain) : null;
                Way done = saturate(new Way(after, without(w.bits, slots.length + slot), chain), after != w.st, slot);
                if (remember(at + 1, done)) {
                    yielded++;
                    return done;
                }
            }
        }

        /**
         * Queues the configurations along one longer chain, once the shorter ones are used up: from
         * this choice's configuration, again and again the open call that returns soonest and can
         * take effect, up to {@link #MOST_GREEDY} calls (a GetBuffer that timed out may need a
         * Commit and a GetBuffer for every buffer first).
         */
        private void greedy() {
            Way w = new Way(packer.state(packed), packer.bits(packed), null);
            for (int step = 0; step < MOST_GREEDY; step++) {
                Way next = null;
                for (int p : bySoonestReturn()) {
                    if (!mayGoFirst(w, p)) {
                        continue;
                    }
                    History.Operation q = slots[p];
                    List<CheckerState> afters = statesAfter(m, w.st, q);
                    if (!afters.isEmpty()) {
                        next = saturate(new Way(afters.get(0), with(w.bits, p),
                                witness ? new Chain(q.index(), w.chain) : null, MOST_BEFORE), true, slot);
                        break;
                    }
                }
                if (next == null) {
                    return;
                }
                w = next;
                if (seen.add(hash(-1, w))) {
                    queue.add(w);
                    held++;
                }
            }
        }

        /**
         * Whether the open call in slot {@code p} is one to place before the returning call in way
         * {@code w}: not the returning call, not placed yet, one that changes the state, and not an
         * AddRef or Release that can wait for its own return ({@link HistoryChecker#commutesWithAllOpen}).
         */
        private boolean mayGoFirst(Way w, int p) {
            History.Operation q = slots[p];
            return p != slot && !isSet(w.bits, p) && (q.pending() || !HistoryChecker.readOnly(q))
                    && !commutesWithAllOpen(slots, p);
        }

        /** Lets go of the ways not tried: the search will not come back. */
        void release() {
            if (queue != null) {
                held -= queue.size();
                queue = null;
                seen = null;
            }
        }

        /** First the call in effect now, then not now (it is not tried now again). */
        private Way nextEager() {
            long[] bits = packer.bits(packed);
            CheckerState st = packer.state(packed);
            while (tried < 2 && !over()) {
                explored++;
                Way w;
                if (tried++ == 0) {
                    History.Operation q = slots[slot];
                    w = saturate(new Way(HistoryChecker.apply(m, st, q), with(bits, slot),
                            witness ? new Chain(q.index(), null) : null), true, -1);
                } else {
                    w = new Way(st, with(bits, slots.length + slot), null);
                }
                if (remember(at, w)) {
                    yielded++;
                    return w;
                }
            }
            return null;
        }

        /**
         * Puts the ways one more open call (not the returning one) taking effect first leads to,
         * the call returning soonest first: it is the likeliest to have taken effect already.
         */
        private void expand(Way w, History.Operation o) {
            for (int p : bySoonestReturn()) {
                if (!mayGoFirst(w, p)) {
                    continue;
                }
                History.Operation q = slots[p];
                for (CheckerState a : statesAfter(m, w.st, q)) {
                    Way next = saturate(new Way(a, with(w.bits, p), witness ? new Chain(q.index(), w.chain) : null,
                            w.before + 1), true, slot);
                    if (seen.add(hash(-1, next))) {
                        queue.add(next);
                        held++;
                    }
                }
            }
        }
    }

    /** The occupied slots, the call that returns soonest first, pending calls last. */
    private int[] bySoonestReturn() {
        long[] order = new long[slots.length];
        int n = 0;
        for (int p = 0; p < slots.length; p++) {
            if (slots[p] != null) {
                order[n++] = (long) (slots[p].pending() ? Integer.MAX_VALUE : slots[p].returnEvent()) << 32 | p;
            }
        }
        Arrays.sort(order, 0, n);
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = (int) order[i];
        }
        return s;
    }

    /**
     * {@code w} with every open completed read-only call but the one in slot {@code returning} that
     * can take effect in its state placed ({@code changed}: the state is new, so any may; else none
     * can that could not before).
     */
    private Way saturate(Way w, boolean changed, int returning) {
        if (!changed) {
            return w;
        }
        long[] bits = w.bits;
        Chain chain = w.chain;
        for (int s = 0; s < slots.length; s++) {
            History.Operation q = slots[s];
            if (s != returning && q != null && !isSet(bits, s) && !q.pending() && HistoryChecker.readOnly(q)
                    && HistoryChecker.apply(m, w.st, q) != null) {
                bits = with(bits, s);
                chain = witness ? new Chain(q.index(), chain) : null;
            }
        }
        return bits == w.bits ? w : new Way(w.st, bits, chain, w.before);
    }

    /** Marks the configuration {@code w} at {@code position} visited; false if it was already. */
    private boolean remember(int position, Way w) {
        if (visited.size() >= maxMemo) {
            visited.clear();
        }
        return visited.add(hash(position, w));
    }

    private long hash(int position, Way w) {
        return memoKey(position, packer.pack(w.st, w.bits));
    }

    /**
     * The memo's key for the packed configuration {@code packed} before the event at {@code position}.
     * The position is mixed on its own first: folded into the first word as it is, two neighbouring
     * positions whose configurations differ in the same low bits would share a key, and the second
     * one reached would be taken for visited (a dead end that is not one).
     */
    static long memoKey(int position, long[] packed) {
        long h = (position + 1L) * 0xC2B2_AE3D_27D4_EB4FL;
        h ^= h >>> 31;
        for (long word : packed) { // configurations differ in a word or two: spread every bit
            h = (h ^ word) * 0x9E37_79B9_7F4A_7C15L;
            h ^= h >>> 29;
        }
        return h;
    }

    private void place(History.Operation o) {
        if (witness) {
            trail.add(o.index());
        }
    }

    // ------------------------------------------------------------ the window of events and the slots

    /** The event at {@code position}, read from the source if need be; null past the end. */
    private History.Event event(int position) throws IOException {
        while (position - base >= window.size()) {
            if (sourceDone) {
                return null;
            }
            History.Event e = source.next();
            if (e == null) {
                sourceDone = true;
                return null;
            }
            if (window.size() == windowSlot.length) {
                windowSlot = Arrays.copyOf(windowSlot, windowSlot.length * 2);
                windowEarly = Arrays.copyOf(windowEarly, windowSlot.length);
                windowDeadEnds = Arrays.copyOf(windowDeadEnds, windowSlot.length);
            }
            windowSlot[window.size()] = -1;
            windowDeadEnds[window.size()] = 0;
            window.add(e);
        }
        return window.get(position - base);
    }

    /** Opens the call of the event at {@link #at} in the lowest free slot (the same one each time); its slot. */
    private int open(History.Operation o) {
        int i = at - base;
        int s = windowSlot[i];
        if (s < 0) {
            s = 0;
            while (slots[s] != null) {
                s++;
            }
            windowSlot[i] = s;
        }
        slots[s] = o;
        at++;
        return s;
    }

    /** The slot of open call {@code o}. */
    private int slotOf(History.Operation o) {
        int i = at - base;
        if (windowSlot[i] >= 0) {
            return windowSlot[i];
        }
        for (int s = 0; s < slots.length; s++) {
            if (slots[s] != null && slots[s].index() == o.index()) {
                windowSlot[i] = s;
                return s;
            }
        }
        throw new IllegalStateException("no open call " + o);
    }

    /** Closes slot {@code s}: the return at {@link #at}, of a call placed before it or not. */
    private void close(int s, boolean placedBefore) {
        windowSlot[at - base] = s;
        windowEarly[at - base] = placedBefore;
        slots[s] = null;
        at++;
    }

    /** Moves the slots back to position {@code position} (not after {@link #at}), undoing events. */
    private void moveTo(int position) {
        while (at > position) {
            at--;
            History.Event e = window.get(at - base);
            int s = windowSlot[at - base];
            slots[s] = e.kind() == History.Kind.CALL ? null : e.op();
        }
    }

    /** Drops the oldest choice: the search will not come back to it, nor to the events before the next one. */
    private void dropOldestChoice() {
        stack.pollFirst().release();
        int keepFrom = stack.isEmpty() ? at : stack.peekFirst().at;
        if (keepFrom - base > window.size() / 2) {
            trimWindow(keepFrom);
        }
    }

    /** Forgets the events before {@code keepFrom}. */
    private void trimWindow(int keepFrom) {
        int drop = keepFrom - base;
        window.subList(0, drop).clear();
        int to = Math.max(drop + 1024, windowSlot.length);
        windowSlot = Arrays.copyOfRange(windowSlot, drop, to);
        windowEarly = Arrays.copyOfRange(windowEarly, drop, to);
        windowDeadEnds = Arrays.copyOfRange(windowDeadEnds, drop, to);
        base = keepFrom;
    }

    /** A growable list of ints. */
    private static final class IntList {
        private int[] a = new int[1024];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        /** Reverses the elements from {@code from} on (a chain is appended newest first). */
        void reverseFrom(int from) {
            for (int i = from, j = n - 1; i < j; i++, j--) {
                int t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
        }

        int size() {
            return n;
        }

        void truncate(int size) {
            n = Math.min(n, size);
        }

        List<Integer> toList() {
            List<Integer> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                l.add(a[i]);
            }
            return l;
        }
    }
}
