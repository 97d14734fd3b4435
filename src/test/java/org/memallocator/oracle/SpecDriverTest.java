package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.memallocator.AllocatorProperties;
import org.memallocator.HResult;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocatorException;
import org.memallocator.MonitorMemAllocator;
import org.memallocator.oracle.SpecThread.Position;

/**
 * The spec driver's positions come from evidence: two waiters parked in FIFO order, a release
 * that wakes the longest one (woken and held, the other still parked), a decommit that wakes the
 * other, an interrupt of a parked waiter that leaves it held with no signal able to reach it.
 */
class SpecDriverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Test
    void positionsAndTheWaitQueueFollowTheAllocator() throws Exception {
        MonitorMemAllocator a = new MonitorMemAllocator();
        try (SpecDriver d = new SpecDriver(a, "driver-test-", PATIENCE, true)) {
            assertTrue(d.canHold());
            a.setProperties(new AllocatorProperties(1, 64, 8, 0));
            a.commit();
            MediaSample s = (MediaSample) d.call("t0", "getBuffer", () -> a.getBuffer(0)).value();
            assertTrue(d.startHeld("t1", "getBuffer", () -> a.getBuffer(0)));
            assertTrue(d.startHeld("t2", "getBuffer", () -> a.getBuffer(0)));
            assertEquals(Position.PARKED, d.position("t1"));
            assertEquals(Position.PARKED, d.position("t2"));
            assertEquals(List.of("t1", "t2"), d.parkedQueue(), "the longest waiter first");
            assertEquals(2, a.waitingCount());

            s.release(); // signal(): the longest waiter, t1, is woken and held
            assertEquals(Position.WOKEN_HELD, d.position("t1"));
            assertEquals(Position.PARKED, d.position("t2"));
            assertEquals(List.of("t2"), d.parkedQueue());
            assertEquals(SpecThread.Wake.RETURNED, d.recheck("t1"));
            MediaSample again = (MediaSample) d.thread("t1").outcome().value();
            assertEquals(Position.RETURNED, d.position("t1"));

            a.decommit(); // signalAll(): t2 is woken; let go, it sees the allocator decommitted
            assertEquals(Position.WOKEN_HELD, d.position("t2"));
            assertEquals(List.of(), d.parkedQueue());
            assertEquals(SpecThread.Wake.RETURNED, d.letGo("t2"));
            MemAllocatorException e = assertInstanceOf(MemAllocatorException.class, d.thread("t2").outcome().thrown());
            assertEquals(HResult.VFW_E_NOT_COMMITTED, e.hresult());
            again.release();
        }
    }

    @Test
    void anInterruptedParkedWaiterStaysHeldAndNoSignalReachesIt() throws Exception {
        MonitorMemAllocator a = new MonitorMemAllocator();
        try (SpecDriver d = new SpecDriver(a, "driver-test-", PATIENCE, true)) {
            a.setProperties(new AllocatorProperties(1, 64, 8, 0));
            a.commit();
            MediaSample s = (MediaSample) d.call("t0", "getBuffer", () -> a.getBuffer(0)).value();
            assertTrue(d.startHeld("t1", "getBuffer", () -> a.getBuffer(0)));
            assertTrue(d.startHeld("t2", "getBuffer", () -> a.getBuffer(0)));
            d.interruptParked("t1"); // leaves the condition for the hook, held
            assertEquals(Position.WOKEN_HELD, d.position("t1"));
            assertEquals(List.of("t2"), d.parkedQueue());
            s.release(); // the signal goes to t2, the only waiter left on the condition
            assertEquals(Position.WOKEN_HELD, d.position("t2"));
            assertEquals(SpecThread.Wake.RETURNED, d.recheck("t1"));
            assertInstanceOf(InterruptedException.class, d.thread("t1").outcome().thrown());
            assertEquals(SpecThread.Wake.RETURNED, d.recheck("t2"));
            assertInstanceOf(MediaSample.class, d.thread("t2").outcome().value());
        }
    }
}
