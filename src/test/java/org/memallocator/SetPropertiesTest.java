package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memallocator.Fixtures.assertFailsUnchanged;
import static org.memallocator.Fixtures.committed;
import static org.memallocator.HResult.E_POINTER;
import static org.memallocator.HResult.VFW_E_ALREADY_COMMITTED;
import static org.memallocator.HResult.VFW_E_BADALIGN;
import static org.memallocator.HResult.VFW_E_BUFFERS_OUTSTANDING;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code IMemAllocator::SetProperties} and {@code GetProperties}: reference §2.1, §2.2, §5.2, gotchas 8, 9, 11. */
@Timeout(10)
class SetPropertiesTest {

    private final MonitorMemAllocator allocator = new MonitorMemAllocator();

    @Test
    void getPropertiesIsAllZeroBeforeAnySet() {
        assertEquals(AllocatorProperties.NONE, allocator.getProperties());
    }

    @Test
    void nullRequestIsEPointer() {
        assertFailsUnchanged(allocator, E_POINTER, () -> allocator.setProperties(null));
    }

    /** cbBuffer + cbPrefix is rounded up to cbAlign, then the prefix is taken off again. */
    @Test
    void roundsBufferPlusPrefixUpToAlignment() {
        AllocatorProperties request = new AllocatorProperties(1, 1, 16, 1);
        assertEquals(new AllocatorProperties(1, 15, 16, 1), allocator.setProperties(request));
        assertEquals(new AllocatorProperties(1, 1, 16, 1), request, "request modified");
    }

    @Test
    void roundsSizeWithoutPrefixUpToAlignment() {
        assertEquals(new AllocatorProperties(3, 112, 16, 0),
                allocator.setProperties(new AllocatorProperties(3, 100, 16, 0)));
    }

    @Test
    void keepsSizeAlreadyAligned() {
        assertEquals(new AllocatorProperties(2, 48, 16, 16),
                allocator.setProperties(new AllocatorProperties(2, 48, 16, 16)));
    }

    /** GetProperties and GetSize report the rounded size, as SetProperties returned it. */
    @Test
    void getPropertiesReportsWhatSetReturned() throws InterruptedException {
        AllocatorProperties actual = allocator.setProperties(new AllocatorProperties(2, 10, 8, 4));
        assertEquals(actual, allocator.getProperties());
        allocator.commit();
        MediaSample sample = allocator.getBuffer(0);
        assertEquals(actual.cbBuffer(), sample.size());
        sample.release();
    }

    /** Count, size and prefix are not checked until Commit. */
    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void acceptsAnyCountSizeOrPrefix(int value) {
        AllocatorProperties request = new AllocatorProperties(value, value, 16, value);
        assertEquals(request.rounded(), allocator.setProperties(request));
    }

    /** {1, 0, 16, 16} rounds to a size of 0; SetProperties accepts it, Commit will not. */
    @Test
    void acceptsSizeThatRoundsToZero() {
        assertEquals(new AllocatorProperties(1, 0, 16, 16),
                allocator.setProperties(new AllocatorProperties(1, 0, 16, 16)));
    }

    /** A size that cannot fit an int after rounding is saturated; Commit refuses it. */
    @Test
    void saturatesSizeThatOverflowsWhenRounded() {
        AllocatorProperties actual =
                allocator.setProperties(new AllocatorProperties(1, Integer.MAX_VALUE, 16, 0));
        assertEquals(Integer.MAX_VALUE, actual.cbBuffer());
        assertEquals(HResult.E_OUTOFMEMORY, actual.commitError());
    }

    @Test
    void failedSetKeepsPreviousProperties() {
        AllocatorProperties actual = allocator.setProperties(new AllocatorProperties(2, 64, 16, 0));
        assertFailsUnchanged(allocator, VFW_E_BADALIGN,
                () -> allocator.setProperties(new AllocatorProperties(4, 128, 0, 0)));
        assertEquals(actual, allocator.getProperties());
    }

    /** The documented rule: a power of two from 1 to 65536 (Microsoft's code accepts e.g. 3 and 10). */
    @ParameterizedTest
    @ValueSource(ints = {0, -1, -16, 3, 10, 48, 65535, 131072, Integer.MIN_VALUE})
    void alignmentNotPowerOfTwoUpTo64KIsBadAlign(int cbAlign) {
        assertFailsUnchanged(allocator, VFW_E_BADALIGN,
                () -> allocator.setProperties(new AllocatorProperties(1, 64, cbAlign, 0)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8, 16, 4096, 65536})
    void acceptsPowerOfTwoAlignmentUpTo64K(int cbAlign) {
        assertEquals(cbAlign, allocator.setProperties(new AllocatorProperties(1, 64, cbAlign, 0)).cbAlign());
    }

    @Test
    void committedIsAlreadyCommitted() {
        MonitorMemAllocator pool = committed(2, 64);
        assertFailsUnchanged(pool, VFW_E_ALREADY_COMMITTED,
                () -> pool.setProperties(new AllocatorProperties(4, 64, 1, 0)));
    }

    /** Microsoft checks committed before outstanding (Wine the other way round). */
    @Test
    void committedWithSampleOutIsAlreadyCommitted() throws InterruptedException {
        MonitorMemAllocator pool = committed(2, 64);
        MediaSample sample = pool.getBuffer(0);
        assertFailsUnchanged(pool, VFW_E_ALREADY_COMMITTED,
                () -> pool.setProperties(new AllocatorProperties(4, 64, 1, 0)));
        sample.release();
    }

    /** Microsoft checks alignment before committed (Wine last). */
    @Test
    void badAlignmentWinsOverCommitted() {
        MonitorMemAllocator pool = committed(2, 64);
        assertFailsUnchanged(pool, VFW_E_BADALIGN,
                () -> pool.setProperties(new AllocatorProperties(4, 64, 0, 0)));
    }

    /** A pending decommit is "buffers outstanding", not "committed" (gotcha 2). */
    @Test
    void pendingDecommitIsBuffersOutstanding() throws InterruptedException {
        MonitorMemAllocator pool = committed(2, 64);
        MediaSample sample = pool.getBuffer(0);
        pool.decommit();
        assertFailsUnchanged(pool, VFW_E_BUFFERS_OUTSTANDING,
                () -> pool.setProperties(new AllocatorProperties(4, 64, 1, 0)));
        sample.release();
        assertEquals(new AllocatorProperties(4, 64, 1, 0),
                pool.setProperties(new AllocatorProperties(4, 64, 1, 0)));
    }

    @Test
    void succeedsAgainOnceDecommitted() {
        MonitorMemAllocator pool = committed(2, 64);
        pool.decommit();
        assertEquals(new AllocatorProperties(3, 32, 1, 0),
                pool.setProperties(new AllocatorProperties(3, 32, 1, 0)));
    }
}
