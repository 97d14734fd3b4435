package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memallocator.Fixtures.assertHResult;
import static org.memallocator.Fixtures.committed;
import static org.memallocator.HResult.E_POINTER;
import static org.memallocator.HResult.S_OK;
import static org.memallocator.HResult.VFW_E_BUFFER_OVERFLOW;
import static org.memallocator.HResult.VFW_E_MEDIA_TIME_NOT_SET;
import static org.memallocator.HResult.VFW_E_SAMPLE_TIME_NOT_SET;
import static org.memallocator.HResult.VFW_S_NO_STOP_TIME;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code IMediaSample}: reference §2.9, §2.10, gotchas 12, 14–17, 21. One buffer, so recycling returns the same sample. */
@Timeout(10)
class MediaSampleTest {

    private static final int SIZE = 100;

    private MonitorMemAllocator allocator;
    private MediaSample sample;

    @BeforeEach
    void getSample() throws InterruptedException {
        allocator = committed(1, SIZE);
        sample = allocator.getBuffer(0);
    }

    @AfterEach
    void releaseSample() {
        if (allocator.outstandingCount() > 0) {
            sample.release();
        }
        Fixtures.assertAllBack(allocator, 1);
    }

    /** A sample that comes back from a round trip through the free list. */
    private MediaSample recycle() throws InterruptedException {
        assertEquals(0, sample.release());
        MediaSample again = allocator.getBuffer(0);
        assertSame(sample, again);
        return again;
    }

    /** Gotcha 21: actual length = size, no times, no flags, no media type. */
    @Test
    void freshSampleHasFullLengthNoTimesNoFlags() {
        assertEquals(SIZE, sample.size());
        assertEquals(SIZE, sample.actualDataLength());
        assertHResult(VFW_E_SAMPLE_TIME_NOT_SET, sample::time);
        assertHResult(VFW_E_MEDIA_TIME_NOT_SET, sample::mediaTime);
        assertFalse(sample.isSyncPoint());
        assertFalse(sample.isPreroll());
        assertFalse(sample.isDiscontinuity());
        assertNull(sample.mediaType());
    }

    /** Fresh time values are 0: start only makes the range 0..1. */
    @Test
    void freshTimesAreZero() {
        sample.setTime(0L, null);
        assertEquals(new MediaSample.TimeRange(0, 1, VFW_S_NO_STOP_TIME), sample.time());
    }

    @Test
    void addRefAndReleaseReturnNewCount() {
        assertEquals(2, sample.addRef());
        assertEquals(3, sample.addRef());
        assertEquals(2, sample.release());
        assertEquals(1, sample.release());
        assertEquals(1, allocator.outstandingCount(), "not back before the final release");
        assertEquals(0, sample.release());
        assertEquals(1, allocator.freeCount());
    }

    /** GetPointer: the size bytes after the prefix, a fresh view each call over the same memory. */
    @Test
    void pointerIsFreshViewOfSameMemory() {
        ByteBuffer first = sample.pointer();
        first.put((byte) 42);
        ByteBuffer second = sample.pointer();
        assertNotSame(first, second);
        assertEquals(0, second.position());
        assertEquals(SIZE, second.limit());
        assertEquals(42, second.get(0));
    }

    /** Gotcha 16: both bounds; nothing changes on overflow. */
    @ParameterizedTest
    @ValueSource(ints = {-1, SIZE + 1, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void actualDataLengthOutsideZeroToSizeIsBufferOverflow(int length) {
        sample.setActualDataLength(7);
        assertHResult(VFW_E_BUFFER_OVERFLOW, () -> sample.setActualDataLength(length));
        assertEquals(7, sample.actualDataLength());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, SIZE})
    void actualDataLengthFromZeroToSizeIsStored(int length) {
        sample.setActualDataLength(length);
        assertEquals(length, sample.actualDataLength());
    }

    @Test
    void timeWithStartAndEndIsOk() {
        sample.setTime(10L, 20L);
        assertEquals(new MediaSample.TimeRange(10, 20, S_OK), sample.time());
    }

    /** Gotcha 14: start only gives VFW_S_NO_STOP_TIME, a success code, with end = start + 1. */
    @Test
    void timeWithStartOnlyIsNoStopTimeWithEndStartPlusOne() {
        sample.setTime(10L, null);
        MediaSample.TimeRange time = sample.time();
        assertEquals(new MediaSample.TimeRange(10, 11, VFW_S_NO_STOP_TIME), time);
        assertTrue(time.result().succeeded());
    }

    /** SetTime(null, x) clears both times. */
    @Test
    void setTimeWithoutStartClearsBoth() {
        sample.setTime(10L, 20L);
        sample.setTime(null, 30L);
        assertHResult(VFW_E_SAMPLE_TIME_NOT_SET, sample::time);
    }

    /** SetTime(x, null) clears the stop time. */
    @Test
    void setTimeWithoutEndClearsStop() {
        sample.setTime(10L, 20L);
        sample.setTime(15L, null);
        assertEquals(new MediaSample.TimeRange(15, 16, VFW_S_NO_STOP_TIME), sample.time());
    }

    @Test
    void mediaTimeRoundTrips() {
        sample.setMediaTime(100L, 200L);
        assertEquals(new MediaSample.TimeRange(100, 200, S_OK), sample.mediaTime());
    }

    /** 64-bit media times (Microsoft truncates the range to a 32-bit offset). */
    @Test
    void mediaTimeKeepsRangesBeyond32Bits() {
        sample.setMediaTime(0L, 1L << 40);
        assertEquals(1L << 40, sample.mediaTime().end());
    }

    /** Gotcha 15: a media start without an end is E_POINTER and changes nothing. */
    @Test
    void mediaTimeStartWithoutEndIsPointerErrorAndChangesNothing() {
        assertHResult(E_POINTER, () -> sample.setMediaTime(5L, null));
        assertHResult(VFW_E_MEDIA_TIME_NOT_SET, sample::mediaTime);
        sample.setMediaTime(100L, 200L);
        assertHResult(E_POINTER, () -> sample.setMediaTime(5L, null));
        assertEquals(new MediaSample.TimeRange(100, 200, S_OK), sample.mediaTime());
    }

    @Test
    void setMediaTimeWithoutStartClearsIt() {
        sample.setMediaTime(100L, 200L);
        sample.setMediaTime(null, null);
        assertHResult(VFW_E_MEDIA_TIME_NOT_SET, sample::mediaTime);
    }

    @Test
    void flagsRoundTrip() {
        sample.setSyncPoint(true);
        sample.setPreroll(true);
        sample.setDiscontinuity(true);
        assertTrue(sample.isSyncPoint() && sample.isPreroll() && sample.isDiscontinuity());
        sample.setSyncPoint(false);
        assertFalse(sample.isSyncPoint());
        assertTrue(sample.isPreroll() && sample.isDiscontinuity());
    }

    /** Gotcha 17: no type reads as null (S_FALSE); setting null clears it. */
    @Test
    void mediaTypeSetAndCleared() {
        Object type = "video/x-raw";
        sample.setMediaType(type);
        assertSame(type, sample.mediaType());
        sample.setMediaType(null);
        assertNull(sample.mediaType());
    }

    /**
     * Gotcha 12: the final release clears sync point, preroll, discontinuity, both times' valid
     * flags, media time and media type, and keeps the actual length.
     */
    @Test
    void recyclingClearsPerUsePropertiesButKeepsActualLength() throws InterruptedException {
        sample.setActualDataLength(37);
        sample.setTime(10L, 20L);
        sample.setMediaTime(1L, 2L);
        sample.setSyncPoint(true);
        sample.setPreroll(true);
        sample.setDiscontinuity(true);
        sample.setMediaType("audio/x-raw");
        MediaSample again = recycle();
        assertEquals(37, again.actualDataLength());
        assertHResult(VFW_E_SAMPLE_TIME_NOT_SET, again::time);
        assertHResult(VFW_E_MEDIA_TIME_NOT_SET, again::mediaTime);
        assertFalse(again.isSyncPoint());
        assertFalse(again.isPreroll());
        assertFalse(again.isDiscontinuity());
        assertNull(again.mediaType());
        assertEquals(SIZE, again.size());
    }

    /** Contents are not cleared on recycling: the memory is handed out as it was left. */
    @Test
    void recyclingKeepsBufferContents() throws InterruptedException {
        sample.pointer().put(0, (byte) 9);
        assertEquals(9, recycle().pointer().get(0));
    }

    /** Only the final release recycles. */
    @Test
    void nonFinalReleaseKeepsProperties() {
        sample.addRef();
        sample.setSyncPoint(true);
        assertEquals(1, sample.release());
        assertTrue(sample.isSyncPoint());
    }
}
