package org.memallocator.modeltests.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memallocator.tlc.TlcLauncher;
import org.memallocator.tlc.TlcOutcome;
import org.memallocator.tlc.TlcResult;

/**
 * A configuration with a constant out of range is refused by the spec's ASSUME, with a message
 * that names the constant, before any state is explored.
 */
class SpecAssumptionsTest {

    @ParameterizedTest(name = "{0} with {1} = {2}")
    @CsvSource(delimiter = ';', value = {
        "MemAllocator;        Threads;    {}",
        "MemAllocatorMonitor; Threads;    {}",
        "MemAllocator;        MaxBuffers; 0",
        "MemAllocatorMonitor; MaxRefs;    0",
    })
    void constantOutOfRangeIsRejectedByItsAssume(String module, String constant, String value)
            throws IOException {
        String threads = constant.equals("Threads") ? value : "{t1, t2}";
        String maxBuffers = constant.equals("MaxBuffers") ? value : "2";
        String maxRefs = constant.equals("MaxRefs") ? value : "2";
        Path dir = SpecManifest.repo().resolve("target/tlc-assume");
        Files.createDirectories(dir);
        Path cfg = dir.resolve(module + "-" + constant + ".cfg");
        Files.writeString(cfg, "CONSTANTS\n"
                + "    Threads = " + threads + "\n"
                + "    MaxBuffers = " + maxBuffers + "\n"
                + "    MaxRefs = " + maxRefs + "\n"
                + "SPECIFICATION Spec\n", StandardCharsets.UTF_8);

        TlcResult r = new TlcLauncher(SpecManifest.repo().resolve("target/tlc"), Duration.ofMinutes(5))
                .check(SpecManifest.specDir().resolve(module + ".tla"), cfg, 1, "-cleanup");

        String evidence = "\n" + r.summary() + "\n---- TLC ----\n" + r.output() + "---- end ----";
        assertEquals(TlcOutcome.ASSUMPTION_VIOLATED, r.outcome(), evidence);
        assertTrue(r.output().contains("\"" + constant + " must be"),
                "the ASSUME's message names " + constant + evidence);
        assertEquals(-1, r.distinctStates(), "no state explored" + evidence);
    }
}
