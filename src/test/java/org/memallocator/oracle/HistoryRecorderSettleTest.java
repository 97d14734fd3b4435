package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.memallocator.AllocatorProperties;
import org.memallocator.ForwardingMemAllocator;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MonitorMemAllocator;

/**
 * The end-of-recording marker needs evidence, not silence: a call whose thread is still running
 * (here, busy for far longer than the settle period, as a woken waiter starved of a core would be)
 * holds the marker back until it has returned, so a correct allocator on a loaded machine is never
 * reported as a lost wake-up.
 */
class HistoryRecorderSettleTest {

    /** An allocator whose getBuffer first keeps its thread running for {@code busy}. */
    private static final class BusyBeforeGetBuffer extends ForwardingMemAllocator {
        private final long busyNanos;

        BusyBeforeGetBuffer(MemAllocator inner, Duration busy) {
            super(inner);
            this.busyNanos = busy.toNanos();
        }

        @Override
        public MediaSample getBuffer(int flags) throws InterruptedException {
            long until = System.nanoTime() + busyNanos;
            while (System.nanoTime() - until < 0) {
                Thread.onSpinWait(); // RUNNABLE all along, no event recorded
            }
            return super.getBuffer(flags);
        }
    }

    @Test
    void aCallWhoseThreadIsStillRunningMustHoldTheMarkerBack() throws Exception {
        HistoryRecorder recorder = new HistoryRecorder();
        MemAllocator a = recorder.record(new BusyBeforeGetBuffer(new MonitorMemAllocator(), Duration.ofMillis(800)));
        a.setProperties(new AllocatorProperties(1, 64, 8, 0));
        a.commit();
        int before = recorder.events();
        Thread getter = new Thread(() -> {
            try {
                a.getBuffer(0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "getter");
        getter.setDaemon(true);
        getter.start();
        while (recorder.events() == before) {
            Thread.sleep(1); // until the getter's call event is in
        }
        long settleMs = recorder.end(Duration.ofMillis(100), Duration.ofSeconds(20));
        getter.join(10_000);

        History history = History.parse(recorder.text());
        assertTrue(settleMs >= 100, "settleMs " + settleMs);
        assertEquals(0, history.operations().stream().filter(History.Operation::pending).count(),
                "the marker came before the getter's return:\n" + recorder.text());
        Verdict verdict = HistoryChecker.check(history);
        assertTrue(verdict.linearizable(), verdict.toString());
    }
}
