package org.memallocator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.memallocator.CapturedOutput;

/**
 * {@code memallocator check}: exit 0 on success, 1 with TLC's trace on a violation, 2 on bad input.
 * Besides the model, {@code check} generates and runs the conformance vectors and records and checks
 * a history; here with a tiny generation model and a short workload, to stay fast (the default
 * ones run in model-tests, {@code CheckCommandOracleTest}).
 */
class CheckCommandTest {

    private static final String DIR = "src/test/resources/tlc/";

    /** One thread, one buffer, reference counts up to 1: 48 states, a few seconds. */
    private static final String TINY_GEN = String.join("\n", "CONSTANTS", "    Threads = {t1}", "    MaxBuffers = 1",
            "    MaxRefs = 1", "SPECIFICATION Spec", "INVARIANTS TypeOK BuffersConserved", "");

    @TempDir
    static Path tmp;

    /** The options that keep the vectors and the history small. */
    private static String[] small(String... args) throws IOException {
        Path gen = tmp.resolve("TinyGen.cfg");
        Files.writeString(gen, TINY_GEN);
        String[] all = Arrays.copyOf(args, args.length + 4);
        System.arraycopy(new String[] {"--gen-config", gen.toString(), "--ops", "300"}, 0, all, args.length, 4);
        return all;
    }

    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    private String out() {
        return output.out();
    }

    private String err() {
        return output.err();
    }

    @Test
    void passingModelExitsZeroWithASummary() throws IOException {
        assertEquals(0, Main.execute(small("check", "--spec", DIR + "Bounded.tla", "--workers", "1")), err());
        assertTrue(out().contains("Result:      no error found"), out());
        assertTrue(out().contains("States:      4 distinct"), out());
        assertTrue(out().contains("Invariants:  BelowFour"), out());
        assertTrue(out().matches("(?s).*\nVectors:     \\d+ vectors: \\d+ passed, 0 failed, "
                + "0 skipped\n.*"), out());
        assertTrue(out().contains("\nHistory:     linearizable ("), out());
        assertTrue(out().contains("\nSummary:     model OK, vectors OK, history OK"), out());
    }

    @Test
    void violationExitsOneWithTlcsCounterexample() throws IOException {
        assertEquals(1, Main.execute(small("check", "--spec", DIR + "Counter.tla", "--workers", "1")));
        assertTrue(out().contains("SAFETY_VIOLATED (Invariant BelowThree)"), out());
        assertTrue(out().contains("Error: Invariant BelowThree is violated."), out());
        assertTrue(out().contains("State 4:"), out());
        assertTrue(out().contains("\nSummary:     model FAILED, vectors OK, history OK"), out());
    }

    /**
     * A history whose check ran out of its budget is undecided: exit 3 when nothing failed (it was
     * exit 1, "violation", like a history found not linearizable).
     */
    @Test
    void anUndecidedHistoryExitsThree() throws IOException {
        assertEquals(3, Main.execute(small("check", "--spec", DIR + "Bounded.tla", "--workers", "1",
                "--threads", "4", "--history-budget", "1")), out() + err());
        assertTrue(out().contains("\nHistory:     undecided"), out());
        assertTrue(out().contains("\nSummary:     model OK, vectors OK, history UNDECIDED"), out());
        assertEquals(1, Main.execute(small("check", "--spec", DIR + "Counter.tla", "--workers", "1",
                "--threads", "4", "--history-budget", "1")), out() + err());
        assertEquals(2, Main.execute("check", "--history-budget", "0"));
    }

    @Test
    void missingSpecIsAOneLineUsageError() {
        assertEquals(2, Main.execute("check", "--spec", DIR + "Nowhere.tla"));
        assertEquals("memallocator: spec file not found: " + DIR + "Nowhere.tla", err().strip());
    }

    @Test
    void missingConfigIsAOneLineUsageError() {
        assertEquals(2, Main.execute("check", "--spec", DIR + "Bounded.tla", "--config", DIR + "Nowhere.cfg"));
        assertEquals("memallocator: config file not found: " + DIR + "Nowhere.cfg", err().strip());
    }

    @Test
    void missingGenerationConfigIsAOneLineUsageError() {
        assertEquals(2, Main.execute("check", "--spec", DIR + "Bounded.tla", "--gen-config", DIR + "Nowhere.cfg"));
        assertEquals("memallocator: generation config file not found: " + DIR + "Nowhere.cfg", err().strip());
    }

    @Test
    void parseErrorNamesTheFileWithoutAStackTrace() {
        assertEquals(2, Main.execute("check", "--spec", DIR + "Broken.tla", "--workers", "1"));
        String e = err().strip();
        assertTrue(e.startsWith("memallocator: " + DIR + "Broken.tla: "), e);
        assertTrue(e.contains("TLC exit 150"), e);
        assertFalse(e.contains("\tat "), e);
        assertEquals(1, e.lines().count(), e);
    }

    @Test
    void badArgumentsPrintUsageAndExitTwo() {
        assertEquals(2, Main.execute("check", "--workers", "many"));
        assertTrue(err().contains("Usage: memallocator check"), err());
        assertEquals(2, Main.execute("frobnicate"));
        assertEquals(2, Main.execute());
    }
}
