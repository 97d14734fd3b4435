package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memallocator.oracle.Histories.history;

import org.junit.jupiter.api.Test;

/**
 * The end-of-recording marker: with it, a call still pending that the spec would have let return
 * in the settle period is a lost wake-up; without it, pending calls are accepted. Every kind of
 * call left pending wrongly has a case here, and each one is also shown accepted without the marker.
 */
class LivenessTest {

    private static final int NOWAIT = 4;

    /** Rejected with the marker, naming the call and {@code why}; accepted without it, saying so. */
    private static void lostWakeUp(Histories withoutEnd, String call, String... why) {
        String text0 = withoutEnd.text();
        Verdict v = HistoryChecker.check(withoutEnd.end(500).parse());
        assertEquals(Verdict.Outcome.NOT_LINEARIZABLE, v.outcome(), v + "\n" + withoutEnd);
        String text = v.failure().why();
        assertTrue(text.startsWith("lost wake-up: " + call), text);
        assertTrue(text.contains("500 ms"), text);
        for (String w : why) {
            assertTrue(text.contains(w), "'" + w + "' not in: " + text);
        }
        Verdict without = HistoryChecker.check(History.parse(text0));
        assertTrue(without.linearizable(), without.toString());
        assertTrue(without.summary().contains("pending calls accepted: no end-of-recording marker"), without.summary());
    }

    private static Verdict accepted(Histories h) {
        Verdict v = HistoryChecker.check(h.parse());
        assertTrue(v.linearizable(), v + "\n" + h);
        return v;
    }

    @Test
    void aWaiterLeftBlockedAfterTheReleaseThatFreedItsBuffer() {
        lostWakeUp(history().committed(1).get("t1", 7).getCall("t2", 0).release("t1", 7, 0),
                "GetBuffer(0) by t2", "buffer 1 (sample 7) was free", "put back by Release(sample 7) by t1 (line 9)",
                "should have woken it");
    }

    @Test
    void aWaiterLeftBlockedAfterADecommit() {
        lostWakeUp(history().committed(1).get("t1", 7).getCall("t2", 0).getCall("t3", 0).decommit("t1")
                        .getFails("t3", "VFW_E_NOT_COMMITTED"),
                "GetBuffer(0) by t2", "decommitted by Decommit() by t1 (line 10)", "VFW_E_NOT_COMMITTED");
    }

    @Test
    void oneOfTwoWaitersWokenWhenTwoBuffersCameBack() {
        lostWakeUp(history().committed(2).get("t1", 7).get("t1", 8).getCall("t2", 0).getCall("t3", 0)
                        .release("t1", 7, 0).release("t1", 8, 0).getReturns("t3", 7),
                "GetBuffer(0) by t2", "(sample 8) was free");
    }

    @Test
    void aNoWaitGetBufferThatNeverReturned() {
        lostWakeUp(history().committed(1).get("t1", 7).getCall("t2", NOWAIT), "GetBuffer(AM_GBF_NOWAIT) by t2",
                "never waits");
    }

    @Test
    void aCallThatNeverWaitsInTheSpec() {
        lostWakeUp(history().committed(1).call("t2", "Commit", ""), "Commit() by t2", "never makes Commit wait");
        lostWakeUp(history().committed(1).get("t1", 7).call("t1", "Release", ",\"sample\":7"), "Release(sample 7) by t1");
    }

    @Test
    void aGetBufferOnAnAllocatorNeverCommitted() {
        lostWakeUp(history().setProperties("t1", 1, 64, 8).getCall("t2", 0), "GetBuffer(0) by t2", "never committed");
    }

    @Test
    void aGetBufferAfterClose() {
        lostWakeUp(history().committed(1).call("t1", "Close", "").ret("t1", "Close", "S_OK", "").getCall("t2", 0),
                "GetBuffer(0) by t2", "closed");
    }

    @Test
    void aTimedGetBufferPastItsTimeout() {
        lostWakeUp(history().committed(1).get("t1", 7).call("t2", "GetBuffer", ",\"flags\":0,\"timeoutMs\":100"),
                "GetBuffer(0, timeout 100 ms) by t2", "timeout of 100 ms");
    }

    @Test
    void aPendingCallThatMustHaveTakenEffectButNeverReturned() {
        // t3's NOT_COMMITTED needs t2's Decommit to have taken effect: it did, so it was due to return
        lostWakeUp(history().committed(1).call("t2", "Decommit", "").getCall("t3", NOWAIT)
                .getFails("t3", "VFW_E_NOT_COMMITTED"), "Decommit() by t2", "must have taken effect");
    }

    @Test
    void aWaiterWithNothingFreeMayStillWait() {
        Verdict v = accepted(history().committed(1).get("t1", 7).getCall("t2", 0).end(500));
        assertTrue(v.summary().contains("1 pending calls still waiting after the settle period of 500 ms"), v.summary());
        // a timed wait whose timeout is longer than half the settle period may still be waiting too
        accepted(history().committed(1).get("t1", 7).call("t2", "GetBuffer", ",\"flags\":0,\"timeoutMs\":300").end(500));
    }

    @Test
    void oneOrderWhereTheWaiterMayWaitIsEnough() {
        // the Release and t3's NOWAIT GetBuffer overlap: ordered Release first, t3 took the buffer back and
        // t2 may wait; the other order would leave the buffer free, but one order is enough
        accepted(history().committed(1).get("t1", 7).getCall("t2", 0).getCall("t3", NOWAIT)
                .call("t1", "Release", ",\"sample\":7").getReturns("t3", 7).ret("t1", "Release", "S_OK", ",\"refs\":0")
                .end(500));
    }

    @Test
    void theMarkerIsTheLastLineAndItsPeriodANonNegativeInteger() {
        HistoryFormatException after = assertThrows(HistoryFormatException.class,
                () -> history().committed(1).end(10).commit("t1").parse());
        assertEquals(HistoryFormatException.Kind.AFTER_END, after.kind());
        HistoryFormatException negative = assertThrows(HistoryFormatException.class,
                () -> history().committed(1).line("{\"event\":\"end\",\"settleMs\":-1}").parse());
        assertEquals(HistoryFormatException.Kind.BAD_FIELD, negative.kind());
        assertThrows(HistoryFormatException.class, () -> history().line("{\"event\":\"end\"}").parse());
        assertEquals(250, history().committed(1).end(250).parse().settleMs());
        assertEquals(History.NO_END_MARKER, history().committed(1).parse().settleMs());
    }
}
