package org.memallocator.oracle;

import java.util.Arrays;
import java.util.Map;
import org.memallocator.AllocatorProperties;
import org.memallocator.model.Result;
import org.memallocator.model.State;

/**
 * The history checker's state: the spec's state ({@link State}) plus what the spec abstracts away
 * and a history can observe: the concrete properties in force (as {@link AllocatorProperties#rounded()}
 * grants them) and which history sample id stands for which spec buffer.
 *
 * <p>The bijection is built as samples are handed out: the first time an id comes back from
 * GetBuffer it is bound to a free buffer that has no id yet (any one: such buffers are
 * interchangeable), and it stays bound for the commit cycle. When the spec drops the memory the
 * bijection is cleared, so the next cycle may reuse ids or bring new ones.
 */
final class CheckerState {

    final State model;
    final AllocatorProperties props;
    /** {@code ids[b - 1]}: the sample id bound to buffer b, or {@link History#NO_SAMPLE}. */
    final long[] ids;
    private int hash;

    CheckerState(State model, AllocatorProperties props, long[] ids) {
        this.model = model;
        this.props = props;
        this.ids = ids;
    }

    /** The buffer bound to sample {@code id}, or 0. */
    int bufferOf(long id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The lowest free buffer without an id, or 0. */
    int freeUnbound() {
        for (int b : model.freeList()) {
            if (ids[b - 1] == History.NO_SAMPLE) {
                return b;
            }
        }
        return 0;
    }

    /** This state with spec state {@code next}: ids cleared if {@code next} dropped the memory. */
    CheckerState step(State next, AllocatorProperties newProps) {
        long[] newIds = ids;
        if (next.buffers().isEmpty() && !model.buffers().isEmpty()) {
            newIds = new long[ids.length];
            Arrays.fill(newIds, History.NO_SAMPLE);
        }
        return new CheckerState(atRest(next), newProps, newIds);
    }

    /** This state with spec state {@code next} and sample {@code id} bound to buffer {@code b}. */
    CheckerState bind(State next, int b, long id) {
        long[] newIds = ids.clone();
        newIds[b - 1] = id;
        return new CheckerState(atRest(next), props, newIds);
    }

    /**
     * {@code st} with every thread's result back to NONE: the checker reads a call's result once,
     * right after the step, so a result left over would only tell equal states apart.
     */
    private static State atRest(State st) {
        State s = st;
        for (Map.Entry<String, Result> r : st.result().entrySet()) {
            if (r.getValue() != Result.NONE) {
                s = s.withResult(r.getKey(), Result.NONE);
            }
        }
        return s;
    }

    /** "committed; properties {2, 104, 8, 0}; sample 7 = buffer 1 (refs 1), sample 9 = buffer 2 (free)". */
    String describe() {
        StringBuilder s = new StringBuilder();
        if (!model.clientRef()) {
            s.append("closed; ");
        }
        s.append(model.committed() ? "committed" : model.decommitPending() ? "decommit pending" : "not committed");
        s.append("; properties ").append(Describe.props(props));
        if (model.buffers().isEmpty()) {
            s.append("; no memory");
        } else {
            s.append("; buffers:");
            for (int b : model.buffers()) {
                s.append(b == model.buffers().first() ? " " : ", ");
                s.append(b).append(" = ").append(ids[b - 1] == History.NO_SAMPLE ? "(no sample id yet)"
                        : "sample " + ids[b - 1]);
                s.append(model.refs(b) == 0 ? " (free)" : " (refs " + model.refs(b) + ")");
            }
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckerState c && model.equals(c.model) && props.equals(c.props)
                && Arrays.equals(ids, c.ids);
    }

    @Override
    public int hashCode() {
        if (hash == 0) {
            hash = (model.hashCode() * 31 + props.hashCode()) * 31 + Arrays.hashCode(ids);
        }
        return hash;
    }
}
