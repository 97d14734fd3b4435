package org.memallocator.tlc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The launcher forks TLC and reports its verdict, counts and counterexample faithfully. */
class TlcLauncherTest {

    private static final Path DIR = Path.of("src", "test", "resources", "tlc");
    private final TlcLauncher tlc = new TlcLauncher(Path.of("target", "tlc-test"), Duration.ofMinutes(2));

    private TlcResult check(String module, String cfg) {
        return tlc.check(DIR.resolve(module + ".tla"), DIR.resolve(cfg + ".cfg"), 1);
    }

    @Test
    void passingModelReportsSuccessWithStateCountAndDepth() {
        TlcResult r = check("Bounded", "Bounded");
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(TlcOutcome.SUCCESS, r.outcome());
        assertEquals(4, r.distinctStates());
        assertEquals(4, r.depth());
        assertNull(r.violation());
        assertEquals("", r.errorTrace());
    }

    @Test
    void invariantViolationExitsTwelveWithTheCounterexample() {
        TlcResult r = check("Counter", "Counter");
        assertEquals(12, r.exitCode(), r.output());
        assertEquals(TlcOutcome.SAFETY_VIOLATED, r.outcome());
        assertEquals("Invariant BelowThree", r.violation());
        assertTrue(r.errorTrace().startsWith("Error: Invariant BelowThree is violated."), r.errorTrace());
        assertTrue(r.errorTrace().contains("State 4:"), r.errorTrace());
        assertTrue(r.errorTrace().contains("x = 3"), r.errorTrace());
    }

    @Test
    void deadlockExitsEleven() {
        TlcResult r = check("Deadlock", "Deadlock");
        assertEquals(11, r.exitCode(), r.output());
        assertEquals(TlcOutcome.DEADLOCK, r.outcome());
        assertEquals("Deadlock", r.violation());
        assertTrue(r.errorTrace().contains("x = 2"), r.errorTrace());
    }

    @Test
    void parseErrorExitsOneFiftyWithSanysMessage() {
        TlcResult r = check("Broken", "Broken");
        assertEquals(150, r.exitCode(), r.output());
        assertEquals(TlcOutcome.PARSE_ERROR, r.outcome());
        assertTrue(r.errorTrace().contains("Parse Error") || r.errorTrace().contains("Encountered"), r.output());
        assertTrue(r.output().contains("Broken"), r.output());
    }

    @Test
    void runsDoNotShareTemporaryDirectories() {
        TlcResult a = check("Bounded", "Bounded");
        TlcResult b = check("Bounded", "Bounded");
        String tmpA = a.command().stream().filter(s -> s.startsWith("-Djava.io.tmpdir=")).findFirst().orElseThrow();
        String tmpB = b.command().stream().filter(s -> s.startsWith("-Djava.io.tmpdir=")).findFirst().orElseThrow();
        assertTrue(!tmpA.equals(tmpB), tmpA);
        assertTrue(a.command().contains("-metadir"), a.command().toString());
    }

    /**
     * TLC's -continue prints a counterexample for every violating state (hundreds of megabytes on
     * the larger mutants): the collector keeps the first 8 Mi characters, then each distinct Error:
     * line once and the statistics, so the caller's heap is not exhausted and the verdict and counts
     * still parse.
     */
    @Test
    void hugeOutputKeepsEveryDistinctViolationAndTheStatisticsInBoundedMemory() throws Exception {
        String counterexample = "Error: Invariant First is violated.\n" + "State 1: x = 1\n".repeat(200)
                + "Error: Action property Second is violated.\n" + "State 2: x = 2\n".repeat(200);
        StringBuilder out = new StringBuilder();
        while (out.length() < 3 * TlcLauncher.StreamCollector.KEPT_CHARS) {
            out.append(counterexample);
        }
        out.append("Error: Invariant Third is violated.\n")
                .append("35697421 states generated, 338670 distinct states found, 0 states left on queue.\n")
                .append("The depth of the complete state graph search is 18.\n");
        TlcLauncher.StreamCollector collector = new TlcLauncher.StreamCollector(
                new java.io.ByteArrayInputStream(out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        collector.start();
        collector.join(60_000);
        String kept = collector.text();
        assertTrue(kept.length() < TlcLauncher.StreamCollector.KEPT_CHARS + 4096, "kept " + kept.length() + " chars");
        assertTrue(kept.contains("Error: Invariant Third is violated."), "a violation first seen after the cut");
        assertTrue(kept.contains("further lines of TLC output dropped"), "the cut is said");
        TlcResult r = TlcLauncher.parse(java.util.List.of("tlc"), 0, Duration.ZERO, kept);
        assertEquals(338670, r.distinctStates());
        assertEquals(35697421, r.generatedStates());
        assertEquals(18, r.depth());
        assertEquals("Invariant First", r.violation());
    }
}
