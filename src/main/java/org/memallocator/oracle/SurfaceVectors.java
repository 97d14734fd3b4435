package org.memallocator.oracle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.memallocator.AllocatorProperties;
import org.memallocator.HResult;
import org.memallocator.MemAllocator;

/**
 * The hand-written conformance vectors: what the spec abstracts away and a port must still get
 * right. Properties and their rounding (PORTING.md gotchas 8-11), the arithmetic edge cases a port
 * can get wrong (PORTING.md section 2, "Arithmetic": negative and zero sizes, prefixes and counts,
 * cbAlign 1 and 65536, rounding across INT_MAX, count times stride beyond 32 bits), the sample
 * surface (times, media times, flags, actual length, media type: gotchas 13-17 and 21), the recycle
 * rules (12), reference counts (18), AM_GBF_NOWAIT's order of checks (7), the deferred decommit and
 * its cancellation (1-4). Every step runs on the driver thread, {@code main}; every expected value is
 * computed here with {@link AllocatorProperties}' own rules (and {@code SurfaceVectorsTest} pins the
 * arithmetic ones to literal values and replays them on the executable model).
 */
final class SurfaceVectors {

    private static final AllocatorProperties ONE = new AllocatorProperties(1, 100, 8, 0);
    private static final int SIZE = ONE.rounded().cbBuffer();

    private SurfaceVectors() {
    }

    static List<ObjectNode> all() {
        return List.of(properties(), freshSample(), times(), mediaTimes(), flags(), actualLength(), mediaType(),
                recycle(), getBufferTimes(), refCount(), noWaitOrder(), deferredDecommit(), idempotent(),
                rounding(), commitLayout(), alignmentExtremes());
    }

    /** Builds the steps of one vector. */
    private static final class B {
        private final String name;
        private final String description;
        private final List<ObjectNode> steps = new ArrayList<>();

        B(String name, String description) {
            this.name = "surface-" + name;
            this.description = description;
        }

        B step(String op, ObjectNode args, ObjectNode expect) {
            ObjectNode s = VectorJson.obj("step", steps.size() + 1, "thread", "main", "op", op);
            s.set("args", args == null ? VectorJson.obj() : args);
            s.set("expect", expect);
            steps.add(s);
            return this;
        }

        B setProperties(AllocatorProperties request, String hr) {
            return step("SetProperties", VectorJson.obj("request", request),
                    VectorJson.obj("hr", hr, "props", hr.equals("S_OK") ? request.rounded() : null));
        }

        B getProperties(AllocatorProperties expected) {
            return step("GetProperties", null, VectorJson.obj("hr", "S_OK", "props", expected));
        }

        B commit(String hr, boolean allocates) {
            return step("Commit", null, VectorJson.obj("hr", hr, "allocates", allocates ? Boolean.TRUE : null));
        }

        B decommit() {
            return step("Decommit", null, VectorJson.obj("hr", "S_OK"));
        }

        B get(int flags, String sample, List<String> free) {
            return step("GetBuffer", VectorJson.obj("flags", flags), VectorJson.obj("hr", "S_OK", "sample", sample, "free", free));
        }

        B getFails(int flags, String hr) {
            return step("GetBuffer", VectorJson.obj("flags", flags), VectorJson.obj("hr", hr));
        }

        /** SetProperties {1, 100, 8, 0}, Commit, GetBuffer: sample s1 held. */
        B oneSample() {
            return setProperties(ONE, "S_OK").commit("S_OK", true).get(0, "s1", List.of("s1"));
        }

        B sample(String op, String sample, ObjectNode expect) {
            return step(op, VectorJson.obj("sample", sample), expect);
        }

        B sample(String op, String sample, ObjectNode args, ObjectNode expect) {
            ObjectNode a = VectorJson.obj("sample", sample);
            a.setAll(args);
            return step(op, a, expect);
        }

        /** Reads back what a sample shows with nothing set: no times, no media times, no flags, no media type. */
        B nothingSet(String sample) {
            return sample("GetTime", sample, hr("VFW_E_SAMPLE_TIME_NOT_SET"))
                    .sample("GetMediaTime", sample, hr("VFW_E_MEDIA_TIME_NOT_SET"))
                    .sample("IsSyncPoint", sample, hr("S_FALSE"))
                    .sample("IsPreroll", sample, hr("S_FALSE"))
                    .sample("IsDiscontinuity", sample, hr("S_FALSE"))
                    .sample("GetMediaType", sample, hr("S_FALSE"));
        }

        B refs(String op, String sample, int refs) {
            return sample(op, sample, VectorJson.obj("hr", "S_OK", "refs", refs));
        }

        ObjectNode vector() {
            return VectorJson.obj("format", VectorGenerator.FORMAT, "name", name, "description", description,
                    "threads", List.of(), "requires", List.of(), "steps", steps);
        }
    }

    private static ObjectNode ok() {
        return VectorJson.obj("hr", "S_OK");
    }

    private static ObjectNode hr(String hr) {
        return VectorJson.obj("hr", hr);
    }

    /** {@code {"start": start, "end": end}}, either possibly JSON null. */
    private static ObjectNode range(Long start, Long end) {
        ObjectNode a = VectorJson.obj();
        if (start == null) {
            a.putNull("start");
        } else {
            a.put("start", start);
        }
        if (end == null) {
            a.putNull("end");
        } else {
            a.put("end", end);
        }
        return a;
    }

    private static ObjectNode time(String hr, long start, long end) {
        return VectorJson.obj("hr", hr, "start", start, "end", end);
    }

    private static ObjectNode flag(boolean value) {
        return VectorJson.obj("value", value);
    }

    // ------------------------------------------------------------ the cases

    static ObjectNode properties() {
        AllocatorProperties prefixed = new AllocatorProperties(1, 1, 16, 1);
        AllocatorProperties zeroSize = new AllocatorProperties(1, 0, 16, 16);
        AllocatorProperties negativePrefix = new AllocatorProperties(1, 100, 8, -8);
        AllocatorProperties noBuffers = new AllocatorProperties(0, 100, 8, 0);
        AllocatorProperties two = new AllocatorProperties(2, 100, 8, 4);
        return new B("properties", "SetProperties/GetProperties: all zero at first; rounding of cbBuffer + cbPrefix "
                + "up to cbAlign (the prefix counts); a refused request changes nothing; Commit's VFW_E_SIZENOTSET "
                + "(count 0, rounded size 0) and E_OUTOFMEMORY (negative prefix); ALREADY_COMMITTED, and "
                + "BUFFERS_OUTSTANDING while a decommit is pending (PORTING.md gotchas 2, 8-11)")
                .getProperties(AllocatorProperties.NONE)
                .commit("VFW_E_SIZENOTSET", false)
                .setProperties(prefixed, "S_OK")
                .getProperties(prefixed.rounded())
                .setProperties(new AllocatorProperties(2, 100, 3, 0), "VFW_E_BADALIGN")
                .setProperties(new AllocatorProperties(2, 100, 0, 0), "VFW_E_BADALIGN")
                .setProperties(new AllocatorProperties(2, 100, 131072, 0), "VFW_E_BADALIGN")
                .getProperties(prefixed.rounded())
                .setProperties(zeroSize, "S_OK")
                .commit("VFW_E_SIZENOTSET", false)
                .setProperties(negativePrefix, "S_OK")
                .commit("E_OUTOFMEMORY", false)
                .setProperties(noBuffers, "S_OK")
                .commit("VFW_E_SIZENOTSET", false)
                .setProperties(two, "S_OK")
                .commit("S_OK", true)
                .setProperties(ONE, "VFW_E_ALREADY_COMMITTED")
                .getProperties(two.rounded())
                .get(0, "s1", List.of("s1", "s2"))
                .sample("GetSize", "s1", VectorJson.obj("hr", "S_OK", "size", two.rounded().cbBuffer()))
                .decommit()
                .setProperties(ONE, "VFW_E_BUFFERS_OUTSTANDING")
                .refs("Release", "s1", 0)
                .setProperties(ONE, "S_OK")
                .getProperties(ONE.rounded())
                .vector();
    }

    static ObjectNode freshSample() {
        return new B("fresh-sample", "A sample fresh from GetBuffer: size = the rounded cbBuffer, actual length = "
                + "size, no times, no media times, no flags, no media type (PORTING.md gotcha 21)")
                .oneSample()
                .sample("GetSize", "s1", VectorJson.obj("hr", "S_OK", "size", SIZE))
                .sample("GetActualDataLength", "s1", VectorJson.obj("hr", "S_OK", "length", SIZE))
                .nothingSet("s1")
                .vector();
    }

    static ObjectNode times() {
        return new B("times", "SetTime/GetTime: both times; start only gives VFW_S_NO_STOP_TIME with end = start "
                + "+ 1; a null start clears both (the end is ignored); end < start is not checked "
                + "(PORTING.md gotcha 14)")
                .oneSample()
                .sample("SetTime", "s1", range(10L, 20L), ok())
                .sample("GetTime", "s1", time("S_OK", 10, 20))
                .sample("SetTime", "s1", range(30L, null), ok())
                .sample("GetTime", "s1", time("VFW_S_NO_STOP_TIME", 30, 31))
                .sample("SetTime", "s1", range(null, null), ok())
                .sample("GetTime", "s1", hr("VFW_E_SAMPLE_TIME_NOT_SET"))
                .sample("SetTime", "s1", range(40L, 50L), ok())
                .sample("SetTime", "s1", range(null, 60L), ok())
                .sample("GetTime", "s1", hr("VFW_E_SAMPLE_TIME_NOT_SET"))
                .sample("SetTime", "s1", range(-5L, -10L), ok())
                .sample("GetTime", "s1", time("S_OK", -5, -10))
                .vector();
    }

    static ObjectNode mediaTimes() {
        long big = 1L << 33;
        return new B("media-times", "SetMediaTime/GetMediaTime: a start without an end is E_POINTER and changes "
                + "nothing; a null start clears them; ranges of 2^31 and more are kept whole (64-bit, as Wine; "
                + "Microsoft keeps a 32-bit offset) (PORTING.md gotcha 15)")
                .oneSample()
                .sample("SetMediaTime", "s1", range(100L, 200L), ok())
                .sample("GetMediaTime", "s1", time("S_OK", 100, 200))
                .sample("SetMediaTime", "s1", range(5L, null), hr("E_POINTER"))
                .sample("GetMediaTime", "s1", time("S_OK", 100, 200))
                .sample("SetMediaTime", "s1", range(0L, big), ok())
                .sample("GetMediaTime", "s1", time("S_OK", 0, big))
                .sample("SetMediaTime", "s1", range(null, null), ok())
                .sample("GetMediaTime", "s1", hr("VFW_E_MEDIA_TIME_NOT_SET"))
                .vector();
    }

    static ObjectNode flags() {
        return new B("flags", "SetSyncPoint/SetPreroll/SetDiscontinuity and their Is* (S_OK set, S_FALSE clear), "
                + "each independent of the others; the final Release clears all three (PORTING.md gotcha 12)")
                .oneSample()
                .sample("SetSyncPoint", "s1", flag(true), ok())
                .sample("IsSyncPoint", "s1", hr("S_OK"))
                .sample("IsPreroll", "s1", hr("S_FALSE"))
                .sample("IsDiscontinuity", "s1", hr("S_FALSE"))
                .sample("SetPreroll", "s1", flag(true), ok())
                .sample("IsPreroll", "s1", hr("S_OK"))
                .sample("SetDiscontinuity", "s1", flag(true), ok())
                .sample("IsDiscontinuity", "s1", hr("S_OK"))
                .sample("SetSyncPoint", "s1", flag(false), ok())
                .sample("IsSyncPoint", "s1", hr("S_FALSE"))
                .sample("IsPreroll", "s1", hr("S_OK"))
                .sample("SetPreroll", "s1", flag(false), ok())
                .sample("IsPreroll", "s1", hr("S_FALSE"))
                .sample("SetDiscontinuity", "s1", flag(false), ok())
                .sample("IsDiscontinuity", "s1", hr("S_FALSE"))
                .vector();
    }

    static ObjectNode actualLength() {
        return new B("actual-length", "SetActualDataLength accepts 0..GetSize() only, else VFW_E_BUFFER_OVERFLOW "
                + "with nothing changed, also for -1, INT_MIN and INT_MAX (Microsoft accepts negative lengths) "
                + "(PORTING.md gotcha 16)")
                .oneSample()
                .sample("SetActualDataLength", "s1", VectorJson.obj("length", 0), ok())
                .sample("GetActualDataLength", "s1", VectorJson.obj("hr", "S_OK", "length", 0))
                .sample("SetActualDataLength", "s1", VectorJson.obj("length", SIZE), ok())
                .sample("GetActualDataLength", "s1", VectorJson.obj("hr", "S_OK", "length", SIZE))
                .sample("SetActualDataLength", "s1", VectorJson.obj("length", SIZE + 1), hr("VFW_E_BUFFER_OVERFLOW"))
                .sample("GetActualDataLength", "s1", VectorJson.obj("hr", "S_OK", "length", SIZE))
                .sample("SetActualDataLength", "s1", VectorJson.obj("length", -1), hr("VFW_E_BUFFER_OVERFLOW"))
                .sample("SetActualDataLength", "s1", VectorJson.obj("length", Integer.MIN_VALUE), hr("VFW_E_BUFFER_OVERFLOW"))
                .sample("SetActualDataLength", "s1", VectorJson.obj("length", Integer.MAX_VALUE), hr("VFW_E_BUFFER_OVERFLOW"))
                .sample("GetActualDataLength", "s1", VectorJson.obj("hr", "S_OK", "length", SIZE))
                .sample("SetActualDataLength", "s1", VectorJson.obj("length", 42), ok())
                .sample("GetActualDataLength", "s1", VectorJson.obj("hr", "S_OK", "length", 42))
                .vector();
    }

    static ObjectNode mediaType() {
        ObjectNode none = VectorJson.obj();
        none.putNull("mediaType");
        return new B("media-type", "SetMediaType/GetMediaType: S_FALSE when there is none; SetMediaType(NULL) "
                + "is S_OK and removes it (PORTING.md gotcha 17). Media types are opaque strings here.")
                .oneSample()
                .sample("SetMediaType", "s1", VectorJson.obj("mediaType", "video/x-test"), ok())
                .sample("GetMediaType", "s1", VectorJson.obj("hr", "S_OK", "mediaType", "video/x-test"))
                .sample("SetMediaType", "s1", none, ok())
                .sample("GetMediaType", "s1", hr("S_FALSE"))
                .vector();
    }

    static ObjectNode recycle() {
        return new B("recycle", "The final Release clears the flags, both time-valid flags, the media time and the "
                + "media type, and keeps the actual length; the one buffer comes back as the same sample "
                + "(PORTING.md gotcha 12)")
                .oneSample()
                .sample("SetActualDataLength", "s1", VectorJson.obj("length", 23), ok())
                .sample("SetTime", "s1", range(1L, 2L), ok())
                .sample("SetMediaTime", "s1", range(3L, 4L), ok())
                .sample("SetSyncPoint", "s1", flag(true), ok())
                .sample("SetPreroll", "s1", flag(true), ok())
                .sample("SetDiscontinuity", "s1", flag(true), ok())
                .sample("SetMediaType", "s1", VectorJson.obj("mediaType", "audio/x-test"), ok())
                .refs("Release", "s1", 0)
                .get(0, "s1", List.of("s1"))
                .sample("GetActualDataLength", "s1", VectorJson.obj("hr", "S_OK", "length", 23))
                .sample("GetSize", "s1", VectorJson.obj("hr", "S_OK", "size", SIZE))
                .nothingSet("s1")
                .vector();
    }

    static ObjectNode getBufferTimes() {
        return new B("getbuffer-times", "GetBuffer ignores its start and end times: the sample has no time set "
                + "(PORTING.md gotcha 13)")
                .setProperties(ONE, "S_OK")
                .commit("S_OK", true)
                .step("GetBuffer", VectorJson.obj("flags", 0, "startTime", 1000L, "endTime", 2000L),
                        VectorJson.obj("hr", "S_OK", "sample", "s1", "free", List.of("s1")))
                .sample("GetTime", "s1", hr("VFW_E_SAMPLE_TIME_NOT_SET"))
                .vector();
    }

    static ObjectNode refCount() {
        return new B("refcount", "AddRef and Release return the new count; the final Release (0) hands the "
                + "buffer back, and GetBuffer gives it out again with count 1 (PORTING.md gotcha 18)")
                .oneSample()
                .refs("AddRef", "s1", 2)
                .refs("AddRef", "s1", 3)
                .refs("Release", "s1", 2)
                .getFails(MemAllocator.AM_GBF_NOWAIT, "VFW_E_TIMEOUT")
                .refs("Release", "s1", 1)
                .refs("Release", "s1", 0)
                .get(MemAllocator.AM_GBF_NOWAIT, "s1", List.of("s1"))
                .refs("AddRef", "s1", 2)
                .refs("Release", "s1", 1)
                .refs("Release", "s1", 0)
                .vector();
    }

    static ObjectNode noWaitOrder() {
        return new B("nowait-order", "AM_GBF_NOWAIT: VFW_E_NOT_COMMITTED before VFW_E_TIMEOUT, also while a "
                + "decommit is pending; Commit during a pending decommit cancels it without allocating, and the "
                + "sample that comes back is handed out again (PORTING.md gotchas 2, 3, 7)")
                .getFails(MemAllocator.AM_GBF_NOWAIT, "VFW_E_NOT_COMMITTED")
                .oneSample()
                .getFails(MemAllocator.AM_GBF_NOWAIT, "VFW_E_TIMEOUT")
                .decommit()
                .getFails(MemAllocator.AM_GBF_NOWAIT, "VFW_E_NOT_COMMITTED")
                .getFails(0, "VFW_E_NOT_COMMITTED")
                .commit("S_OK", false)
                .getFails(MemAllocator.AM_GBF_NOWAIT, "VFW_E_TIMEOUT")
                .refs("Release", "s1", 0)
                .get(MemAllocator.AM_GBF_NOWAIT, "s1", List.of("s1"))
                .vector();
    }

    static ObjectNode deferredDecommit() {
        return new B("deferred-decommit", "Decommit with samples out returns S_OK at once; the samples stay usable "
                + "until their final Release; the last one completes the decommit and the memory goes, so the next "
                + "Commit allocates anew (PORTING.md gotcha 1)")
                .setProperties(new AllocatorProperties(2, 100, 8, 0), "S_OK")
                .commit("S_OK", true)
                .get(0, "s1", List.of("s1", "s2"))
                .get(0, "s2", List.of("s2"))
                .decommit()
                .sample("SetActualDataLength", "s2", VectorJson.obj("length", 10), ok())
                .sample("GetActualDataLength", "s2", VectorJson.obj("hr", "S_OK", "length", 10))
                .refs("Release", "s1", 0)
                .getFails(0, "VFW_E_NOT_COMMITTED")
                .refs("Release", "s2", 0)
                .getFails(0, "VFW_E_NOT_COMMITTED")
                .decommit()
                .commit("S_OK", true)
                .get(0, "s1", List.of("s1", "s2"))
                .vector();
    }

    static ObjectNode idempotent() {
        return new B("idempotent", "Commit and Decommit are idempotent: a second call returns S_OK and changes "
                + "nothing (PORTING.md gotcha 4)")
                .setProperties(ONE, "S_OK")
                .commit("S_OK", true)
                .commit("S_OK", false)
                .get(0, "s1", List.of("s1"))
                .getFails(MemAllocator.AM_GBF_NOWAIT, "VFW_E_TIMEOUT")
                .decommit()
                .decommit()
                .refs("Release", "s1", 0)
                .decommit()
                .getFails(MemAllocator.AM_GBF_NOWAIT, "VFW_E_NOT_COMMITTED")
                .vector();
    }

    // ------------------------------------------------------------ arithmetic edge cases

    /** Requests whose rounding a port can get wrong, each granted as {@link AllocatorProperties#rounded()}. */
    static final List<AllocatorProperties> ROUNDING = List.of(
            new AllocatorProperties(1, 100, 1, 0),                  // cbAlign 1: no rounding
            new AllocatorProperties(1, 7, 1, 3),
            new AllocatorProperties(1, 1, 65536, 0),                // cbAlign 65536
            new AllocatorProperties(1, 1, 65536, 100),              // the prefix counts: 65536 - 100
            new AllocatorProperties(1, 0, 16, 0),                   // zero size stays 0
            new AllocatorProperties(1, -5, 8, 0),                   // negative sum: ceiling 0 (C's % gives 8)
            new AllocatorProperties(1, -20, 8, 0),                  // ceiling -16 (C's % gives -8)
            new AllocatorProperties(1, -5, 8, -3),                  // negative sum and prefix: -5
            new AllocatorProperties(1, 100, 8, -3),                 // negative prefix: 97 up to 104, + 3
            new AllocatorProperties(0, 100, 8, 0),                  // counts are echoed, not validated
            new AllocatorProperties(-3, 100, 8, 0),
            new AllocatorProperties(1, Integer.MAX_VALUE, 8, 0),    // rounds up past INT_MAX: saturated
            new AllocatorProperties(1, Integer.MAX_VALUE - 1, 4, 0),
            new AllocatorProperties(1, Integer.MAX_VALUE - 7, 16, 8), // the sum is 2^31 (wraps in 32 bits); exact
            new AllocatorProperties(1, 100, 65536, Integer.MAX_VALUE), // the sum needs 64 bits: 65537
            new AllocatorProperties(1, Integer.MIN_VALUE, 8, 0),    // INT_MIN stays
            new AllocatorProperties(1, Integer.MIN_VALUE, 8, -1));  // the sum is below INT_MIN: -2147483647

    static ObjectNode rounding() {
        B b = new B("rounding", "SetProperties' rounding at its edges: cbAlign 1 and 65536; zero and negative "
                + "sizes and prefixes (a true ceiling: for cbBuffer -5, cbAlign 8 the size is 0, where Microsoft's "
                + "% gives 8); counts echoed unvalidated; sums computed in 64 bits; a size rounded past INT_MAX "
                + "saturated at INT_MAX (PORTING.md section 2, Arithmetic)");
        for (AllocatorProperties request : ROUNDING) {
            b.setProperties(request, "S_OK").getProperties(request.rounded());
        }
        return b.vector();
    }

    /** Stored properties Commit must refuse (or accept), each with {@link AllocatorProperties#commitError()}. */
    static final List<AllocatorProperties> LAYOUTS = List.of(
            new AllocatorProperties(0, 100, 8, 0),                  // no buffers
            new AllocatorProperties(-1, 100, 8, 0),                 // a negative count
            new AllocatorProperties(1, 0, 16, 0),                   // zero size
            new AllocatorProperties(1, -5, 8, 0),                   // rounded to 0
            new AllocatorProperties(1, -20, 8, 0),                  // rounded to -16
            new AllocatorProperties(1, -5, 8, -3),                  // size before prefix: VFW_E_SIZENOTSET
            new AllocatorProperties(1, 100, 8, -3),                 // a negative prefix
            new AllocatorProperties(1, Integer.MAX_VALUE, 8, 0),    // saturated: the block needs the slack
            new AllocatorProperties(2, 1 << 30, 1, 0),              // count * stride = 2^31
            new AllocatorProperties(65536, 65536, 1, 0),            // count * stride = 2^32: 0 in 32 bits
            new AllocatorProperties(3, 1431655766, 2, 0),           // 2^32 + 2: 2 in 32 bits
            new AllocatorProperties(1, Integer.MAX_VALUE - 99, 1, 100), // the stride alone passes INT_MAX
            new AllocatorProperties(1, Integer.MAX_VALUE - 7, 16, 8), // stride 2^31
            new AllocatorProperties(2, 1, 1, 0));                   // fits: S_OK

    static ObjectNode commitLayout() {
        B b = new B("commit-layout", "Commit's layout checks, in 64 bits: VFW_E_SIZENOTSET for a count or rounded "
                + "size <= 0 (checked first), E_OUTOFMEMORY for a negative prefix or a block of count * (size + "
                + "prefix) + cbAlign - 1 bytes above INT_MAX, including products that wrap to small numbers in 32 "
                + "bits (PORTING.md section 2, Arithmetic)");
        for (AllocatorProperties request : LAYOUTS) {
            HResult hr = request.rounded().commitError();
            b.setProperties(request, "S_OK").commit(hr.name(), hr == HResult.S_OK);
        }
        return b.get(0, "s1", List.of("s1", "s2"))
                .sample("GetSize", "s1", VectorJson.obj("hr", "S_OK", "size", 1))
                .vector();
    }

    static ObjectNode alignmentExtremes() {
        AllocatorProperties widest = new AllocatorProperties(2, 1, 65536, 16);
        AllocatorProperties narrowest = new AllocatorProperties(3, 5, 1, 0);
        return new B("align-extremes", "Committed buffers at the extreme alignments: cbAlign 65536 with a prefix "
                + "(size 65536 - 16 = 65520) and cbAlign 1 (size as asked) (PORTING.md section 2, Arithmetic)")
                .setProperties(widest, "S_OK")
                .commit("S_OK", true)
                .get(0, "s1", List.of("s1", "s2"))
                .sample("GetSize", "s1", VectorJson.obj("hr", "S_OK", "size", widest.rounded().cbBuffer()))
                .refs("Release", "s1", 0)
                .decommit()
                .setProperties(narrowest, "S_OK")
                .commit("S_OK", true)
                .get(0, "s1", List.of("s1", "s2", "s3"))
                .sample("GetSize", "s1", VectorJson.obj("hr", "S_OK", "size", 5))
                .refs("Release", "s1", 0)
                .vector();
    }
}
