package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.memallocator.CapturedOutput;
import org.memallocator.cli.Main;

/**
 * The checker's bounds and the CLI's answers at them: "undecided" is exit 3 with what was
 * explored; the configuration and time budgets hold; out of memory is one line, exit 2; a file is
 * streamed, so its length does not bound the memory; thread names without an open call cost
 * nothing; {@code record} checks its options and {@code --out} before the workload and streams
 * its output with the end marker.
 */
class CheckerLimitsTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    /** {@code n} AddRefs of one sample, all pending, then a GetBuffer no order allows: 2^n orders to rule out. */
    static Histories exponential(int n) {
        Histories h = Histories.history().committed(1).get("t1", 7);
        for (int i = 0; i < n; i++) {
            h.call("a" + i, "AddRef", ",\"sample\":7");
        }
        return h.get("t2", 7); // the only buffer is out: it cannot be handed out again
    }

    @Test
    @Timeout(60)
    void anExhaustedConfigurationBudgetIsUndecidedWithExitThree() throws IOException {
        Verdict v = new HistoryChecker(1_000).verdict(exponential(12).parse());
        assertEquals(Verdict.Outcome.UNDECIDED, v.outcome(), v.toString());
        assertTrue(v.summary().contains("the budget of 1000 configurations held at once ran out at line 20"), v.summary());
        assertTrue(v.summary().contains("13 calls open"), v.summary());
        assertTrue(v.summary().contains("configurations explored in"), v.summary());
        Path f = dir.resolve("exp.jsonl");
        Files.writeString(f, exponential(12).text());
        assertEquals(3, Main.execute("check-history", f.toString(), "--budget", "1000"));
        assertTrue(output.out().contains("undecided: the budget of 1000 configurations"), output.out());
        // with room enough, the same history is decided: not linearizable
        assertEquals(1, Main.execute("check-history", f.toString()));
    }

    @Test
    @Timeout(60)
    void anExhaustedTimeBudgetIsUndecided() throws IOException {
        Path f = dir.resolve("exp.jsonl");
        Files.writeString(f, exponential(22).text());
        long start = System.nanoTime();
        assertEquals(3, Main.execute("check-history", f.toString(), "--budget-ms", "200", "--budget", "100000000"));
        assertTrue(output.out().contains("undecided: the time budget of 200 ms ran out at line"), output.out());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos());
        assertEquals(2, Main.execute("check-history", f.toString(), "--budget-ms", "0"));
        assertTrue(output.err().contains("--budget-ms must be at least 1, not 0"), output.err());
        assertEquals(2, Main.execute("check-history", f.toString(), "--budget", "-5"));
    }

    @Test
    @Timeout(120)
    void outOfMemoryIsOneLineNamingTheHeapAndExitTwo() throws Exception {
        Path f = dir.resolve("exp.jsonl");
        Files.writeString(f, exponential(22).text());
        Result r = java("-Xmx16m", "check-history", f.toString(), "--budget", "1000000000", "--budget-ms", "100000");
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.startsWith("memallocator: out of heap memory"), r.toString());
        assertTrue(r.err.contains("-Xmx"), r.toString());
        assertEquals(1, r.err.strip().lines().count(), "one line, no stack trace: " + r);
    }

    @Test
    @Timeout(120)
    void aLongFileIsStreamedInBoundedMemory() throws Exception {
        // 240,000 events: the whole history parsed in memory would need more than the 16 MB heap
        Path f = dir.resolve("long.jsonl");
        int cycles = 20_000;
        try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
            w.write(Histories.history().committed(2).text());
            for (int i = 0; i < cycles; i++) {
                String t = "t" + (i % 8 + 1);
                w.write(Histories.history().get(t, 7).getCall("u", 0).release(t, 7, 0).getReturns("u", 7)
                        .addRef("u", 7, 2).release("u", 7, 1).release("u", 7, 0).text());
            }
        }
        Result r = java("-Xmx16m", "check-history", f.toString());
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("linearizable (" + (4 + cycles * 12) + " events"), r.toString());
    }

    @Test
    @Timeout(60)
    void threadNamesWithoutAnOpenCallCostNothing() {
        // 10,001 thread names, one call each, never overlapping: one configuration per call, one spec thread
        Histories h = Histories.history().committed(1);
        for (int i = 0; i < 10_001; i++) {
            h.get("n" + i, 7).release("n" + i, 7, 0);
        }
        Verdict v = HistoryChecker.check(h.parse());
        assertTrue(v.linearizable(), v.summary());
        assertEquals(10_002, v.threads());
        assertEquals(v.operations(), v.configurations(), v.summary());
        // and a configuration's size depends on the buffers and on the calls open at once, not on the threads
        assertEquals(Packer.words(3, 8), new Packer(3, 8).pack(new HistoryChecker.Model(3).init(), new long[1]).length);
    }

    @Test
    @Timeout(60)
    void recordChecksItsOptionsAndItsOutputFileBeforeTheWorkload() throws IOException {
        String h = dir.resolve("x.jsonl").toString();
        for (String[] bad : new String[][] {{"--timeout", "0"}, {"--timeout", "-1"}, {"--settle-ms", "-1"},
                {"--settle-ms", "9223372036854775807"}, {"--threads", "10001"}}) {
            List<String> args = new ArrayList<>(List.of("record", "--out", h));
            args.addAll(List.of(bad));
            assertEquals(2, Main.execute(args.toArray(String[]::new)), String.join(" ", bad));
            assertTrue(output.err().contains("memallocator: " + bad[0] + " must be from"), output.err());
        }
        assertFalse(Files.exists(Path.of(h)));
        Path blocker = dir.resolve("a-file");
        Files.writeString(blocker, "");
        long start = System.nanoTime();
        // a billion calls would run for hours: the bad --out must be found first
        assertEquals(2, Main.execute("record", "--ops", "1000000000", "--out", blocker.resolve("x.jsonl").toString()));
        assertTrue(output.err().contains("memallocator: cannot write " + blocker.resolve("x.jsonl")), output.err());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
        assertFalse(output.err().contains("\tat "), output.err());
    }

    @Test
    @Timeout(120)
    void recordStreamsAHistoryThatEndsWithTheMarker() throws IOException {
        Path h = dir.resolve("r.jsonl");
        assertEquals(0, Main.execute("record", "--threads", "3", "--ops", "600", "--settle-ms", "50", "--out",
                h.toString(), "--check"));
        List<String> lines = Files.readAllLines(h);
        assertTrue(lines.get(lines.size() - 1).matches("\\{\"event\":\"end\",\"settleMs\":\\d+}"), lines.get(lines.size() - 1));
        assertTrue(output.out().contains("ended after"), output.out());
        assertTrue(output.out().contains("linearizable ("), output.out());
    }

    // ------------------------------------------------------------ a separate JVM

    private record Result(int exit, String out, String err) {
    }

    /** {@code memallocator ARGS} in a new JVM with heap option {@code xmx}, this test's class path. */
    private Result java(String xmx, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                xmx, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(100, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("no answer in 100 s: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
