package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memallocator.oracle.Histories.history;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link HistoryChecker}: histories it must accept, and histories it must reject, with the reason. */
class HistoryCheckerTest {

    private static final int NOWAIT = 4;

    private static void accepted(Histories h) {
        Verdict v = h.check();
        assertTrue(v.linearizable(), v + "\n" + h);
        assertEquals(Verdict.Outcome.LINEARIZABLE, v.outcome());
    }

    private static Verdict.Failure rejected(Histories h, String... why) {
        Verdict v = h.check();
        assertEquals(Verdict.Outcome.NOT_LINEARIZABLE, v.outcome(), v + "\n" + h);
        assertFalse(v.linearizable());
        assertNotNull(v.failure(), v.toString());
        for (String w : why) {
            assertTrue(v.failure().why().contains(w), "'" + w + "' not in: " + v.failure().why());
        }
        return v.failure();
    }

    // ------------------------------------------------------------ accepted

    @Test
    void anEmptyHistoryIsLinearizable() {
        accepted(history());
    }

    @Test
    void aSequentialLifecycle() {
        accepted(history().committed(2).get("t1", 7).get("t1", 9).addRef("t1", 7, 2).release("t1", 7, 1)
                .release("t1", 7, 0).get("t1", 7).release("t1", 9, 0).release("t1", 7, 0).decommit("t1")
                .call("t1", "GetProperties", "").ret("t1", "GetProperties", "S_OK", ",\"props\":"
                        + Histories.props(2, 64, 8, 0)));
    }

    @Test
    void setPropertiesReturnsTheRoundedPropertiesAndGetPropertiesThemToo() {
        accepted(history()
                .call("t1", "GetProperties", "").ret("t1", "GetProperties", "S_OK", ",\"props\":" + Histories.props(0, 0, 0, 0))
                .call("t1", "SetProperties", ",\"request\":" + Histories.props(1, 1, 16, 1))
                .ret("t1", "SetProperties", "S_OK", ",\"props\":" + Histories.props(1, 15, 16, 1))
                .call("t1", "SetProperties", ",\"request\":" + Histories.props(1, 1, 3, 1))
                .ret("t1", "SetProperties", "VFW_E_BADALIGN", "")
                .call("t2", "GetProperties", "").ret("t2", "GetProperties", "S_OK", ",\"props\":" + Histories.props(1, 15, 16, 1))
                .commit("t2"));
    }

    @Test
    void aPendingBlockedCallIsAccepted() {
        accepted(history().committed(1).get("t1", 1).getCall("t2", 0));
    }

    @Test
    void aBlockedCallReturnsTheReleasedSample() {
        accepted(history().committed(1).get("t1", 1).getCall("t2", 0).release("t1", 1, 0).getReturns("t2", 1));
    }

    @Test
    void aPendingCallMayHaveTakenEffect() {
        // the buffer t1 releases goes to t2's blocked call, which never returns: t3 must time out
        accepted(history().committed(1).get("t1", 1).getCall("t2", 0).release("t1", 1, 0)
                .getCall("t3", NOWAIT).getFails("t3", "VFW_E_TIMEOUT"));
        // ... or may not have: t3 gets the buffer
        accepted(history().committed(1).get("t1", 1).getCall("t2", 0).release("t1", 1, 0)
                .getCall("t3", NOWAIT).getReturns("t3", 1));
    }

    @Test
    void commitDuringAPendingDecommitCancelsIt() {
        accepted(history().committed(1).get("t1", 1).decommit("t2")
                .getCall("t2", NOWAIT).getFails("t2", "VFW_E_NOT_COMMITTED")
                .call("t2", "SetProperties", ",\"request\":" + Histories.props(1, 64, 8, 0))
                .ret("t2", "SetProperties", "VFW_E_BUFFERS_OUTSTANDING", "")
                .commit("t2").release("t1", 1, 0).get("t2", 1));
    }

    @Test
    void aBlockedCallWokenByDecommitReturnsNotCommitted() {
        accepted(history().committed(1).get("t1", 1).getCall("t2", 0).decommit("t3")
                .getFails("t2", "VFW_E_NOT_COMMITTED"));
    }

    @Test
    void blockedCallsAcrossDecommitAndCommitReturnAfterTheRelease() {
        // t2 blocks; t3 decommits and commits again before t2 runs: t2 keeps waiting for t1's release
        accepted(history().committed(1).get("t1", 1).getCall("t2", 0).decommit("t3").commit("t3")
                .release("t1", 1, 0).getReturns("t2", 1));
    }

    @Test
    void overlappingCallsMayTakeEffectInEitherOrder() {
        accepted(history().committed(1).getCall("t1", 0).getCall("t2", NOWAIT)
                .getFails("t2", "VFW_E_TIMEOUT").getReturns("t1", 5));
        accepted(history().committed(1).getCall("t1", NOWAIT).getCall("t2", 0)
                .getFails("t1", "VFW_E_TIMEOUT").getReturns("t2", 5));
    }

    @Test
    void interruptedAndTimedOutWaits() {
        accepted(history().committed(1).get("t1", 1).getCall("t2", 0).getFails("t2", "INTERRUPTED")
                .call("t2", "GetBuffer", ",\"flags\":0,\"timeoutMs\":5").getFails("t2", "VFW_E_TIMEOUT"));
    }

    @Test
    void sampleIdsStartAgainWhenTheMemoryIsDropped() {
        // the decommit completes with the last release: the next cycle may reuse ids or bring new ones
        accepted(history().committed(2).get("t1", 1).decommit("t1").release("t1", 1, 0).commit("t1")
                .get("t1", 2).get("t1", 1).release("t1", 1, 0).release("t1", 2, 0).decommit("t1").commit("t1")
                .get("t1", 30));
    }

    @Test
    void closeDecommitsAndSamplesOutliveIt() {
        accepted(history().committed(1).get("t1", 1).call("t1", "Close", "").ret("t1", "Close", "S_OK", "")
                .release("t2", 1, 0));
    }

    @Test
    void aLinearizableHistoryComesWithAnOrder() {
        Verdict v = history().committed(1).getCall("t1", 0).getCall("t2", NOWAIT)
                .getFails("t2", "VFW_E_TIMEOUT").getReturns("t1", 5).check();
        assertEquals(List.of(0, 1, 2, 3), v.linearization(), v.toString());
    }

    // ------------------------------------------------------------ rejected

    @Test
    void aSampleHandedOutTwice() {
        Verdict.Failure f = rejected(history().committed(2).get("t1", 1).get("t2", 1),
                "GetBuffer(0) by t2", "returned sample 1", "sample 1 was already held");
        assertEquals(history().committed(2).get("t1", 1).get("t2", 1).parse().events(), f.prefixEvents());
        assertEquals(8, f.line());
        assertEquals("t2", f.operation().thread());
        assertTrue(f.state().contains("sample 1 (refs 1)"), f.state());
    }

    @Test
    void aGetBufferSucceedingAfterDecommit() {
        rejected(history().committed(2).decommit("t1").get("t2", 3),
                "GetBuffer(0) by t2 (line 8) returned sample 3", "the allocator was not committed");
    }

    @Test
    void aGetBufferSucceedingAfterDecommitWhileSamplesAreOut() {
        rejected(history().committed(2).get("t1", 1).decommit("t1").get("t2", 3), "a decommit was pending");
    }

    @Test
    void aNoWaitGetBufferTimingOutWhileABufferWasFree() {
        rejected(history().committed(2).get("t1", 1).getCall("t2", NOWAIT).getFails("t2", "VFW_E_TIMEOUT"),
                "returned VFW_E_TIMEOUT", "a buffer was free");
    }

    @Test
    void aBlockingGetBufferThatTimesOut() {
        rejected(history().committed(1).get("t1", 1).getCall("t2", 0).getFails("t2", "VFW_E_TIMEOUT"),
                "without AM_GBF_NOWAIT or a timeout GetBuffer waits");
    }

    @Test
    void aNoWaitGetBufferInterrupted() {
        rejected(history().committed(1).get("t1", 1).getCall("t2", NOWAIT).getFails("t2", "INTERRUPTED"),
                "never waits");
    }

    @Test
    void moreSamplesThanBuffers() {
        rejected(history().committed(1).get("t1", 1).release("t1", 1, 0).get("t1", 2),
                "sample 2 is new", "sample 1");
    }

    @Test
    void aWrongReferenceCount() {
        rejected(history().committed(1).get("t1", 1).addRef("t1", 1, 3), "its count was 1, so AddRef returns 2");
    }

    @Test
    void aReleaseOfASampleNeverHandedOut() {
        rejected(history().committed(1).release("t1", 4, 0), "sample 4 was not handed out in this commit cycle");
    }

    @Test
    void unroundedProperties() {
        rejected(history().call("t1", "SetProperties", ",\"request\":" + Histories.props(1, 1, 16, 1))
                        .ret("t1", "SetProperties", "S_OK", ",\"props\":" + Histories.props(1, 1, 16, 1)),
                "it grants {1, 15, 16, 1} for {1, 1, 16, 1}");
    }

    @Test
    void wineOrderOfSetPropertiesChecks() {
        // committed with a sample out: Microsoft (and the spec) says ALREADY_COMMITTED, Wine BUFFERS_OUTSTANDING
        rejected(history().committed(1).get("t1", 1)
                        .call("t1", "SetProperties", ",\"request\":" + Histories.props(1, 64, 8, 0))
                        .ret("t1", "SetProperties", "VFW_E_BUFFERS_OUTSTANDING", ""),
                "the spec returns VFW_E_ALREADY_COMMITTED there: the allocator was committed");
    }

    @Test
    void wineWakeUpResultAfterDecommit() {
        rejected(history().committed(1).get("t1", 1).getCall("t2", 0).decommit("t3")
                .getFails("t2", "VFW_E_TIMEOUT"), "without AM_GBF_NOWAIT or a timeout");
    }

    @Test
    void anHResultTheOpNeverReturns() {
        rejected(history().call("t1", "Commit", "").ret("t1", "Commit", "VFW_E_BADALIGN", ""),
                "Commit never returns VFW_E_BADALIGN");
    }

    @Test
    void anException() {
        rejected(history().call("t1", "Commit", "").ret("t1", "Commit", "EXCEPTION", ",\"exception\":\"boom\""),
                "it threw boom");
    }

    @Test
    void callsAfterClose() {
        rejected(history().call("t1", "Close", "").ret("t1", "Close", "S_OK", "").commit("t1"),
                "the allocator had already been closed");
    }

    @Test
    void theSmallestFailingPrefixIsReported() {
        Histories good = history().committed(2);
        for (int i = 0; i < 50; i++) {
            good.get("t1", 1).get("t2", 2).release("t1", 1, 0).release("t2", 2, 0);
        }
        int goodEvents = good.parse().events();
        Histories bad = good.get("t1", 1).get("t2", 1);
        for (int i = 0; i < 10; i++) { // a linearizable-looking tail after the failure
            bad.decommit("t3").commit("t3");
        }
        Verdict.Failure f = rejected(bad, "sample 1 was already held");
        assertEquals(goodEvents + 4, f.prefixEvents());
        assertEquals(goodEvents + 4, f.line());
    }

    @Test
    void theFailureNamesTheOverlappingCalls() {
        // t1 and t2 overlap and both claim the one buffer
        Verdict.Failure f = rejected(history().committed(1).getCall("t1", 0).getCall("t2", 0)
                .getReturns("t2", 1).getReturns("t1", 1));
        assertEquals("t1", f.operation().thread());
        assertTrue(f.involved().stream().anyMatch(o -> o.thread().equals("t2")), f.involved().toString());
        assertTrue(f.why().contains("sample 1 was already held"), f.why());
    }

    @Test
    void threadNamesThatAreNotIdentifiersAreFine() {
        accepted(history().setProperties("worker-1", 1, 64, 8).commit("worker 2").get("worker-1", 1)
                .getCall("#3", NOWAIT).getFails("#3", "VFW_E_TIMEOUT"));
        rejected(history().setProperties("worker-1", 1, 64, 8).commit("worker 2").get("worker-1", 1)
                .getCall("#3", NOWAIT).getReturns("#3", 1), "GetBuffer(AM_GBF_NOWAIT) by #3");
    }

    @Test
    void aBudgetTooSmallIsUndecided() {
        Verdict v = new HistoryChecker(2).verdict(history().committed(1).get("t1", 1).parse());
        assertEquals(Verdict.Outcome.UNDECIDED, v.outcome(), v.toString());
    }
}
