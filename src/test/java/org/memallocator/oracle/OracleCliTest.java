package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.memallocator.CapturedOutput;
import org.memallocator.cli.Main;

/**
 * The oracle's subcommands, exit codes 0 / 1 / 2: {@code check-history}, {@code record},
 * {@code run-vectors}, and {@code vectors}' argument errors (generating from TLC is tested in
 * model-tests, {@code VectorsFromTlcTest}).
 */
class OracleCliTest {

    private static final String BROKEN = BrokenAllocators.class.getName() + "$";

    @TempDir
    static Path dir;

    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    @BeforeAll
    static void files() throws IOException {
        Files.writeString(dir.resolve("good.jsonl"), Histories.history().committed(1).get("t1", 1).getCall("t2", 0)
                .release("t1", 1, 0).getReturns("t2", 1).text());
        Files.writeString(dir.resolve("bad.jsonl"), Histories.history().committed(2).get("t1", 1).get("t2", 1).text());
        Files.writeString(dir.resolve("malformed.jsonl"), Histories.history().committed(1).line("{\"thread\":").text());
        VectorsTest.generate().write(dir.resolve("vectors"));
    }

    private String out() {
        return output.out();
    }

    private String err() {
        return output.err();
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    // ------------------------------------------------------------ check-history

    @Test
    void checkHistoryOfALinearizableHistoryExitsZero() {
        assertEquals(0, Main.execute("check-history", file("good.jsonl")), err());
        assertTrue(out().contains(": linearizable (10 events, 5 operations, 2 threads"), out());
    }

    @Test
    void checkHistoryOfABadHistoryExitsOneWithTheReason() {
        assertEquals(1, Main.execute("check-history", file("bad.jsonl")), err());
        assertTrue(out().contains("NOT linearizable: GetBuffer(0) by t2 (line 8) returned sample 1, but wherever it "
                + "can take effect, sample 1 was already held (reference count 1)"), out());
        assertTrue(out().contains("smallest failing prefix: the first 8 events (to line 8)"), out());
    }

    @Test
    void checkHistoryOfAMalformedHistoryIsAOneLineUsageError() {
        assertEquals(2, Main.execute("check-history", file("malformed.jsonl")));
        String e = err().strip();
        assertTrue(e.startsWith("memallocator: " + file("malformed.jsonl") + ":5: BAD_JSON: Unexpected end-of-input"), e);
        assertEquals(1, e.lines().count(), e);
    }

    @Test
    void theExampleHistoriesOfTheDocsAreJudgedAsTheySay() {
        Path examples = Path.of(System.getProperty("memallocator.repo", "."), "docs/examples/histories");
        assertEquals(0, Main.execute("check-history", examples.resolve("linearizable.jsonl").toString()), out());
        assertEquals(1, Main.execute("check-history", examples.resolve("not-linearizable.jsonl").toString()), out());
        assertTrue(out().contains("GetBuffer(0) by t2 (line 10) returned sample 2, but wherever it can take effect, "
                + "a decommit was pending (the allocator was not committed); it was called after Decommit() by t1 "
                + "returned (line 8)"), out());
        assertEquals(1, Main.execute("check-history", examples.resolve("lost-wake-up.jsonl").toString()), out());
        assertTrue(out().contains("NOT linearizable: lost wake-up: GetBuffer(0) by t2 (line 7) never returned, though "
                + "the recording ended only after 500 ms with no event: buffer 1 (sample 1) was free, put back by "
                + "Release(sample 1) by t1 (line 9), which should have woken it"), out());
    }

    @Test
    void checkHistoryOfAMissingFileIsAUsageError() {
        assertEquals(2, Main.execute("check-history", file("nowhere.jsonl")));
        assertEquals("memallocator: history file not found: " + file("nowhere.jsonl"), err().strip());
        assertEquals(2, Main.execute("check-history"));
        assertEquals(2, Main.execute("check-history", file("good.jsonl"), "--budget", "0"));
    }

    // ------------------------------------------------------------ record

    @Test
    void recordWritesAHistoryTheCheckerAccepts() throws IOException {
        Path h = dir.resolve("recorded/h.jsonl");
        assertEquals(0, Main.execute("record", "--threads", "3", "--ops", "400", "--seed", "7", "--out", h.toString()),
                err());
        assertTrue(out().startsWith("Recorded "), out());
        assertTrue(out().contains("(3 threads, 400 calls, seed 7) on MonitorMemAllocator"), out());
        assertTrue(HistoryChecker.check(History.read(h)).linearizable());
        assertEquals(0, Main.execute("record", "--ops", "400", "--out", h.toString(), "--check"), err());
        assertTrue(out().contains(": linearizable ("), out());
    }

    @Test
    void recordOfABrokenAllocatorWithCheckExitsOne() {
        Path h = dir.resolve("broken.jsonl");
        assertEquals(1, Main.execute("record", "--ops", "3000", "--out", h.toString(), "--check",
                "--implementation", BROKEN + "HandsOutTwice"), err());
        assertTrue(out().contains("on HandsOutTwice to"), out());
        assertTrue(out().contains("NOT linearizable"), out());
    }

    @Test
    void recordWithBadArgumentsExitsTwo() {
        String h = dir.resolve("x.jsonl").toString();
        assertEquals(2, Main.execute("record", "--threads", "0", "--out", h));
        assertTrue(err().contains("--threads must be from 1 to 10000 and --ops at least 1"), err());
        assertEquals(2, Main.execute("record", "--out", h, "--implementation", "no.such.Allocator"));
        assertTrue(err().contains("--implementation: no class no.such.Allocator on the classpath"), err());
        assertEquals(2, Main.execute("record", "--out", h, "--implementation", "java.lang.String"));
        assertTrue(err().contains("is not a org.memallocator.MemAllocator"), err());
        assertEquals(2, Main.execute("record"));
        assertTrue(err().contains("Missing required option: '--out=FILE'"), err());
        assertFalse(Files.exists(dir.resolve("x.jsonl")));
    }

    // ------------------------------------------------------------ run-vectors, vectors

    @Test
    void runVectorsPassesOnMonitorMemAllocator() {
        assertEquals(0, Main.execute("run-vectors", file("vectors")), err());
        assertTrue(out().matches("(?s)Ran \\d+ vectors: \\d+ passed, 0 failed, "
                + "0 skipped on MonitorMemAllocator\\s*"), out());
    }

    @Test
    void runVectorsFailsOnABrokenAllocator() {
        assertEquals(1, Main.execute("run-vectors", file("vectors"), "--implementation", BROKEN + "GetAfterDecommit"),
                err());
        assertTrue(out().contains("on GetAfterDecommit"), out());
        assertTrue(out().contains("  FAILED "), out());
    }

    @Test
    void runVectorsOfAMissingSetIsAUsageError() {
        assertEquals(2, Main.execute("run-vectors", file("nowhere")));
        assertEquals("memallocator: not a vector set (no index.json): " + file("nowhere"), err().strip());
    }

    @Test
    void vectorsWithBadArgumentsExitsTwo() throws IOException {
        assertEquals(2, Main.execute("vectors", "--out", file("v"), "--config", file("Nowhere.cfg")));
        assertEquals("memallocator: generation config file not found: " + file("Nowhere.cfg"), err().strip());
        assertEquals(2, Main.execute("vectors"));
        assertTrue(err().contains("Missing required option: '--out=DIR'"), err());
    }
}
