package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memallocator.Fixtures.assertAllBack;
import static org.memallocator.Fixtures.assertFailsUnchanged;
import static org.memallocator.Fixtures.committed;
import static org.memallocator.Fixtures.configured;
import static org.memallocator.HResult.VFW_E_NOT_COMMITTED;
import static org.memallocator.HResult.VFW_E_SAMPLE_TIME_NOT_SET;
import static org.memallocator.HResult.VFW_E_TIMEOUT;
import static org.memallocator.MemAllocator.AM_GBF_NODDSURFACELOCK;
import static org.memallocator.MemAllocator.AM_GBF_NOTASYNCPOINT;
import static org.memallocator.MemAllocator.AM_GBF_NOWAIT;
import static org.memallocator.MemAllocator.AM_GBF_PREVFRAMESKIPPED;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code IMemAllocator::GetBuffer} without other threads: reference §2.5, §4, gotchas 7, 13, 20, 21. */
@Timeout(10)
class GetBufferTest {

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void neverCommittedIsNotCommitted() {
        MonitorMemAllocator allocator = configured(2, 64);
        assertFailsUnchanged(allocator, VFW_E_NOT_COMMITTED, () -> allocator.getBuffer(0));
    }

    @Test
    void decommittedIsNotCommitted() {
        MonitorMemAllocator allocator = committed(2, 64);
        allocator.decommit();
        assertFailsUnchanged(allocator, VFW_E_NOT_COMMITTED, () -> allocator.getBuffer(0));
    }

    /** Gotcha 7: not committed is checked before NOWAIT's timeout. */
    @Test
    void noWaitNotCommittedIsNotCommittedFirst() {
        MonitorMemAllocator allocator = configured(2, 64);
        assertFailsUnchanged(allocator, VFW_E_NOT_COMMITTED, () -> allocator.getBuffer(AM_GBF_NOWAIT));
    }

    @Test
    void handsOutFreeSampleWithCountOne() throws InterruptedException {
        MonitorMemAllocator allocator = committed(2, 64);
        MediaSample sample = allocator.getBuffer(0);
        assertEquals(1, allocator.freeCount());
        assertEquals(1, allocator.outstandingCount());
        assertEquals(2, sample.addRef());
        assertEquals(1, sample.release());
        assertEquals(0, sample.release());
        assertAllBack(allocator, 2);
    }

    /** Gotcha 20: the most recently released buffer is handed out next. */
    @Test
    void freeListIsLifo() throws InterruptedException {
        MonitorMemAllocator allocator = committed(3, 64);
        MediaSample a = allocator.getBuffer(0);
        MediaSample b = allocator.getBuffer(0);
        MediaSample c = allocator.getBuffer(0);
        b.release();
        a.release();
        c.release();
        assertSame(c, allocator.getBuffer(0));
        assertSame(a, allocator.getBuffer(0));
        assertSame(b, allocator.getBuffer(0));
    }

    /** Gotcha 7: NOWAIT with nothing free is VFW_E_TIMEOUT and leaves no waiter registered. */
    @Test
    void noWaitWithNothingFreeIsTimeout() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample held = allocator.getBuffer(0);
        assertFailsUnchanged(allocator, VFW_E_TIMEOUT, () -> allocator.getBuffer(AM_GBF_NOWAIT));
        assertEquals(0, allocator.waitingCount());
        held.release();
    }

    @Test
    void noWaitWithFreeBufferSucceeds() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        allocator.getBuffer(AM_GBF_NOWAIT).release();
    }

    /** The other three flags are accepted and ignored; NOTASYNCPOINT does not touch the sync point. */
    @ParameterizedTest
    @ValueSource(ints = {AM_GBF_PREVFRAMESKIPPED, AM_GBF_NOTASYNCPOINT, AM_GBF_NODDSURFACELOCK,
                         AM_GBF_PREVFRAMESKIPPED | AM_GBF_NOTASYNCPOINT | AM_GBF_NODDSURFACELOCK, -1 & ~AM_GBF_NOWAIT})
    void otherFlagsAreIgnored(int flags) throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample sample = allocator.getBuffer(flags);
        assertFalse(sample.isSyncPoint());
        sample.release();
    }

    /** Gotcha 13: the start and end times are ignored; the sample has no time. */
    @Test
    void startAndEndTimesAreIgnored() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample sample = allocator.getBuffer(1000, 2000, 0);
        assertFailsUnchanged(allocator, VFW_E_SAMPLE_TIME_NOT_SET, sample::time);
        sample.release();
    }

    /** A timeout of zero or less never blocks: VFW_E_TIMEOUT at once with nothing free. */
    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void timedGetWithNonPositiveTimeoutDoesNotBlock(long nanos) throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample held = allocator.getBuffer(0);
        List<SpecAction> steps = new ArrayList<>();
        allocator.setSpecTrace(e -> steps.add(e.action()));
        assertFailsUnchanged(allocator, VFW_E_TIMEOUT,
                () -> allocator.getBuffer(0, Duration.ofNanos(nanos)));
        assertEquals(List.of(SpecAction.GetBufferTimeout), steps, "refused without blocking");
        allocator.setSpecTrace(null);
        held.release();
        allocator.getBuffer(0, Duration.ZERO).release();
    }

    /** A negative timeout too long for a count of nanoseconds is still "do not wait". */
    @Test
    void timedGetWithHugeNegativeTimeoutDoesNotBlock() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample held = allocator.getBuffer(0);
        assertFailsUnchanged(allocator, VFW_E_TIMEOUT,
                () -> allocator.getBuffer(0, Duration.ofSeconds(Long.MIN_VALUE)));
        held.release();
    }

    /** One deadline for the whole call: it fails no earlier than the timeout. */
    @Test
    void timedGetWaitsForItsTimeoutThenFails() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample held = allocator.getBuffer(0);
        long start = System.nanoTime();
        assertFailsUnchanged(allocator, VFW_E_TIMEOUT,
                () -> allocator.getBuffer(0, Duration.ofMillis(50)));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(50).toNanos());
        assertEquals(0, allocator.waitingCount());
        held.release();
        assertAllBack(allocator, 1);
    }

    /** An enormous timeout does not overflow into an immediate failure. */
    @Test
    void timedGetWithHugeTimeoutGetsFreeBuffer() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        allocator.getBuffer(0, Duration.ofSeconds(Long.MAX_VALUE)).release();
    }

    /** Stormpot's rule: a free buffer is handed out even if the caller is interrupted. */
    @Test
    void interruptedCallerStillGetsFreeBuffer() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        Thread.currentThread().interrupt();
        MediaSample sample = allocator.getBuffer(0);
        assertTrue(Thread.interrupted(), "interrupt status must be kept");
        sample.release();
    }

    /** Interrupted on entry with nothing free: InterruptedException, status cleared, nothing taken. */
    @Test
    void interruptedCallerWithNothingFreeThrowsInterrupted() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample held = allocator.getBuffer(0);
        Fixtures.State before = Fixtures.State.of(allocator);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> allocator.getBuffer(0));
        assertFalse(Thread.currentThread().isInterrupted());
        assertEquals(before, Fixtures.State.of(allocator));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> allocator.getBuffer(0, Duration.ofSeconds(5)));
        assertEquals(before, Fixtures.State.of(allocator));
        held.release();
    }

    /** NOWAIT never waits, so an interrupted caller gets VFW_E_TIMEOUT, not InterruptedException. */
    @Test
    void interruptedNoWaitCallerGetsTimeout() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample held = allocator.getBuffer(0);
        Thread.currentThread().interrupt();
        assertFailsUnchanged(allocator, VFW_E_TIMEOUT, () -> allocator.getBuffer(AM_GBF_NOWAIT));
        assertTrue(Thread.interrupted());
        held.release();
    }
}
