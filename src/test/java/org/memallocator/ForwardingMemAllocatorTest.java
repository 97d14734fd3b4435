package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memallocator.Fixtures.assertHResult;
import static org.memallocator.Fixtures.awaitWaiting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ForwardingMemAllocator} with nothing overridden must be indistinguishable from the
 * allocator it wraps: every call reaches the inner allocator, and every result comes back.
 */
@Timeout(10)
class ForwardingMemAllocatorTest {

    private final TestThreads threads = new TestThreads();
    private final MonitorMemAllocator inner = new MonitorMemAllocator();
    private final MemAllocator forwarding = new ForwardingMemAllocator(inner) { };

    @AfterEach
    void allThreadsDone() {
        threads.assertAllDone();
    }

    @Test
    void propertiesAndCommitReachTheInnerAllocator() {
        AllocatorProperties actual = forwarding.setProperties(new AllocatorProperties(3, 100, 8, 0));
        assertEquals(inner.getProperties(), actual);
        assertEquals(new AllocatorProperties(3, 104, 8, 0), forwarding.getProperties());
        forwarding.commit();
        assertTrue(inner.isCommitted());
        assertTrue(forwarding.isCommitted());
        assertEquals(3, forwarding.freeCount());
        forwarding.decommit();
        assertFalse(inner.isCommitted());
        assertFalse(forwarding.isCommitted());
    }

    @Test
    void everyGetBufferOverloadTakesFromTheInnerPool() throws InterruptedException {
        forwarding.setProperties(new AllocatorProperties(3, 64, 1, 0));
        forwarding.commit();
        List<MediaSample> out = new ArrayList<>();
        out.add(forwarding.getBuffer(0));
        out.add(forwarding.getBuffer(10L, 20L, 0));
        out.add(forwarding.getBuffer(0, Duration.ofSeconds(1)));
        out.forEach(s -> assertNotNull(s));
        assertEquals(3, inner.outstandingCount());
        assertEquals(3, forwarding.outstandingCount());
        assertEquals(0, forwarding.freeCount());

        forwarding.decommit();
        assertTrue(inner.isDecommitPending());
        assertTrue(forwarding.isDecommitPending());
        out.forEach(MediaSample::release);
        assertFalse(forwarding.isDecommitPending());
    }

    @Test
    void waitingCountIsTheInnerAllocatorsWaiters() throws InterruptedException {
        forwarding.setProperties(new AllocatorProperties(1, 64, 1, 0));
        forwarding.commit();
        MediaSample held = forwarding.getBuffer(0);
        TestThreads.Call<MediaSample> blocked = threads.start("getter", () -> forwarding.getBuffer(0));
        awaitWaiting(inner, 1);
        assertEquals(1, forwarding.waitingCount());
        held.release();
        blocked.value().release();
        assertEquals(0, forwarding.waitingCount());
    }

    @Test
    void releaseBufferMisuseIsRefusedByTheInnerAllocator() throws InterruptedException {
        forwarding.setProperties(new AllocatorProperties(1, 64, 1, 0));
        forwarding.commit();
        MediaSample held = forwarding.getBuffer(0);
        assertHResult(HResult.E_INVALIDARG, () -> forwarding.releaseBuffer(held));
        held.release();
    }

    @Test
    void notifyAndSpecTraceAreInstalledOnTheInnerAllocator() throws InterruptedException {
        AtomicInteger notified = new AtomicInteger();
        List<SpecAction> steps = new ArrayList<>();
        forwarding.setNotify(notified::incrementAndGet);
        forwarding.setSpecTrace(e -> steps.add(e.action()));
        forwarding.setProperties(new AllocatorProperties(1, 64, 1, 0));
        forwarding.commit();
        inner.getBuffer(0).release();
        assertEquals(1, notified.get());
        assertEquals(List.of(SpecAction.SetProperties, SpecAction.Commit, SpecAction.GetBufferOk,
                SpecAction.Release), steps);
    }

    @Test
    void closeClosesTheInnerAllocator() {
        forwarding.close();
        assertThrows(IllegalStateException.class, inner::commit);
    }

    @Test
    void toStringNamesTheInnerAllocator() {
        assertTrue(forwarding.toString().endsWith("(" + inner + ")"), forwarding.toString());
    }
}
