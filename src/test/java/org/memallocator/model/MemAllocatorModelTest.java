package org.memallocator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.memallocator.HResult;
import org.memallocator.SpecAction;

class MemAllocatorModelTest {

    private final MemAllocatorModel model = new MemAllocatorModel(List.of("t1", "t2"), 2, 2);
    private final Request twoValid = new Request(2, Layout.VALID, true);

    /** Runs steps from the initial state; each must be enabled. */
    private State run(Step... steps) {
        State s = model.init();
        for (Step step : steps) {
            Optional<State> next = model.step(s, step.action, step.thread, step.buffer, step.request, false);
            assertTrue(next.isPresent(), step + " not enabled in " + s);
            s = next.get();
        }
        return s;
    }

    private record Step(SpecAction action, String thread, int buffer, Request request) {
    }

    private static Step call(SpecAction action, String thread) {
        return new Step(action, thread, 0, null);
    }

    private Step set(String thread, Request r) {
        return new Step(SpecAction.SetProperties, thread, 0, r);
    }

    private static Step get(String thread, int b) {
        return new Step(SpecAction.GetBufferOk, thread, b, null);
    }

    private static Step sample(SpecAction action, int b) {
        return new Step(action, null, b, null);
    }

    @Test
    void initialState() {
        State s = model.init();
        assertEquals(Props.NONE, s.props());
        assertFalse(s.committed() || s.decommitPending() || s.selfRef());
        assertTrue(s.clientRef() && s.buffers().isEmpty() && s.freeList().isEmpty());
        assertEquals(List.of(0, 0), s.refs());
        assertEquals(Map.of("t1", Pc.IDLE, "t2", Pc.IDLE), s.pc());
        assertEquals(Map.of("t1", Result.NONE, "t2", Result.NONE), s.result());
    }

    @Test
    void setPropertiesChecksAlignmentThenCommittedThenOutstanding() {
        State committed = run(set("t1", twoValid), call(SpecAction.Commit, "t1"));
        Request misaligned = new Request(1, Layout.VALID, false);
        assertEquals(Result.VFW_E_BADALIGN, model.setProperties(committed, "t2", misaligned).get().result().get("t2"));
        assertEquals(Result.VFW_E_ALREADY_COMMITTED, model.setProperties(committed, "t2", twoValid).get().result().get("t2"));
        State pending = run(set("t1", twoValid), call(SpecAction.Commit, "t1"), get("t1", 1), call(SpecAction.Decommit, "t2"));
        assertTrue(pending.decommitPending());
        State refused = model.setProperties(pending, "t2", new Request(1, Layout.VALID, true)).get();
        assertEquals(Result.VFW_E_BUFFERS_OUTSTANDING, refused.result().get("t2"));
        assertEquals(pending.props(), refused.props());
        assertTrue(model.setProperties(model.init(), "t1", new Request(3, Layout.VALID, true)).isEmpty(),
                "a count beyond MaxBuffers is outside the model");
    }

    @Test
    void commitAllocatesOrFailsOrCancelsAPendingDecommit() {
        assertEquals(Result.VFW_E_SIZENOTSET, run(call(SpecAction.Commit, "t1")).result().get("t1"));
        assertEquals(Result.E_OUTOFMEMORY,
                run(set("t1", new Request(1, Layout.OUT_OF_MEMORY, true)), call(SpecAction.Commit, "t1")).result().get("t1"));
        assertEquals(Result.VFW_E_SIZENOTSET,
                run(set("t1", new Request(0, Layout.VALID, true)), call(SpecAction.Commit, "t1")).result().get("t1"));
        State committed = run(set("t1", twoValid), call(SpecAction.Commit, "t1"));
        assertEquals(Set.of(1, 2), committed.buffers());
        assertEquals(Set.of(1, 2), committed.freeList());
        assertTrue(committed.committed() && committed.selfRef());
        State pending = run(set("t1", twoValid), call(SpecAction.Commit, "t1"), get("t1", 2),
                call(SpecAction.Decommit, "t1"));
        State cancelled = model.commit(pending, "t2").get();
        assertTrue(cancelled.committed() && !cancelled.decommitPending());
        assertEquals(pending.buffers(), cancelled.buffers());
        assertEquals(Set.of(1), cancelled.freeList(), "no reallocation");
    }

    @Test
    void decommitIsDeferredUntilTheLastRelease() {
        State s = run(set("t1", twoValid), call(SpecAction.Commit, "t1"), get("t1", 1), get("t2", 2),
                sample(SpecAction.AddRef, 2), call(SpecAction.Decommit, "t1"));
        assertTrue(s.decommitPending() && !s.committed() && s.selfRef());
        s = model.release(s, 1).get();
        assertEquals(Set.of(1), s.freeList());
        s = model.release(s, 2).get();
        assertTrue(s.decommitPending(), "2 still has a reference");
        s = model.release(s, 2).get();
        assertFalse(s.decommitPending() || s.selfRef());
        assertTrue(s.buffers().isEmpty() && s.freeList().isEmpty());
        assertTrue(model.release(s, 2).isEmpty(), "released twice");
    }

    @Test
    void addRefStopsAtMaxRefs() {
        State s = run(set("t1", twoValid), call(SpecAction.Commit, "t1"), get("t1", 1), sample(SpecAction.AddRef, 1));
        assertEquals(2, s.refs(1));
        assertTrue(model.addRef(s, 1).isEmpty());
        assertTrue(model.addRef(s, 2).isEmpty(), "not held");
        assertTrue(model.addRef(s, 3).isEmpty(), "not a buffer");
        MemAllocatorModel unbounded = new MemAllocatorModel(List.of("t1"), 1, Integer.MAX_VALUE);
        State u = unbounded.getBufferOk(unbounded.commit(unbounded.setProperties(unbounded.init(), "t1",
                new Request(1, Layout.VALID, true)).get(), "t1").get(), "t1", 1).get();
        assertEquals(3, unbounded.addRef(unbounded.addRef(u, 1).get(), 1).get().refs(1));
    }

    @Test
    void blockedGettersReturnInTheirOwnSteps() {
        State full = run(set("t1", new Request(1, Layout.VALID, true)), call(SpecAction.Commit, "t1"), get("t1", 1));
        assertEquals(Result.VFW_E_TIMEOUT, model.getBufferTimeout(full, "t2").get().result().get("t2"));
        State blocked = model.getBufferBlocks(full, "t2", true).get();
        assertEquals(Pc.BLOCKED, blocked.pc().get("t2"));
        assertTrue(model.getBufferOk(blocked, "t2", 1).isEmpty(), "a blocked thread makes no call");
        assertTrue(model.wakeWithSample(blocked, "t2", 1).isEmpty(), "nothing free");
        assertTrue(model.wakeNotCommitted(blocked, "t2").isEmpty(), "still committed");
        assertEquals(Result.VFW_E_TIMEOUT, model.waitTimedOut(blocked, "t2").get().result().get("t2"));
        assertEquals(Result.INTERRUPTED, model.waitInterrupted(blocked, "t2").get().result().get("t2"));
        assertTrue(blocked.timed().get("t2"));
        assertFalse(model.waitTimedOut(blocked, "t2").get().timed().get("t2"), "the return ends the timed wait");
        State untimed = model.getBufferBlocks(full, "t2", false).get();
        assertTrue(model.waitTimedOut(untimed, "t2").isEmpty(), "an untimed wait has no deadline");
        assertEquals(Result.INTERRUPTED, model.waitInterrupted(untimed, "t2").get().result().get("t2"));
        assertEquals(List.of(false, true), model.successors(full).stream()
                .filter(tr -> tr.action() == SpecAction.GetBufferBlocks && tr.thread().equals("t2")).map(tr -> tr.target().timed().get("t2")).toList(),
                "GetBufferBlocks: untimed, then timed");
        State released = model.release(blocked, 1).get();
        assertTrue(model.waitTimedOut(released, "t2").isEmpty(), "a buffer is free");
        State woken = model.wakeWithSample(released, "t2", 1).get();
        assertEquals(Pc.IDLE, woken.pc().get("t2"));
        assertEquals(1, woken.refs(1));
        State decommitted = model.decommit(blocked, "t1").get();
        assertEquals(Result.VFW_E_NOT_COMMITTED, model.wakeNotCommitted(decommitted, "t2").get().result().get("t2"));
        State recommitted = model.commit(decommitted, "t1").get();
        assertTrue(model.wakeNotCommitted(recommitted, "t2").isEmpty(), "committed again before it ran: it waits on");
    }

    @Test
    void closeDecommitsAndEndsTheCalls() {
        State s = run(set("t1", twoValid), call(SpecAction.Commit, "t1"), get("t1", 1), call(SpecAction.Close, "t2"));
        assertFalse(s.clientRef() || s.committed());
        assertTrue(s.decommitPending());
        assertTrue(model.successors(s).stream().allMatch(t -> t.thread() == null), "only sample steps remain");
        assertFalse(model.terminating(s));
        State destroyed = model.release(s, 1).get();
        assertTrue(destroyed.destroyed() && model.terminating(destroyed));
        assertTrue(model.successors(destroyed).isEmpty());
    }

    @Test
    void successorsAreInTheDocumentedOrder() {
        List<Transition> first = model.successors(model.init());
        assertEquals(2 * (3 * 3 * 2) + 2 * 4, first.size(), "18 SetProperties, Commit, Decommit, Close and GetBuffer per thread");
        Transition t0 = first.get(0);
        assertEquals(SpecAction.SetProperties, t0.action());
        assertEquals(new Request(0, Layout.VALID, false), t0.request());
        assertEquals("SetProperties(t1, 0, \"valid\", FALSE)", t0.label());
        assertEquals(List.of(SpecAction.Commit, SpecAction.Decommit, SpecAction.Close, SpecAction.GetBufferNotCommitted),
                first.subList(18, 22).stream().map(Transition::action).toList());
        assertEquals("t2", first.get(22).thread());
        assertEquals(first, model.successors(model.init()), "deterministic");
    }

    @Test
    void stepDispatchesEveryAction() {
        State s = run(set("t1", twoValid), call(SpecAction.Commit, "t1"), get("t1", 2));
        assertEquals(model.getBufferOk(s, "t2", 1), model.step(s, SpecAction.GetBufferOk, "t2", 1, null, false));
        assertEquals(model.addRef(s, 2), model.step(s, SpecAction.AddRef, null, 2, null, false));
        assertThrows(IllegalArgumentException.class, () -> model.step(s, SpecAction.Commit, "t9", 0, null, false));
        for (Transition t : model.successors(s)) {
            assertEquals(Optional.of(t.target()), model.step(s, t.action(), t.thread(), t.buffer(), t.request(),
                    t.thread() != null && t.target().timed().get(t.thread())), t.label());
        }
    }

    @Test
    void invariantsHoldInEveryReachableStateOfASmallModel() {
        MemAllocatorModel small = new MemAllocatorModel(List.of("t1", "t2"), 1, 2);
        Set<State> seen = new HashSet<>(List.of(small.init()));
        ArrayDeque<State> queue = new ArrayDeque<>(seen);
        while (!queue.isEmpty()) {
            State s = queue.remove();
            assertEquals(List.of(), small.violatedInvariants(s), s.toString());
            for (Transition t : small.successors(s)) {
                assertEquals(List.of(), MemAllocatorModel.violatedActionProperties(s, t.target()), t.label());
                if (seen.add(t.target())) {
                    queue.add(t.target());
                }
            }
        }
        assertEquals(1182, seen.size(), "TLC finds 1182 states for this model");
    }

    @Test
    void invariantsCatchBrokenStates() {
        State s = run(set("t1", twoValid), call(SpecAction.Commit, "t1"), get("t1", 1));
        assertEquals(List.of("BuffersConserved"), model.violatedInvariants(s.withFreeList(new TreeSet<>(Set.of(1, 2)))));
        assertEquals(List.of("BuffersConserved", "MemoryHeldWhileSamplesOut", "SelfReferenceWhileAllocated"),
                model.violatedInvariants(s.withBuffers(new TreeSet<>()).withFreeList(new TreeSet<>())));
        assertEquals(List.of("DecommitPendingOnlyWhileSamplesOut"), model.violatedInvariants(s.withDecommitPending(true)));
        assertEquals(List.of("TypeOK"), model.violatedInvariants(s.withRefs(1, 3).withFreeList(new TreeSet<>(Set.of(2)))));
        State destroyed = s.withClientRef(false).withSelfRef(false);
        assertTrue(model.violatedInvariants(destroyed).contains("NeverDestroyedWithSamplesOut"));
        assertEquals(List.of("NoSampleHandedOutUnlessCommitted"),
                MemAllocatorModel.violatedActionProperties(model.init(), model.init().withRefs(1, 1)));
        assertEquals(List.of("PropertiesChangeOnlyWhenIdle"),
                MemAllocatorModel.violatedActionProperties(s, s.withProps(Props.NONE)));
        assertEquals(List.of("SelfReferenceWhileAllocated"), model.violatedInvariants(s.withSelfRef(false)));
    }

    @Test
    void fromConstantsReadsTheCfgsValues() {
        MemAllocatorModel m = MemAllocatorModel.fromConstants(Map.of("Threads", "{t2, t1}", "MaxBuffers", "3", "MaxRefs", "4"));
        assertEquals(List.of("t1", "t2"), m.threads());
        assertEquals(3, m.maxBuffers());
        assertEquals(4, m.maxRefs());
        assertThrows(IllegalArgumentException.class,
                () -> MemAllocatorModel.fromConstants(Map.of("Threads", "{1, 2}", "MaxBuffers", "3", "MaxRefs", "4")));
        assertThrows(IllegalArgumentException.class,
                () -> MemAllocatorModel.fromConstants(Map.of("Threads", "{t1}", "MaxBuffers", "x", "MaxRefs", "4")));
        assertThrows(IllegalArgumentException.class, () -> MemAllocatorModel.fromConstants(Map.of("Threads", "{t1}")));
        assertThrows(IllegalArgumentException.class, () -> new MemAllocatorModel(List.of("t1", "t1"), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new MemAllocatorModel(List.of("t1"), 0, 1));
    }

    @Test
    void resultsMapToHResults() {
        for (Result r : Result.values()) {
            if (r.hresult() != null) {
                assertEquals(r, Result.of(r.hresult()));
            }
        }
        assertEquals(null, Result.NONE.hresult());
        assertThrows(IllegalArgumentException.class, () -> Result.of(HResult.E_POINTER));
    }
}
