package org.memallocator.modeltests.lincheck;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jetbrains.lincheck.datastructures.IntGen;
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
import org.memallocator.SpecAction;
import org.memallocator.SpecEvent;
import org.memallocator.modeltests.support.Implementations;

/**
 * Linearizability of the allocator's non-blocking surface, by Lincheck model checking and
 * stress: {@code setProperties} (1 or 2 buffers), {@code getProperties}, {@code commit},
 * {@code decommit}, {@code getBuffer(AM_GBF_NOWAIT)}, a sample's {@code addRef} and
 * {@code release}, the misuse {@code releaseBuffer}, and the four counts. Every concurrent history
 * must be explained by some order of the calls run one at a time on {@link AllocatorSequentialSpec},
 * a small executable model of {@code spec/MemAllocator.tla} (not the implementation itself, so a
 * bug that shows even without concurrency is caught as well). After each run {@link #conservation()}
 * checks the spec's invariants on the allocator.
 *
 * <p>Samples are named by the implementation's buffer number, which {@code getBuffer} returns (the
 * free list is LIFO, so the number is deterministic); the number is read from the
 * {@link org.memallocator.SpecTrace} step under the allocator's lock. {@code addRef(k)} and
 * {@code release(k)} act on the k-th sample the calling Lincheck thread holds (so every thread only
 * touches references it owns, and the harness itself has no races; one sample shared by several
 * threads is {@link SharedSampleLincheckTest}'s); failures are result values (the HRESULT's name,
 * or the exception's class), so they are part of the linearizability check.
 *
 * <p>The blocking {@code getBuffer} cannot be checked this way (a call that may block for ever
 * is reported as a hang): {@link BlockingGetBufferLincheckTest} covers it. The allocator is
 * {@link Implementations#create()} (a named factory class, which Lincheck instruments), so the
 * kill matrix runs this class against each seeded bug.
 */
@Param(name = "tid", gen = ThreadIdGen.class)
@Param(name = "k", gen = IntGen.class, conf = "0:1")
@Param(name = "count", gen = IntGen.class, conf = "1:2")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // stress first: fast, and the kill matrix fails fast
public class AllocatorLinearizabilityTest {

    /** Lincheck thread ids: 0 for the initial part, 1..3 for the parallel threads, 4 for the post part. */
    private static final int MAX_TID = 5;

    /** The properties of every request; only the count varies. */
    static AllocatorProperties request(int count) {
        return new AllocatorProperties(count, 16, 1, 0);
    }

    /** One sample a Lincheck thread holds, with the references that thread holds on it. */
    private static final class Held {
        final MediaSample sample;
        int refs = 1;

        Held(MediaSample sample) {
            this.sample = sample;
        }
    }

    private final MemAllocator allocator = Implementations.create();
    @SuppressWarnings("unchecked")
    private final List<Held>[] held = new List[MAX_TID];
    /** The Java thread running as each Lincheck thread id, while it is in getBuffer. */
    private final Thread[] slotThread = new Thread[MAX_TID];
    /** The buffer number the spec step of each Lincheck thread's getBuffer reported. */
    private final int[] slotBuffer = new int[MAX_TID];

    public AllocatorLinearizabilityTest() {
        for (int i = 0; i < MAX_TID; i++) {
            held[i] = new ArrayList<>();
        }
        allocator.setSpecTrace(this::onStep);
        allocator.setProperties(request(2));
        allocator.commit();
    }

    /** Called under the allocator's lock, on the thread taking the step. */
    private void onStep(SpecEvent e) {
        if (e.action() == SpecAction.GetBufferOk || e.action() == SpecAction.WakeWithSample) {
            Thread me = Thread.currentThread();
            for (int i = 0; i < MAX_TID; i++) {
                if (slotThread[i] == me) {
                    slotBuffer[i] = e.buffer();
                }
            }
        }
    }

    private static String outcome(RuntimeException e) {
        return e instanceof MemAllocatorException m ? m.hresult().name() : e.getClass().getSimpleName();
    }

    @Operation
    public String setProperties(@Param(name = "count") int count) {
        try {
            return "S_OK " + allocator.setProperties(request(count)).cBuffers();
        } catch (RuntimeException e) {
            return outcome(e);
        }
    }

    @Operation
    public int getProperties() {
        return allocator.getProperties().cBuffers();
    }

    @Operation
    public String commit() {
        try {
            allocator.commit();
            return "S_OK";
        } catch (RuntimeException e) {
            return outcome(e);
        }
    }

    @Operation
    public String decommit() {
        try {
            allocator.decommit();
            return "S_OK";
        } catch (RuntimeException e) {
            return outcome(e);
        }
    }

    /** {@code getBuffer(AM_GBF_NOWAIT)}: "buffer N", or the failure. */
    @Operation
    public String getBuffer(@Param(name = "tid") int tid) {
        slotThread[tid] = Thread.currentThread();
        slotBuffer[tid] = 0;
        try {
            MediaSample s = allocator.getBuffer(MemAllocator.AM_GBF_NOWAIT);
            held[tid].add(new Held(s));
            return "buffer " + slotBuffer[tid];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "InterruptedException";
        } catch (RuntimeException e) {
            return outcome(e);
        } finally {
            slotThread[tid] = null;
        }
    }

    /** AddRef of this thread's k-th sample: the new count, or "none" if it holds no k-th sample. */
    @Operation
    public String addRef(@Param(name = "tid") int tid, @Param(name = "k") int k) {
        if (k >= held[tid].size()) {
            return "none";
        }
        Held h = held[tid].get(k);
        try {
            int n = h.sample.addRef();
            h.refs++;
            return String.valueOf(n);
        } catch (RuntimeException e) {
            return outcome(e);
        }
    }

    /** Release of this thread's k-th sample: the count left, or "none". */
    @Operation
    public String release(@Param(name = "tid") int tid, @Param(name = "k") int k) {
        if (k >= held[tid].size()) {
            return "none";
        }
        Held h = held[tid].get(k);
        try {
            int left = h.sample.release();
            if (--h.refs == 0) {
                held[tid].remove(k);
            }
            return String.valueOf(left);
        } catch (RuntimeException e) {
            return outcome(e);
        }
    }

    /** Misuse: {@code releaseBuffer} called directly on a held sample; must be refused, changing nothing. */
    @Operation
    public String releaseBuffer(@Param(name = "tid") int tid, @Param(name = "k") int k) {
        if (k >= held[tid].size()) {
            return "none";
        }
        try {
            allocator.releaseBuffer(held[tid].get(k).sample);
            return "S_OK";
        } catch (RuntimeException e) {
            return outcome(e);
        }
    }

    @Operation
    public int freeCount() {
        return allocator.freeCount();
    }

    @Operation
    public int outstandingCount() {
        return allocator.outstandingCount();
    }

    @Operation
    public boolean isCommitted() {
        return allocator.isCommitted();
    }

    @Operation
    public boolean isDecommitPending() {
        return allocator.isDecommitPending();
    }

    /**
     * The spec's invariants after every run: buffers are conserved ({@code free + outstanding} is
     * the allocation, nothing without memory); the samples out are exactly those the threads hold,
     * each with the count they hold; a pending decommit means not committed with samples out; and
     * no sample is both free and held (draining the free list hands out {@code free} distinct
     * samples, none of them held).
     */
    @Validate
    public void conservation() throws InterruptedException {
        int free = allocator.freeCount();
        int out = allocator.outstandingCount();
        boolean committed = allocator.isCommitted();
        boolean pending = allocator.isDecommitPending();
        int count = allocator.getProperties().cBuffers();
        Set<MediaSample> mine = Collections.newSetFromMap(new IdentityHashMap<>());
        for (List<Held> list : held) {
            for (Held h : list) {
                check(mine.add(h.sample), "a sample is held by two threads: " + h.sample);
                check(h.sample.addRef() == h.refs + 1 && h.sample.release() == h.refs,
                        "reference count of " + h.sample + " is not the " + h.refs + " held");
            }
        }
        String state = "free=" + free + " outstanding=" + out + " committed=" + committed
                + " decommitPending=" + pending + " cBuffers=" + count + " held=" + mine.size();
        check(out == mine.size(), "outstanding is not the samples held: " + state);
        if (committed || pending) {
            check(free + out == count, "free + outstanding != cBuffers: " + state);
        } else {
            check(free == 0 && out == 0, "no memory, yet buffers counted: " + state);
        }
        check(!pending || (!committed && out > 0), "decommit pending while " + state);
        if (committed) {
            Set<MediaSample> drained = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int i = 0; i < free; i++) {
                MediaSample s = allocator.getBuffer(MemAllocator.AM_GBF_NOWAIT);
                check(!mine.contains(s), "a held sample is on the free list: " + s + ", " + state);
                check(drained.add(s), "the free list holds a sample twice: " + s + ", " + state);
            }
            check(allocator.freeCount() == 0, "free list not empty after taking " + free + ": " + state);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    // ------------------------------------------------------------------ the tests

    @Test
    @Order(2)
    public void modelChecking() {
        Budget.check("model checking", Budget.current().modelChecking()
                .threads(2).actorsPerThread(3).actorsBefore(2).actorsAfter(1)
                .sequentialSpecification(AllocatorSequentialSpec.class), AllocatorLinearizabilityTest.class);
    }

    @Test
    @Order(1)
    public void stress() {
        Budget.check("stress", Budget.current().stress()
                .threads(3).actorsPerThread(3).actorsBefore(2).actorsAfter(1)
                .sequentialSpecification(AllocatorSequentialSpec.class), AllocatorLinearizabilityTest.class);
    }
}
