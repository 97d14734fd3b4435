package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memallocator.Fixtures.assertAllBack;
import static org.memallocator.Fixtures.assertFailsUnchanged;
import static org.memallocator.Fixtures.committed;
import static org.memallocator.HResult.E_INVALIDARG;
import static org.memallocator.HResult.E_POINTER;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Misuse is loud and harmless: refused with an exception, the pool's accounting unchanged, and no
 * spec step reported. Reference §2.6, gotchas 18 and 22 (where Microsoft and Wine corrupt the pool).
 */
@Timeout(10)
class MisuseTest {

    private final MonitorMemAllocator allocator = committed(2, 64);
    private final List<SpecEvent> events = new ArrayList<>();

    /** Asserts {@code misuse} throws {@code type}, changes nothing and reports no step. */
    private <X extends Throwable> X assertRefused(Class<X> type, Executable misuse) {
        Fixtures.State before = Fixtures.State.of(allocator);
        allocator.setSpecTrace(events::add);
        X thrown = assertThrows(type, misuse);
        allocator.setSpecTrace(null);
        assertEquals(List.of(), events, "misuse reported as a spec step");
        assertEquals(before, Fixtures.State.of(allocator));
        return thrown;
    }

    @Test
    void releaseBufferOfNullIsEPointer() {
        assertFailsUnchanged(allocator, E_POINTER, () -> allocator.releaseBuffer(null));
    }

    @Test
    void releaseBufferOfForeignSampleIsInvalidArg() throws InterruptedException {
        MonitorMemAllocator other = committed(1, 64);
        MediaSample foreign = other.getBuffer(0);
        MemAllocatorException refused = assertRefused(MemAllocatorException.class,
                () -> allocator.releaseBuffer(foreign));
        assertEquals(E_INVALIDARG, refused.hresult());
        assertTrue(refused.getMessage().contains("sample of another allocator"), refused.getMessage());
        foreign.release();
    }

    /** A sample that is already on the free list cannot be handed back again (gotcha 22). */
    @Test
    void releaseBufferOfFreeSampleIsInvalidArg() throws InterruptedException {
        MediaSample sample = allocator.getBuffer(0);
        sample.release();
        MemAllocatorException refused = assertRefused(MemAllocatorException.class,
                () -> allocator.releaseBuffer(sample));
        assertEquals(E_INVALIDARG, refused.hresult());
        assertTrue(refused.getMessage().contains("sample not outstanding (released twice?)"), refused.getMessage());
        assertAllBack(allocator, 2);
    }

    /** A held sample goes back through its own final release, never through ReleaseBuffer. */
    @Test
    void releaseBufferOfHeldSampleIsInvalidArg() throws InterruptedException {
        MediaSample sample = allocator.getBuffer(0);
        MemAllocatorException refused = assertRefused(MemAllocatorException.class,
                () -> allocator.releaseBuffer(sample));
        assertEquals(E_INVALIDARG, refused.hresult());
        assertTrue(refused.getMessage().contains("sample still referenced: call its release()"), refused.getMessage());
        assertEquals(0, sample.release());
        assertAllBack(allocator, 2);
    }

    @Test
    void releasingTwiceThrowsNamingTheCause() throws InterruptedException {
        MediaSample sample = allocator.getBuffer(0);
        sample.release();
        IllegalStateException e = assertRefused(IllegalStateException.class, sample::release);
        assertTrue(e.getMessage().contains("released twice"), e.getMessage());
        assertAllBack(allocator, 2);
    }

    /** A second release must not hand the buffer back while someone else now holds it. */
    @Test
    void releasingTwiceNeverHandsBackTwice() throws InterruptedException {
        MediaSample a = allocator.getBuffer(0);
        MediaSample b = allocator.getBuffer(0);
        a.release();
        b.release();
        assertRefused(IllegalStateException.class, a::release);
        assertEquals(2, allocator.freeCount());
    }

    @Test
    void addRefAfterFinalReleaseThrows() throws InterruptedException {
        MediaSample sample = allocator.getBuffer(0);
        sample.release();
        assertRefused(IllegalStateException.class, sample::addRef);
    }

    /** Every accessor of a sample whose count is 0 throws. */
    @Test
    void everyAccessorAfterFinalReleaseThrows() throws InterruptedException {
        MediaSample sample = allocator.getBuffer(0);
        sample.release();
        List<Executable> accessors = List.of(sample::pointer, sample::size,
                sample::actualDataLength, () -> sample.setActualDataLength(0), sample::time,
                () -> sample.setTime(1L, 2L), sample::mediaTime, () -> sample.setMediaTime(1L, 2L),
                sample::isSyncPoint, () -> sample.setSyncPoint(true), sample::isPreroll,
                () -> sample.setPreroll(true), sample::isDiscontinuity,
                () -> sample.setDiscontinuity(true), sample::mediaType, () -> sample.setMediaType("x"));
        for (Executable accessor : accessors) {
            assertRefused(IllegalStateException.class, accessor);
        }
    }

    /** A sample of a finished commit cycle is dead, even after a new Commit. */
    @Test
    void sampleOfDroppedMemoryIsDead() throws InterruptedException {
        MediaSample old = allocator.getBuffer(0);
        old.release();
        allocator.decommit();
        allocator.commit();
        assertRefused(IllegalStateException.class, old::release);
        assertRefused(IllegalStateException.class, old::pointer);
        assertEquals(E_INVALIDARG, assertRefused(MemAllocatorException.class,
                () -> allocator.releaseBuffer(old)).hresult());
        assertAllBack(allocator, 2);
    }

    /** The documented limit: a stale reference to a sample handed out again acts as the new holder's. */
    @Test
    void staleReferenceToReissuedSampleCannotBeDetected() throws InterruptedException {
        MediaSample stale = allocator.getBuffer(0);
        stale.release();
        MediaSample reissued = allocator.getBuffer(0);
        assertTrue(stale == reissued);
        assertEquals(0, stale.release(), "indistinguishable from the holder's own release");
        assertAllBack(allocator, 2);
    }
}
