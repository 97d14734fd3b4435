package org.memallocator.modeltests.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.memallocator.cli.Main;
import org.memallocator.oracle.HistoryChecker;
import org.memallocator.oracle.Verdict;

/**
 * The C++ reference port of {@code docs/ports/cpp}: built with {@code build.sh} (plain g++, with
 * {@code -fsanitize=address,undefined} where the compiler has them) once per content of its sources,
 * cached under {@code target/cpp-port/}; its runner passes the conformance vectors of TLC's graph that
 * it can run (every family but {@code interrupt}); histories it records from 4 threads are linearizable;
 * each of its three broken builds is caught; and a fourth, whose calls hold no reference to the
 * allocator, dies under the sanitizer where the sound one survives.
 *
 * <p>Cost in {@code mvn verify}: the vectors are generated once (as {@code VectorsFromTlcTest} does),
 * then the runner runs every vector of its profile (timing and holding, no interrupts), about 30 s.
 * Skipped, with a message, only when no C++ compiler is on the PATH.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class CppPortTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", ".")).toAbsolutePath();
    private static final Path PORT = REPO.resolve("docs/ports/cpp");
    private static final List<String> BROKEN = List.of("DECOMMIT_NOTIFY_ONE", "IF_NOT_WHILE", "EARLY_FREE", "NO_CALL_REF");
    private static final Pattern SUMMARY =
            Pattern.compile("(\\d+) vectors: (\\d+) passed, (\\d+) failed, (\\d+) skipped");

    @TempDir
    static Path tmp;

    static Path build;
    static Path vectors;
    /** Why every test is skipped, or null when a compiler was found. */
    static String noCompiler;

    record Result(int exit, String out) {
    }

    @BeforeAll
    static void buildAndGenerate() throws Exception {
        String cxx = System.getenv().getOrDefault("CXX", "g++");
        if (run(List.of(cxx, "--version"), 60).exit() != 0) {
            noCompiler = "no C++ compiler (" + cxx + ", or $CXX) on the PATH: the C++ port of docs/ports/cpp is not checked";
            System.out.println("CppPortTest: " + noCompiler);
            return;
        }
        build = REPO.resolve("target/cpp-port/" + sourceHash());
        deleteOtherBuilds();
        // The builds run in one shell, beside the vector generation (the sound build first: the variants
        // reuse its objects).
        StringBuilder script = new StringBuilder("set -e");
        for (String variant : concat(List.of(""), BROKEN)) {
            Path bin = build.resolve(variant);
            if (!Files.isExecutable(bin.resolve("run_vectors")) || !Files.isExecutable(bin.resolve("record_history"))
                    || !Files.isExecutable(bin.resolve("lifetime_check"))) {
                script.append("; sh '").append(PORT.resolve("build.sh")).append("' '").append(build).append("' ")
                        .append(variant);
            }
        }
        ByteArrayOutputStream buildLog = new ByteArrayOutputStream();
        Process builder = new ProcessBuilder("sh", "-c", script.toString()).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try {
                builder.getInputStream().transferTo(buildLog);
            } catch (IOException ignored) {
                // the build died; its exit code says so
            }
        });
        reader.start();
        vectors = tmp.resolve("vectors");
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.execute("vectors", "--out", vectors.toString(), "--workers", "2");
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, exit, out.toString(StandardCharsets.UTF_8));
        if (!builder.waitFor(10, TimeUnit.MINUTES)) {
            builder.destroyForcibly();
            throw new AssertionError("the build did not finish in 10 minutes:\n" + buildLog);
        }
        reader.join(5000);
        assertEquals(0, builder.exitValue(), "build.sh failed:\n" + buildLog);
    }

    /** Removes the builds of earlier versions of the sources. */
    private static void deleteOtherBuilds() throws IOException {
        Path all = build.getParent();
        if (Files.notExists(all)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(all)) {
            for (Path d : dirs.filter(d -> !d.equals(build) && !d.getFileName().toString().startsWith("cmake-")).toList()) {
                try (Stream<Path> walk = Files.walk(d)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    @Test
    void theRunnerPassesEveryVectorItsProfileCanRun() throws Exception {
        assumeTrue(noCompiler == null, noCompiler);
        Result r = runVectors("");
        System.out.println(r.out().strip());
        assertEquals(0, r.exit(), r.out());
        Matcher m = summary(r);
        int profile = new ObjectMapper().readTree(vectors.resolve("index.json").toFile())
                .get("profiles").get("timingHolding").asInt();
        assertEquals("0", m.group(3), r.out());
        assertEquals(profile, Integer.parseInt(m.group(2)),
                "the runner has timing and holding, no interrupts: it must pass exactly that profile\n" + r.out());
        assertTrue(count("recheck-") > 0 && count("timedwake-") > 0, "no recheck or timedwake vectors");
    }

    @Test
    void recordedHistoriesFromFourThreadsAreLinearizable() throws Exception {
        assumeTrue(noCompiler == null, noCompiler);
        for (int seed = 1; seed <= 2; seed++) {
            Path h = tmp.resolve("history-" + seed + ".jsonl");
            Result r = run(List.of(build.resolve("record_history").toString(), "--out", h.toString(),
                    "--threads", "4", "--ops", "3000", "--seed", Integer.toString(seed)), 120);
            assertEquals(0, r.exit(), r.out());
            List<String> lines = Files.readAllLines(h);
            assertTrue(lines.size() >= 6000, lines.size() + " events");
            assertTrue(lines.stream().anyMatch(l -> l.contains("\"thread\":\"t4\"")), "4 threads");
            Verdict v = HistoryChecker.check(h);
            assertTrue(v.linearizable(), v.toString());
        }
    }

    /**
     * With {@code --end-marker} the recorder ends the file with the end marker, after the settle
     * period, and records nothing after it; the checker accepts the sound port's history with it
     * (no call it would have let return is still pending).
     */
    @Test
    void theRecorderWritesTheEndMarkerLastWhenAsked() throws Exception {
        assumeTrue(noCompiler == null, noCompiler);
        Path h = tmp.resolve("with-end-marker.jsonl");
        Result r = run(List.of(build.resolve("record_history").toString(), "--out", h.toString(), "--threads", "4",
                "--ops", "400", "--seed", "5", "--end-marker", "--settle-ms", "100"), 120);
        assertEquals(0, r.exit(), r.out());
        List<String> lines = Files.readAllLines(h);
        assertEquals("{\"event\":\"end\",\"settleMs\":100}", lines.get(lines.size() - 1));
        assertTrue(lines.subList(0, lines.size() - 1).stream().noneMatch(l -> l.contains("\"end\"")));
        Verdict v = HistoryChecker.check(h);
        assertTrue(v.linearizable(), v.toString());
    }

    /**
     * The allocator outlives every call still running in it: a waiter woken by Close survives the
     * client's last Release and the final sample Release. Without the per-call reference the
     * sanitized build dies with heap-use-after-free (checked only when the build is sanitized).
     */
    @Test
    void everyCallKeepsTheAllocatorAlive() throws Exception {
        assumeTrue(noCompiler == null, noCompiler);
        Result sound = run(List.of(build.resolve("lifetime_check").toString(), "20"), 120);
        assertEquals(0, sound.exit(), sound.out());
        assertTrue(sound.out().contains("20 rounds: every waiter returned VFW_E_NOT_COMMITTED"), sound.out());
        assumeTrue(Files.readString(build.resolve("flags.txt")).contains("-fsanitize=address"),
                "built without the sanitizers: the broken build's use after free would go unseen");
        Result broken = run(List.of(build.resolve("NO_CALL_REF/lifetime_check").toString(), "20"), 120);
        assertTrue(broken.exit() != 0 && broken.out().contains("ERROR: AddressSanitizer: heap-use-after-free"),
                broken.out());
    }

    /**
     * -Plong only (tagged "long-only", which verify excludes: the default build uses build.sh): the
     * CMake build (with the sanitizers where available) passes the surface vectors.
     */
    @Test
    @Tag("long-only")
    void theCmakeBuildPassesTheSurfaceVectors() throws Exception {
        assumeTrue(noCompiler == null, noCompiler);
        assumeTrue(run(List.of("cmake", "--version"), 60).exit() == 0, "cmake is not on the PATH");
        Path dir = REPO.resolve("target/cpp-port/cmake-" + sourceHash());
        Result configure = run(List.of("cmake", "-S", PORT.toString(), "-B", dir.toString()), 300);
        assertEquals(0, configure.exit(), configure.out());
        Result compile = run(List.of("cmake", "--build", dir.toString(), "-j", "2"), 900);
        assertEquals(0, compile.exit(), compile.out());
        Result r = run(List.of(dir.resolve("run_vectors").toString(), "--only", "surface", vectors.toString()), 300);
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains(" 0 failed, 0 skipped"), r.out());
    }

    /**
     * Each broken build fails vectors the sound build passes: Decommit's notify_one leaves a waiter
     * of wakeall-0001 asleep; the early free lets SetProperties succeed with samples out
     * (surface-properties; a use of a freed sample would also stop the sanitized runner); the
     * {@code if} fails the recheck vectors and, recorded, gives a history the checker rejects.
     */
    @Test
    void eachBrokenBuildIsCaught() throws Exception {
        assumeTrue(noCompiler == null, noCompiler);
        Result notifyOne = runVectors("DECOMMIT_NOTIFY_ONE", "--only", "wakeall", "--patience-ms", "1000");
        assertEquals(1, notifyOne.exit(), notifyOne.out());
        assertTrue(notifyOne.out().contains("FAILED wakeall-0001: step 6 (main Decommit): the blocked call of "),
                notifyOne.out());

        Result earlyFree = runVectors("EARLY_FREE", "--only", "surface", "--max-failures", "1");
        assertEquals(1, earlyFree.exit(), earlyFree.out());
        assertTrue(earlyFree.out().contains("FAILED surface-properties: step 22 (main SetProperties): expected "
                + "VFW_E_BUFFERS_OUTSTANDING, got S_OK"), earlyFree.out());

        Result ifNotWhile = runVectors("IF_NOT_WHILE", "--only", "recheck");
        assertEquals(1, ifNotWhile.exit(), ifNotWhile.out());
        assertTrue(ifNotWhile.out().contains("FAILED recheck-0001: step 7 (main Recheck): Recheck: the call of t1 "
                + "returned VFW_E_TIMEOUT, but it must wait again"), ifNotWhile.out());

        // A recorded history shows it too, when a woken waiter loses its buffer to a thread barging in: that
        // depends on the interleaving, so up to 5 seeds are recorded until one history is rejected.
        String rejection = null;
        for (int seed = 1; seed <= 5 && rejection == null; seed++) {
            Path h = tmp.resolve("if-not-while-" + seed + ".jsonl");
            Result recorded = run(List.of(build.resolve("IF_NOT_WHILE/record_history").toString(), "--out",
                    h.toString(), "--threads", "4", "--ops", "3000", "--seed", Integer.toString(seed)), 120);
            assertEquals(0, recorded.exit(), recorded.out());
            Verdict v = HistoryChecker.check(h);
            rejection = v.linearizable() ? null : "seed " + seed + ": " + v;
        }
        assertTrue(rejection != null, "no history of the if build was rejected in 5 seeds");
        System.out.println("IF_NOT_WHILE history, " + rejection.lines().findFirst().orElse(""));
        assertTrue(rejection.contains("returned VFW_E_TIMEOUT, but without AM_GBF_NOWAIT or a timeout"), rejection);
    }

    // ------------------------------------------------------------ helpers

    /** The runner of a build ("" the sound one) on the generated vectors. */
    private static Result runVectors(String variant, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(build.resolve(variant).resolve("run_vectors").toString()));
        cmd.addAll(List.of(args));
        cmd.add(vectors.toString());
        return run(cmd, 600);
    }

    private static Matcher summary(Result r) {
        Matcher m = SUMMARY.matcher(r.out());
        assertTrue(m.find(), "no summary line:\n" + r.out());
        return m;
    }

    private static int count(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(vectors)) {
            return (int) s.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
        }
    }

    private static Result run(List<String> cmd, int seconds) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException notFound) {
            return new Result(-1, notFound.toString());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException ignored) {
                // the process died; what was read is kept
            }
        });
        reader.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5000);
            throw new AssertionError(String.join(" ", cmd) + " did not finish in " + seconds + " s:\n" + out);
        }
        reader.join(5000);
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    /** A hash of the port's sources: a new build directory whenever one changes. */
    private static String sourceHash() throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> s = Files.list(PORT)) {
            for (Path f : s.sorted().toList()) {
                md.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(f));
            }
        }
        return HexFormat.of().formatHex(md.digest(), 0, 8);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
