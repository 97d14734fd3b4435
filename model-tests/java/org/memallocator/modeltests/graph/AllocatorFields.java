package org.memallocator.modeltests.graph;

import java.util.Objects;
import org.memallocator.AllocatorProperties;
import org.memallocator.MemAllocator;
import org.memallocator.model.Request;

/**
 * The allocator-level fields of a spec state, as both graph runners ({@link PathRunner} for the
 * contract, {@link MonitorPathRunner} for the monitor) compare them with the implementation after
 * every step. Each runner builds it from its own spec state; {@link #differences} reads the
 * implementation the same way for both.
 *
 * @param committed       the spec's {@code committed}
 * @param decommitPending the spec's {@code decommitPending}
 * @param free            the length of the spec's {@code freeList}
 * @param outstanding     the number of buffers with a reference (the spec's {@code Outstanding})
 * @param waiters         the number of threads blocked in getBuffer
 * @param clientRef       the spec's {@code clientRef}: the client has not closed the allocator
 * @param propsCount      the spec's {@code props.count}
 * @param propsLayout     the spec's {@code props.layout}, as the spec writes it (e.g. {@code "valid"})
 */
record AllocatorFields(boolean committed, boolean decommitPending, int free, int outstanding, int waiters,
                       boolean clientRef, int propsCount, String propsLayout) {

    /**
     * Appends to {@code diff} one line for each field in which {@code impl} differs from these
     * spec values. Whether the client has closed the allocator is read from
     * {@link MemAllocator#getProperties()}, which throws {@link IllegalStateException} only after
     * {@code close()}; the properties are compared under the abstraction {@link Request#of}, and
     * only while the client holds its reference.
     */
    void differences(MemAllocator impl, StringBuilder diff) {
        differ(diff, "committed", committed, impl.isCommitted());
        differ(diff, "decommitPending", decommitPending, impl.isDecommitPending());
        differ(diff, "free count (|freeList|)", free, impl.freeCount());
        differ(diff, "outstanding count", outstanding, impl.outstandingCount());
        differ(diff, "waiting count (waiters)", waiters, impl.waitingCount());
        AllocatorProperties props = null;
        try {
            props = impl.getProperties();
        } catch (IllegalStateException closed) {
            // only after close()
        }
        differ(diff, "clientRef", clientRef, props != null);
        if (props != null) {
            Request r = Request.of(props);
            differ(diff, "props (count layout)", propsCount + " " + propsLayout, r.count() + " " + r.layout().tla());
        }
    }

    /** Appends a line to {@code diff} if the spec's value and the implementation's are not equal. */
    static void differ(StringBuilder diff, String what, Object spec, Object impl) {
        if (!Objects.equals(spec, impl)) {
            diff.append("\n    ").append(what).append(": spec ").append(spec).append(", implementation ").append(impl);
        }
    }
}
