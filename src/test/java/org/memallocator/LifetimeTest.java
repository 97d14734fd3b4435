package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memallocator.Fixtures.assertAllBack;
import static org.memallocator.Fixtures.committed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The allocator's own lifetime and the release callback: reference §2.7, §2.8, §5.4 (last row),
 * §6, gotchas 18–19. {@code close()} is the client's last reference.
 */
@Timeout(10)
class LifetimeTest {

    private final TestThreads threads = new TestThreads();

    @AfterEach
    void allThreadsDone() {
        threads.assertAllDone();
    }

    @Test
    void closeDecommitsAndRefusesEveryLaterCall() throws InterruptedException {
        MonitorMemAllocator allocator = committed(2, 64);
        MediaSample sample = allocator.getBuffer(0);
        sample.release();
        allocator.close();
        assertFalse(allocator.isCommitted());
        List<Executable> calls = List.of(
                () -> allocator.setProperties(new AllocatorProperties(1, 64, 1, 0)),
                allocator::getProperties, allocator::commit, allocator::decommit,
                () -> allocator.getBuffer(0), () -> allocator.getBuffer(0, 0, 0),
                () -> allocator.getBuffer(0, Duration.ZERO), () -> allocator.releaseBuffer(sample),
                () -> allocator.setNotify(null));
        for (Executable call : calls) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertTrue(e.getMessage().contains("close"), e.getMessage());
        }
        assertAllBack(allocator, 2);
    }

    @Test
    void closeTwiceDoesNothingMore() {
        MonitorMemAllocator allocator = committed(1, 64);
        List<SpecEvent> events = new ArrayList<>();
        allocator.setSpecTrace(events::add);
        allocator.close();
        allocator.close();
        assertEquals(List.of(SpecAction.Close), events.stream().map(SpecEvent::action).toList());
    }

    /**
     * Gotchas 18–19: closing with samples out cannot free their memory; they stay usable, and the
     * last one's final release completes the decommit (Microsoft's self-reference; Wine frees the
     * memory under them).
     */
    @Test
    void closeWithSamplesOutKeepsThemUsableUntilTheLastRelease() throws InterruptedException {
        MonitorMemAllocator allocator = committed(2, 64);
        MediaSample a = allocator.getBuffer(0);
        MediaSample b = allocator.getBuffer(0);
        allocator.close();
        assertTrue(allocator.isDecommitPending());
        a.pointer().put(0, (byte) 1);
        assertEquals(2, b.addRef());
        assertEquals(0, a.release());
        assertEquals(1, b.release());
        assertTrue(allocator.isDecommitPending());
        assertEquals(0, b.release());
        assertFalse(allocator.isDecommitPending());
        assertEquals(0, allocator.freeCount());
        assertThrows(IllegalStateException.class, a::pointer);
    }

    @Test
    void closeWithoutCommitIsFine() {
        MonitorMemAllocator allocator = new MonitorMemAllocator();
        allocator.close();
        assertThrows(IllegalStateException.class, allocator::commit);
    }

    /** try-with-resources closes it. */
    @Test
    void isAutoCloseable() throws InterruptedException {
        MonitorMemAllocator outer;
        try (MonitorMemAllocator allocator = committed(1, 64)) {
            outer = allocator;
            allocator.getBuffer(0).release();
        }
        assertThrows(IllegalStateException.class, outer::getProperties);
    }

    /** SetNotify: the callback runs after every final release, with the buffer already back. */
    @Test
    void notifyRunsAfterEachFinalReleaseWithBufferBack() throws InterruptedException {
        MonitorMemAllocator allocator = committed(2, 64);
        AtomicInteger calls = new AtomicInteger();
        List<Integer> freeSeen = new ArrayList<>();
        allocator.setNotify(() -> {
            calls.incrementAndGet();
            freeSeen.add(allocator.freeCount());
        });
        MediaSample a = allocator.getBuffer(0);
        MediaSample b = allocator.getBuffer(0);
        a.addRef();
        a.release();
        assertEquals(0, calls.get(), "not on a non-final release");
        a.release();
        b.release();
        assertEquals(List.of(1, 2), freeSeen);
        allocator.setNotify(null);
        allocator.getBuffer(0).release();
        assertEquals(2, calls.get(), "removed by setNotify(null)");
    }

    /** The callback runs outside the lock: another thread can use the allocator meanwhile. */
    @Test
    void notifyRunsOutsideTheLock() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        List<MediaSample> gotByOther = new ArrayList<>();
        allocator.setNotify(() -> gotByOther.add(
                threads.start("other", () -> allocator.getBuffer(MemAllocator.AM_GBF_NOWAIT)).value()));
        MediaSample sample = allocator.getBuffer(0);
        sample.release();
        assertSame(sample, gotByOther.get(0));
        allocator.setNotify(null);
        gotByOther.get(0).release();
        assertAllBack(allocator, 1);
    }

    /** What the callback throws reaches the releaser, after the buffer is back. */
    @Test
    void notifyExceptionReachesReleaserAfterBufferIsBack() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        allocator.setNotify(() -> {
            throw new IllegalArgumentException("callback");
        });
        MediaSample sample = allocator.getBuffer(0);
        assertThrows(IllegalArgumentException.class, sample::release);
        assertAllBack(allocator, 1);
    }

    /** The callback also runs for the release that completes a decommit after close. */
    @Test
    void notifyRunsForReleaseAfterClose() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        AtomicInteger calls = new AtomicInteger();
        allocator.setNotify(calls::incrementAndGet);
        MediaSample sample = allocator.getBuffer(0);
        allocator.close();
        sample.release();
        assertEquals(1, calls.get());
        assertFalse(allocator.isDecommitPending());
    }
}
