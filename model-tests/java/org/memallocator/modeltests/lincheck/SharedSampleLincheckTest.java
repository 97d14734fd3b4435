package org.memallocator.modeltests.lincheck;

import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.memallocator.AllocatorProperties;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MemAllocatorException;
import org.memallocator.modeltests.support.Implementations;

/**
 * Linearizability of one sample's reference count when several threads hold it: the spec's
 * {@code AddRef} and {@code Release} on the same buffer from different threads, each returning the
 * count its own locked step left (the spec's {@code result}), never a count another thread's step
 * wrote later. {@link AllocatorLinearizabilityTest} cannot see this race, because there each
 * thread only touches samples it took itself.
 *
 * <p>The constructor takes the allocator's single buffer and keeps one reference on it for the
 * whole run (the sample never goes back, so every {@code addRef} is legal). Each Lincheck thread
 * then adds references and releases only those it added ({@code "none"} when it holds none), so
 * the harness itself has no races. The sequential specification is {@link Sequential}: a counter.
 */
@Param(name = "tid", gen = ThreadIdGen.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // stress first: fast, and the kill matrix fails fast
public class SharedSampleLincheckTest {

    /** Lincheck thread ids: 0 for the initial part, 1..3 for the parallel threads, 4 for the post part. */
    private static final int MAX_TID = 5;

    private final MemAllocator allocator = Implementations.create();
    private final MediaSample shared;
    /** mine[tid]: the references Lincheck thread tid added and has not released. */
    private final int[] mine = new int[MAX_TID];

    public SharedSampleLincheckTest() throws InterruptedException {
        allocator.setProperties(new AllocatorProperties(1, 16, 1, 0));
        allocator.commit();
        shared = allocator.getBuffer(MemAllocator.AM_GBF_NOWAIT);
    }

    /** {@code AddRef} on the shared sample: the new count, or the failure. */
    @Operation
    public String addRef(@Param(name = "tid") int tid) {
        try {
            int n = shared.addRef();
            mine[tid]++;
            return String.valueOf(n);
        } catch (MemAllocatorException e) {
            return e.hresult().name();
        }
    }

    /** {@code Release} of one reference this thread added: the count left, or "none". */
    @Operation
    public String release(@Param(name = "tid") int tid) {
        if (mine[tid] == 0) {
            return "none";
        }
        try {
            int left = shared.release();
            mine[tid]--;
            return String.valueOf(left);
        } catch (MemAllocatorException e) {
            return e.hresult().name();
        }
    }

    /** The sample stays out, with the constructor's reference and every one the threads hold. */
    @Validate
    public void conservation() {
        int held = 1;
        for (int n : mine) {
            held += n;
        }
        String state = "held=" + held + " outstanding=" + allocator.outstandingCount() + " free="
                + allocator.freeCount();
        check(allocator.outstandingCount() == 1 && allocator.freeCount() == 0, "sample not out: " + state);
        check(shared.addRef() == held + 1 && shared.release() == held,
                "reference count is not the " + held + " held: " + shared + ", " + state);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    /** The sequential specification: the shared sample's count, and each thread's share of it. */
    public static class Sequential {
        private int refs = 1;
        private final int[] mine = new int[MAX_TID];

        public String addRef(int tid) {
            mine[tid]++;
            return String.valueOf(++refs);
        }

        public String release(int tid) {
            if (mine[tid] == 0) {
                return "none";
            }
            mine[tid]--;
            return String.valueOf(--refs);
        }
    }

    // ------------------------------------------------------------------ the tests

    @Test
    @Order(2)
    public void modelChecking() {
        Budget.check("model checking, shared sample", Budget.current().modelChecking()
                .threads(3).actorsPerThread(2).actorsBefore(1).actorsAfter(1)
                .sequentialSpecification(Sequential.class), SharedSampleLincheckTest.class);
    }

    @Test
    @Order(1)
    public void stress() {
        Budget.check("stress, shared sample", Budget.current().stress()
                .threads(3).actorsPerThread(3).actorsBefore(1).actorsAfter(1)
                .sequentialSpecification(Sequential.class), SharedSampleLincheckTest.class);
    }
}
