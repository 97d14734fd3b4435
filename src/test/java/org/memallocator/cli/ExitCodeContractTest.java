package org.memallocator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memallocator.CapturedOutput;

/**
 * The command line's one exit-code contract (0 accepted, 1 violation, 2 bad input or a resource
 * limit, 3 undecided), never a stack trace, and every input checked before the long work: issue
 * 17's defects 7 and 12-15, each as it was found.
 */
@Timeout(60)
class ExitCodeContractTest {

    private static final String HISTORY = "{\"thread\":\"t1\",\"event\":\"call\",\"op\":\"Commit\"}\n"
            + "{\"thread\":\"t1\",\"event\":\"return\",\"op\":\"Commit\",\"hr\":\"VFW_E_SIZENOTSET\"}\n";

    @TempDir
    Path tmp;

    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    /** Exit 2, nothing on standard output (nothing ran), and exactly one line on standard error. */
    private String refusedInOneLine(String... args) {
        int errBefore = output.err().length();
        int outBefore = output.out().length();
        assertEquals(2, Main.execute(args), output.err());
        String err = output.err().substring(errBefore).strip();
        assertEquals(1, err.lines().count(), err);
        assertFalse(err.contains("\tat ") || err.contains("Exception:"), err);
        assertEquals("", output.out().substring(outBefore), "nothing may run before the input is checked");
        return err;
    }

    /** Defect 15: timing options out of range were "Stream closed", accepted, or "long overflow". */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "check|--timeout|0", "check|--timeout|-1", "vectors --out x|--timeout|0",
        "run-vectors .|--settle-ms|-1", "run-vectors .|--settle-ms|9223372036854775807",
        "run-vectors .|--settle-ms|0", "check|--timeout|9223372036854775807"})
    void timingOptionsOutOfRangeAreRefused(String command, String option, String value) {
        List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
        args.add(option + "=" + value);
        String err = refusedInOneLine(args.toArray(String[]::new));
        assertTrue(err.startsWith("memallocator: " + option + " must be from 1 to "), err);
        assertTrue(err.endsWith(", not " + value), err);
    }

    /** Defect 14: a malformed config ran TLC (exit 1, "-1 distinct states"), then the vectors and the history. */
    @Test
    void malformedConfigIsRefusedBeforeAnythingRuns() throws IOException {
        Path cfg = Files.writeString(tmp.resolve("Bad.cfg"), "CONSTANTS\n  Threads = {t1\nSPECIFICATION Spec\n");
        String err = refusedInOneLine("check", "--config", cfg.toString());
        assertTrue(err.contains("config file " + cfg + " is malformed: ") && err.contains("line 3"), err);
        err = refusedInOneLine("check", "--gen-config", cfg.toString());
        assertTrue(err.contains("generation config file " + cfg + " is malformed"), err);
    }

    /** Defect 13: an unusable --out failed with a stack trace and exit 1 after TLC had run. */
    @Test
    void unwritableOutIsRefusedBeforeTlcRuns() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        String err = refusedInOneLine("vectors", "--out", file.resolve("vectors").toString());
        assertTrue(err.contains("cannot be created: " + file.toAbsolutePath() + " is not a directory"), err);
        err = refusedInOneLine("vectors", "--out", file.toString());
        assertTrue(err.endsWith(" is not a directory"), err);
        Files.writeString(tmp.resolve("other.txt"), "not a vector set");
        err = refusedInOneLine("vectors", "--out", tmp.toString());
        assertTrue(err.contains("holds no vector set"), err);
    }

    /** Defect 13, where permissions do not tell (root may write anywhere): a read-only file system. */
    @Test
    void outOnAReadOnlyFileSystemIsRefusedBeforeTlcRuns() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc");
        String err = refusedInOneLine("vectors", "--out", "/proc/vectors");
        assertTrue(err.contains("--out /proc/vectors cannot be written"), err);
    }

    /** Defect 12: a leading UTF-8 byte-order mark is skipped (it was BAD_JSON). */
    @Test
    void historyWithAByteOrderMarkIsRead() throws IOException {
        Path h = tmp.resolve("bom.jsonl");
        byte[] text = HISTORY.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[text.length + 3];
        bytes[0] = (byte) 0xEF;
        bytes[1] = (byte) 0xBB;
        bytes[2] = (byte) 0xBF;
        System.arraycopy(text, 0, bytes, 3, text.length);
        Files.write(h, bytes);
        assertEquals(0, Main.execute("check-history", h.toString()), output.err());
    }

    /** Defect 12: malformed UTF-8 was "cannot read F: Input length = 1", without a line. */
    @Test
    void malformedUtf8IsReportedWithItsLine() throws IOException {
        Path h = tmp.resolve("latin1.jsonl");
        byte[] text = (HISTORY + "{\"thread\":\"t\u00e9\",\"event\":\"call\",\"op\":\"Commit\"}\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        Files.write(h, text);
        String err = refusedInOneLine("check-history", h.toString());
        assertEquals("memallocator: " + h + ":3: not UTF-8: byte 0xE9 at column 13", err);
    }

    /** Defect 12: a directory and a device were "history file not found". */
    @Test
    void directoryAndDeviceAreNamedAsSuch() {
        String err = refusedInOneLine("check-history", tmp.toString());
        assertEquals("memallocator: history file is a directory: " + tmp, err);
        err = refusedInOneLine("check-history", tmp.resolve("none.jsonl").toString());
        assertEquals("memallocator: history file not found: " + tmp.resolve("none.jsonl"), err);
        assumeTrue(Files.exists(Path.of("/dev/null")));
        err = refusedInOneLine("check-history", "/dev/null");
        assertEquals("memallocator: history file is not a regular file (a device, a pipe or a socket): /dev/null", err);
    }

    /**
     * Defect 7: out of memory was exit 1 with a stack trace. Here the allocator under test runs out
     * of heap, then out of threads, once the command has started.
     */
    @Test
    void resourceLimitsAreExitTwoNamingTheFlag() {
        ExhaustedAllocator.reset(new OutOfMemoryError("Java heap space"));
        String err = refusedInOneLine("record", "--implementation", ExhaustedAllocator.class.getName(),
                "--ops", "10", "--out", tmp.resolve("h.jsonl").toString());
        assertTrue(err.contains("out of heap memory") && err.contains("-Xmx"), err);
        ExhaustedAllocator.reset(new OutOfMemoryError(
                "unable to create native thread: possibly out of memory or process/resource limits reached"));
        err = refusedInOneLine("record", "--implementation", ExhaustedAllocator.class.getName(),
                "--ops", "10", "--out", tmp.resolve("h.jsonl").toString());
        assertTrue(err.contains("cannot create a thread") && err.contains("ulimit -u") && err.contains("-Xss"), err);
    }

    @Test
    void everyLimitIsNamedWithItsFlag() {
        assertTrue(Main.describe(new OutOfMemoryError("Direct buffer memory")).contains("-XX:MaxDirectMemorySize"));
        assertTrue(Main.describe(new OutOfMemoryError("Metaspace")).contains("-XX:MaxMetaspaceSize"));
        assertTrue(Main.describe(new OutOfMemoryError("GC overhead limit exceeded")).contains("-Xmx"));
        assertTrue(Main.describe(new StackOverflowError()).contains("-Xss"));
        assertEquals("a b c", Main.oneLine("a\n  b\r\nc\n"));
        String bug = Main.describe(new IllegalStateException("boom"));
        assertTrue(bug.startsWith("internal error: java.lang.IllegalStateException: boom at "), bug);
    }

    /**
     * Defect 7, for real: check-history in a JVM with a 24 MiB heap, on a history whose one line is
     * 64 MiB (a sparse file): exit 2 and one line naming -Xmx, not exit 1 and a stack trace.
     */
    @Test
    void realOutOfMemoryInAForkedJvmIsExitTwo() throws IOException, InterruptedException {
        Path huge = tmp.resolve("huge.jsonl");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(64L << 20);
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx24m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "check-history", huge.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(50, TimeUnit.SECONDS), "check-history did not finish");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(2, p.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        // out of heap, naming -Xmx; or, from a reader that bounds its lines, that line refused
        assertTrue(err.startsWith("memallocator: out of heap memory") && err.contains("-Xmx")
                || err.startsWith("memallocator: " + huge + ":1: "), err);
    }

    /**
     * Defect 7, in the workers of {@code record}: a worker's OutOfMemoryError was its stack trace
     * and the run went on. Now the first one ends the run: exit 2, one line naming -Xmx. In a forked
     * JVM, since it ends the JVM.
     */
    @Test
    void outOfMemoryInAWorkerThreadIsExitTwo() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "record", "--implementation",
                OutOfHeapInGetBufferAllocator.class.getName(), "--ops", "200", "--out", tmp.resolve("h.jsonl").toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(50, TimeUnit.SECONDS), "record did not finish");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(2, p.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.matches("memallocator: in thread t\\d+: out of heap memory .*-Xmx.*"), err);
    }

    /**
     * TLC killed at --timeout was OTHER_ERROR, exit 1, and check went on with the vectors: a
     * resource limit, exit 2 in one line naming --timeout, and nothing more runs.
     */
    @Test
    void tlcKilledAtTheTimeoutIsExitTwoNamingTheOption() {
        assertEquals(2, Main.execute("check", "--timeout", "1", "--workers", "1"));
        String err = output.err().strip();
        assertEquals("memallocator: TLC did not finish within --timeout 1 seconds (raise --timeout)", err);
        assertFalse(output.out().contains("Vectors:"), output.out());
        assertEquals(2, Main.execute("vectors", "--timeout", "1", "--workers", "1", "--out",
                tmp.resolve("v").toString()));
        assertTrue(output.err().strip().endsWith("memallocator: TLC did not finish within --timeout 1 seconds "
                + "(raise --timeout)"), output.err());
        assertFalse(Files.exists(tmp.resolve("v")), "nothing written");
    }
}
