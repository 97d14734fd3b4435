package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.memallocator.AllocatorProperties;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MemAllocatorException;
import org.memallocator.MonitorMemAllocator;

/** {@link HistoryRecorder} and {@link Workload}: what they record, and that the checker judges it rightly. */
class RecordingTest {

    @Test
    void theRecorderWritesOneLinePerEventInTheDocumentedFormat() throws InterruptedException {
        HistoryRecorder recorder = new HistoryRecorder();
        MemAllocator a = recorder.record(new MonitorMemAllocator());
        String me = Thread.currentThread().getName();
        a.setProperties(new AllocatorProperties(1, 100, 8, 0));
        a.commit();
        MediaSample s = a.getBuffer(0);
        assertThrows(MemAllocatorException.class, () -> a.getBuffer(0, Duration.ofMillis(1)));
        s.addRef();
        s.release();
        s.release();
        MediaSample again = a.getBuffer(1L, 2L, MemAllocator.AM_GBF_NOWAIT);
        assertTrue(again == s, "one wrapper per sample, with one id");
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> a.getBuffer(0));
        a.close();
        assertThrows(IllegalStateException.class, () -> a.getBuffer(0));
        String t = "{\"thread\":\"" + me + "\",";
        List<String> expected = List.of(
                t + "\"event\":\"call\",\"op\":\"SetProperties\",\"request\":{\"cBuffers\":1,\"cbBuffer\":100,\"cbAlign\":8,\"cbPrefix\":0}}",
                t + "\"event\":\"return\",\"op\":\"SetProperties\",\"hr\":\"S_OK\",\"props\":{\"cBuffers\":1,\"cbBuffer\":104,\"cbAlign\":8,\"cbPrefix\":0}}",
                t + "\"event\":\"call\",\"op\":\"Commit\"}",
                t + "\"event\":\"return\",\"op\":\"Commit\",\"hr\":\"S_OK\"}",
                t + "\"event\":\"call\",\"op\":\"GetBuffer\",\"flags\":0}",
                t + "\"event\":\"return\",\"op\":\"GetBuffer\",\"hr\":\"S_OK\",\"sample\":1}",
                t + "\"event\":\"call\",\"op\":\"GetBuffer\",\"flags\":0,\"timeoutMs\":1}",
                t + "\"event\":\"return\",\"op\":\"GetBuffer\",\"hr\":\"VFW_E_TIMEOUT\"}",
                t + "\"event\":\"call\",\"op\":\"AddRef\",\"sample\":1}",
                t + "\"event\":\"return\",\"op\":\"AddRef\",\"hr\":\"S_OK\",\"refs\":2}",
                t + "\"event\":\"call\",\"op\":\"Release\",\"sample\":1}",
                t + "\"event\":\"return\",\"op\":\"Release\",\"hr\":\"S_OK\",\"refs\":1}",
                t + "\"event\":\"call\",\"op\":\"Release\",\"sample\":1}",
                t + "\"event\":\"return\",\"op\":\"Release\",\"hr\":\"S_OK\",\"refs\":0}",
                t + "\"event\":\"call\",\"op\":\"GetBuffer\",\"flags\":4,\"startTime\":1,\"endTime\":2}",
                t + "\"event\":\"return\",\"op\":\"GetBuffer\",\"hr\":\"S_OK\",\"sample\":1}",
                t + "\"event\":\"call\",\"op\":\"GetBuffer\",\"flags\":0}",
                t + "\"event\":\"return\",\"op\":\"GetBuffer\",\"hr\":\"INTERRUPTED\"}",
                t + "\"event\":\"call\",\"op\":\"Close\"}",
                t + "\"event\":\"return\",\"op\":\"Close\",\"hr\":\"S_OK\"}",
                t + "\"event\":\"call\",\"op\":\"GetBuffer\",\"flags\":0}",
                t + "\"event\":\"return\",\"op\":\"GetBuffer\",\"hr\":\"EXCEPTION\",\"exception\":\"java.lang.IllegalStateException: allocator used after close()\"}");
        assertEquals(expected, recorder.text().lines().toList());
        // all of it is linearizable but the last call: no spec step throws
        Verdict v = HistoryChecker.check(recorder.history());
        assertFalse(v.linearizable());
        assertEquals(expected.size(), v.failure().prefixEvents());
        assertTrue(v.failure().why().contains("it threw java.lang.IllegalStateException"), v.toString());
        assertTrue(HistoryChecker.check(recorder.history().prefix(expected.size() - 2)).linearizable());
    }

    @Test
    void aRecordedWorkloadIsLinearizable() {
        Workload.Recording r = Workload.run(MonitorMemAllocator::new, new Workload.Settings(4, 2000, 11));
        assertTrue(r.finished(), "the workload hung");
        assertEquals(List.of(), r.errors());
        History h = r.parse();
        assertEquals(List.of("t1", "t2", "t3", "t4"), h.threads().stream().sorted().toList());
        assertTrue(h.events() > 3000, h.toString()); // 2000 steps, a few of them interrupts, not calls
        assertTrue(r.settleMs() >= Workload.Settings.SETTLE.toMillis(), "settled " + r.settleMs());
        assertEquals(r.settleMs(), h.settleMs(), "the history ends with the end-of-recording marker");
        assertEquals(r.events(), h.events());
        Verdict v = HistoryChecker.check(h);
        assertTrue(v.linearizable(), v.toString());
        long blocked = h.operations().stream().filter(o -> o.op() == Op.GetBuffer && !o.call().noWait()
                && !o.call().timed() && o.returnEvent() > o.callEvent() + 1).count();
        assertTrue(blocked > 0, "no GetBuffer overlapped another event: the workload exercised no blocking");
    }

    private static Verdict brokenWorkload(Supplier<MemAllocator> broken) {
        Workload.Recording r = Workload.run(broken, new Workload.Settings(4, 3000, 5, Duration.ofSeconds(20)));
        return HistoryChecker.check(r.parse());
    }

    @Test
    void aSampleHandedOutTwiceIsCaught() {
        Verdict v = brokenWorkload(BrokenAllocators.HandsOutTwice::new);
        assertFalse(v.linearizable(), v.toString());
        // the reason given first depends on the interleaving: "already held", or, when the second
        // hand-out came while a decommit was pending, that; the sample is held in the state either way
        Verdict.Failure f = v.failure();
        boolean heldSampleReturned = f.operation().op() == Op.GetBuffer && f.operation().outcome().ok()
                && f.state().contains("sample " + f.operation().outcome().sample() + " (refs");
        assertTrue(f.why().contains("already held") || heldSampleReturned, v.toString());
    }

    @Test
    void aSampleHandedOutAfterDecommitIsCaught() {
        Verdict v = brokenWorkload(BrokenAllocators.GetAfterDecommit::new);
        assertFalse(v.linearizable(), v.toString());
        // the sample handed out instead of VFW_E_NOT_COMMITTED is one still held: when the GetBuffer
        // was open long enough to take effect while committed too, "already held" is the reason given
        String why = v.failure().why();
        assertTrue(why.contains("not committed") || why.contains("decommit was pending")
                || why.contains("already held"), v.toString());
    }

    @Test
    void aGetBufferThatNeverWaitsIsCaught() {
        Verdict v = brokenWorkload(BrokenAllocators.NeverWaits::new);
        assertFalse(v.linearizable(), v.toString());
        assertTrue(v.failure().why().contains("it never times out"), v.toString());
    }
}
