package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memallocator.Fixtures.assertAllBack;
import static org.memallocator.Fixtures.assertFailsUnchanged;
import static org.memallocator.Fixtures.committed;
import static org.memallocator.HResult.E_OUTOFMEMORY;
import static org.memallocator.HResult.VFW_E_NOT_COMMITTED;
import static org.memallocator.HResult.VFW_E_SIZENOTSET;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code IMemAllocator::Commit} and {@code Decommit}: reference §2.3, §2.4, §5.4, gotchas 1–4, 10, 23. */
@Timeout(10)
class CommitDecommitTest {

    private static MonitorMemAllocator with(int count, int size, int align, int prefix) {
        MonitorMemAllocator allocator = new MonitorMemAllocator();
        allocator.setProperties(new AllocatorProperties(count, size, align, prefix));
        return allocator;
    }

    @Test
    void commitNeverConfiguredIsSizeNotSet() {
        MonitorMemAllocator allocator = new MonitorMemAllocator();
        assertFailsUnchanged(allocator, VFW_E_SIZENOTSET, allocator::commit);
    }

    /** Count or rounded size not positive (gotcha 10; {1, 0, 16, 16} rounds to size 0). */
    @ParameterizedTest
    @CsvSource({"0, 64, 1, 0", "-1, 64, 1, 0", "2, 0, 1, 0", "2, -8, 1, 0", "1, 0, 16, 16",
                "0, 64, 1, -4"})
    void commitWithoutCountOrSizeIsSizeNotSet(int count, int size, int align, int prefix) {
        MonitorMemAllocator allocator = with(count, size, align, prefix);
        assertFailsUnchanged(allocator, VFW_E_SIZENOTSET, allocator::commit);
        assertFalse(allocator.isCommitted());
    }

    @Test
    void commitWithNegativePrefixIsOutOfMemory() {
        MonitorMemAllocator allocator = with(2, 64, 1, -4);
        assertFailsUnchanged(allocator, E_OUTOFMEMORY, allocator::commit);
    }

    /** count × stride (plus alignment slack) must fit one direct ByteBuffer. */
    @ParameterizedTest
    @CsvSource({"2, 1073741824, 1, 0", "65536, 65536, 1, 0", "1, 2147483647, 2, 0",
                "1, 2147483600, 16, 64"})
    void commitOfBlockTooLargeIsOutOfMemory(int count, int size, int align, int prefix) {
        MonitorMemAllocator allocator = with(count, size, align, prefix);
        assertFailsUnchanged(allocator, E_OUTOFMEMORY, allocator::commit);
    }

    @Test
    void failedCommitCanBeRetriedAfterFixingProperties() throws InterruptedException {
        MonitorMemAllocator allocator = with(0, 64, 1, 0);
        assertFailsUnchanged(allocator, VFW_E_SIZENOTSET, allocator::commit);
        allocator.setProperties(new AllocatorProperties(1, 64, 1, 0));
        allocator.commit();
        allocator.getBuffer(0).release();
    }

    @Test
    void commitAllocatesEveryBufferFree() {
        MonitorMemAllocator allocator = committed(3, 64);
        assertTrue(allocator.isCommitted());
        assertEquals(3, allocator.freeCount());
        assertEquals(0, allocator.outstandingCount());
    }

    /** A second Commit is S_OK and changes nothing (gotcha 4). */
    @Test
    void commitTwiceIsNoOp() throws InterruptedException {
        MonitorMemAllocator allocator = committed(2, 64);
        MediaSample held = allocator.getBuffer(0);
        allocator.commit();
        assertEquals(1, allocator.freeCount());
        assertEquals(1, allocator.outstandingCount());
        held.release();
    }

    /** Each buffer's prefix starts on cbAlign; data follows the prefix; buffers do not overlap. */
    @ParameterizedTest
    @CsvSource({"4, 100, 16, 0", "3, 1, 16, 1", "2, 64, 4096, 8", "5, 7, 1, 3", "2, 10, 65536, 100"})
    void buffersAreAlignedPrefixedAndDisjoint(int count, int size, int align, int prefix)
            throws InterruptedException {
        MonitorMemAllocator allocator = with(count, size, align, prefix);
        int actualSize = allocator.getProperties().cbBuffer();
        allocator.commit();
        MediaSample[] samples = new MediaSample[count];
        for (int i = 0; i < count; i++) {
            samples[i] = allocator.getBuffer(0);
            ByteBuffer data = samples[i].pointer();
            assertEquals(0, data.position());
            assertEquals(actualSize, data.limit());
            assertEquals(actualSize, data.capacity());
            assertTrue(data.isDirect());
            assertEquals(Math.floorMod(prefix, align), data.alignmentOffset(0, align),
                    "prefix start not aligned");
            while (data.hasRemaining()) {
                data.put((byte) i);
            }
        }
        for (int i = 0; i < count; i++) {
            ByteBuffer data = samples[i].pointer();
            while (data.hasRemaining()) {
                assertEquals((byte) i, data.get(), "buffer " + i + " overwritten");
            }
            samples[i].release();
        }
    }

    @Test
    void decommitNeverCommittedIsNoOp() {
        MonitorMemAllocator allocator = new MonitorMemAllocator();
        allocator.decommit();
        assertFalse(allocator.isCommitted());
        assertFalse(allocator.isDecommitPending());
    }

    /** With nothing out, Decommit completes at once; a second one is S_OK too (gotcha 4). */
    @Test
    void decommitWithNothingOutCompletesAtOnce() {
        MonitorMemAllocator allocator = committed(2, 64);
        allocator.decommit();
        assertFalse(allocator.isCommitted());
        assertFalse(allocator.isDecommitPending());
        assertEquals(0, allocator.freeCount());
        allocator.decommit();
        assertFalse(allocator.isDecommitPending());
    }

    /** Gotcha 1: Decommit returns at once; the memory stays until the last sample comes back. */
    @Test
    void decommitWithSamplesOutDefersUntilLastRelease() throws InterruptedException {
        MonitorMemAllocator allocator = committed(3, 64);
        MediaSample a = allocator.getBuffer(0);
        MediaSample b = allocator.getBuffer(0);
        allocator.decommit();
        assertFalse(allocator.isCommitted());
        assertTrue(allocator.isDecommitPending());
        a.release();
        assertTrue(allocator.isDecommitPending());
        assertEquals(2, allocator.freeCount());
        b.release();
        assertFalse(allocator.isDecommitPending());
        assertAllBack(allocator, 3);
    }

    /** Outstanding samples stay fully usable while the decommit is pending. */
    @Test
    void samplesStayUsableWhileDecommitPending() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 65536);
        MediaSample sample = allocator.getBuffer(0);
        allocator.decommit();
        ByteBuffer data = sample.pointer();
        while (data.hasRemaining()) {
            data.put((byte) 0x5A);
        }
        sample.setActualDataLength(65536);
        assertEquals(0x5A, sample.pointer().get(65535));
        assertEquals(2, sample.addRef());
        sample.release();
        sample.release();
        assertAllBack(allocator, 1);
    }

    /** Gotcha 2: GetBuffer while a decommit is pending is VFW_E_NOT_COMMITTED. */
    @Test
    void getBufferWhileDecommitPendingIsNotCommitted() throws InterruptedException {
        MonitorMemAllocator allocator = committed(2, 64);
        MediaSample sample = allocator.getBuffer(0);
        allocator.decommit();
        assertFailsUnchanged(allocator, VFW_E_NOT_COMMITTED, () -> allocator.getBuffer(0));
        sample.release();
    }

    /** A second Decommit while pending is S_OK and changes nothing. */
    @Test
    void secondDecommitWhilePendingChangesNothing() throws InterruptedException {
        MonitorMemAllocator allocator = committed(2, 64);
        MediaSample sample = allocator.getBuffer(0);
        allocator.decommit();
        Fixtures.State before = Fixtures.State.of(allocator);
        allocator.decommit();
        assertEquals(before, Fixtures.State.of(allocator));
        sample.release();
        assertAllBack(allocator, 2);
    }

    /**
     * Gotcha 3: Commit during a pending decommit cancels it without allocating; the samples out
     * come back to the free list and are handed out again.
     */
    @Test
    void commitDuringPendingDecommitCancelsItWithoutReallocating() throws InterruptedException {
        MonitorMemAllocator allocator = committed(2, 64);
        MediaSample out = allocator.getBuffer(0);
        MediaSample free = allocator.getBuffer(0);
        free.release();
        allocator.decommit();
        allocator.commit();
        assertTrue(allocator.isCommitted());
        assertFalse(allocator.isDecommitPending());
        assertEquals(1, allocator.freeCount());
        assertEquals(1, allocator.outstandingCount());
        out.release();
        assertAllBack(allocator, 2);
        Set<MediaSample> again = new HashSet<>();
        again.add(allocator.getBuffer(0));
        again.add(allocator.getBuffer(0));
        assertEquals(Set.of(out, free), again, "the same samples, not new ones");
        again.forEach(MediaSample::release);
    }

    /**
     * Memory policy (gotcha 23, unlike CMemAllocator): the completed decommit drops the memory;
     * old samples are dead and the next Commit allocates new ones.
     */
    @Test
    void completedDecommitDropsMemoryAndNextCommitAllocatesAnew() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample old = allocator.getBuffer(0);
        old.release();
        allocator.decommit();
        assertEquals(0, allocator.freeCount());
        assertThrows(IllegalStateException.class, old::pointer);
        assertThrows(IllegalStateException.class, old::addRef);
        allocator.commit();
        MediaSample fresh = allocator.getBuffer(0);
        assertNotSame(old, fresh);
        assertEquals(64, fresh.actualDataLength(), "a fresh sample, not a recycled one");
        fresh.release();
    }

    /** The same policy when the last outstanding sample completes the decommit. */
    @Test
    void lastReleaseWhilePendingDropsMemory() throws InterruptedException {
        MonitorMemAllocator allocator = committed(2, 64);
        MediaSample a = allocator.getBuffer(0);
        MediaSample b = allocator.getBuffer(0);
        allocator.decommit();
        a.release();
        b.release();
        assertEquals(0, allocator.freeCount());
        assertThrows(IllegalStateException.class, a::size);
        allocator.commit();
        MediaSample c = allocator.getBuffer(0);
        MediaSample d = allocator.getBuffer(0);
        assertEquals(Set.of(c, d).size(), 2);
        assertFalse(Set.of(a, b).contains(c) || Set.of(a, b).contains(d));
        c.release();
        d.release();
    }

    /** Buffers of one cycle are stable: the same sample object, the same memory, every time. */
    @Test
    void sampleIdentityStableWithinCommitCycle() throws InterruptedException {
        MonitorMemAllocator allocator = committed(1, 64);
        MediaSample first = allocator.getBuffer(0);
        first.pointer().put(0, (byte) 7);
        first.release();
        MediaSample second = allocator.getBuffer(0);
        assertSame(first, second);
        assertEquals(7, second.pointer().get(0));
        second.release();
    }
}
