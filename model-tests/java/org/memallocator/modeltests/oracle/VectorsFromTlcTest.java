package org.memallocator.modeltests.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memallocator.cli.Main;

/**
 * The conformance vectors from TLC's state graph of {@code spec/MemAllocatorGen.cfg}, through the
 * CLI: {@code memallocator vectors} twice gives byte-identical sets; they cover every state and
 * every transition (those out of transient states in the hold vectors); {@code memallocator run-vectors}
 * passes them all on MonitorMemAllocator (exit 0); the Python runner with its pure-Python
 * allocator passes those it can run. That broken allocators fail them is shown by the kill
 * matrix ({@code ConformanceVectorsTest} on every seeded bug) and, for the CLI's exit 1, by
 * {@code OracleCliTest}.
 */
class VectorsFromTlcTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));

    @TempDir
    static Path dir;

    record Run(int exit, String out, String err) {
    }

    /** Runs the CLI with its output captured. */
    static synchronized Run cli(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    @BeforeAll
    static void generateTwice() {
        for (String set : List.of("a", "b")) {
            Run r = cli("vectors", "--out", dir.resolve(set).toString(), "--workers", "2");
            assertEquals(0, r.exit(), r.out() + r.err());
            System.out.println(r.out().strip());
        }
    }

    @Test
    void generatingTwiceGivesByteIdenticalFiles() throws IOException {
        List<Path> a = files(dir.resolve("a"));
        List<Path> b = files(dir.resolve("b"));
        assertEquals(a.stream().map(Path::getFileName).toList(), b.stream().map(Path::getFileName).toList());
        assertTrue(a.size() > 1000, a.size() + " files");
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(Files.readAllBytes(a.get(i)), Files.readAllBytes(b.get(i)), a.get(i).toString());
        }
    }

    private static List<Path> files(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    @Test
    void everyStateAndEveryTransitionIsCovered() throws IOException {
        JsonNode index = new ObjectMapper().readTree(dir.resolve("a/index.json").toFile());
        JsonNode graph = index.get("graph");
        JsonNode c = index.get("coverage");
        assertEquals("MemAllocatorGen.cfg", index.at("/generatedFrom/config").asText());
        assertEquals(graph.get("quiescentStates").asInt() - graph.get("quiescentStatesWithATimedWaiter").asInt(),
                graph.get("quiescentStatesReachableWithInterrupts").asInt(), graph.toString());
        assertEquals(graph.get("states").asInt(), c.get("statesCovered").asInt(), c.toString());
        assertEquals(graph.get("transitions").asInt(), c.get("transitionsCovered").asInt(), c.toString());
        assertEquals(0, c.get("transitionsNotCovered").size(), c.toString());
    }

    /** PORTING.md section 4 gives the count each runner profile can run: the index's, to the vector. */
    @Test
    void portingGivesEachRunnerProfilesCount() throws IOException {
        JsonNode p = new ObjectMapper().readTree(dir.resolve("a/index.json").toFile()).get("profiles");
        String porting = Files.readString(REPO.resolve("PORTING.md"));
        int all = p.get("timingHoldingInterrupts").asInt();
        assertEquals(new ObjectMapper().readTree(dir.resolve("a/index.json").toFile()).get("vectors").size(), all);
        for (String row : List.of(
                "| plain sequential (`requires` empty) | " + String.format(Locale.ROOT, "%,d of %,d |", p.get("sequential").asInt(), all),
                "| + timing (`timeout`) | " + String.format(Locale.ROOT, "%,d |", p.get("timing").asInt()),
                "| + holding (`hold`) | " + String.format(Locale.ROOT, "%,d |", p.get("timingHolding").asInt()),
                "| + interrupts (`interrupt`) | " + String.format(Locale.ROOT, "%,d |", all))) {
            assertTrue(porting.contains(row), "PORTING.md section 4 should have the row " + row);
        }
    }

    @Test
    void monitorMemAllocatorPassesEveryVector() {
        Run r = cli("run-vectors", dir.resolve("a").toString());
        System.out.println(r.out().strip());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains(" 0 failed, 0 skipped"), r.out());
    }

    @Test
    void aViolationInTheGenerationModelExitsOneAndWritesNothing() throws IOException {
        Path bad = dir.resolve("bad");
        Files.createDirectories(bad);
        Files.copy(REPO.resolve("spec/MemAllocator.tla"), bad.resolve("MemAllocator.tla"));
        Files.writeString(bad.resolve("BadGen.tla"), String.join("\n", "---- MODULE BadGen ----",
                "EXTENDS MemAllocator", "NeverCommitted == ~committed", "===="));
        Files.writeString(bad.resolve("BadGen.cfg"), String.join("\n", "CONSTANTS", "    Threads = {t1}",
                "    MaxBuffers = 1", "    MaxRefs = 1", "SPECIFICATION Spec", "INVARIANT NeverCommitted", ""));
        Path out = dir.resolve("bad-vectors");
        Run r = cli("vectors", "--out", out.toString(), "--spec", bad.resolve("BadGen.tla").toString(),
                "--config", bad.resolve("BadGen.cfg").toString(), "--workers", "1");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().startsWith("No vectors: TLC on "), r.out());
        assertTrue(r.out().contains("Invariant NeverCommitted is violated"), r.out());
        assertTrue(Files.notExists(out), "no vectors written");
    }

    @Test
    void thePythonRunnerPassesTheVectorsItCanRun() throws Exception {
        assumeTrue(python(), "python3 is not on the PATH");
        Process p = new ProcessBuilder("python3", REPO.resolve("docs/examples/python/run_vectors.py").toString(),
                dir.resolve("a").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(15, TimeUnit.MINUTES), out);
        System.out.println(out.strip());
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains(" 0 failed, "), out);
    }

    static boolean python() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
