package org.memallocator.modeltests.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.memallocator.MonitorMemAllocator;
import org.memallocator.cli.Main;
import org.memallocator.oracle.VectorGenerator;
import org.memallocator.oracle.Workload;

/**
 * Random mutations of valid input files, through the command line as a user runs it: a recorded
 * history through {@code check-history}, a vector set (index and vector files) through
 * {@code run-vectors}. Whatever the bytes, the answer is an exit code of the contract (0, 1, 2 or
 * 3), never an exception: no stack trace, no "internal error" (what the command line prints for
 * an exception nothing expected), at most one line on stderr for exit 2, and within a time bound.
 */
class ParserFuzzProperties {

    /** The longest one mutated input may take (a vector call that hangs costs the runner its 10 s patience). */
    private static final Duration BOUND = Duration.ofSeconds(30);

    /** One thread, one buffer, reference counts up to 1: 59 vectors, made in a few seconds. */
    private static final String TINY_GEN = String.join("\n", "CONSTANTS", "    Threads = {t1}", "    MaxBuffers = 1",
            "    MaxRefs = 1", "SPECIFICATION Spec", "INVARIANTS TypeOK BuffersConserved", "");

    /** Tokens a mutation splices in: JSON syntax, wrong types, extremes, a BOM, bytes that are not UTF-8. */
    private static final List<byte[]> TOKENS = Stream.of("{", "}", "[", "]", "\"", ",", ":", "\n", "\r\n", "null",
                    "true", "\"\"", "-1", "0", "4", "\"4\"", "2147483648", "9223372036854775808", "1e309", "-0.5",
                    "\"S_OK\"", "\"E_POINTER\"", "\"t1\"", "\"call\"", "\"return\"", "\"GetBuffer\"", "\"../../x\"",
                    "{\"a\":[[[[[[[[[[]]]]]]]]]]}", "\"\\u0000\"", "\uFEFF", "\u00e9")
            .map(s -> s.getBytes(StandardCharsets.UTF_8)).collect(java.util.stream.Collectors.toCollection(ArrayList::new));

    static {
        TOKENS.add(new byte[] {(byte) 0xFF});
        TOKENS.add(new byte[] {(byte) 0xC3});
        TOKENS.add(new byte[] {(byte) 0xE9, 'x'});
    }

    private static Path work;
    private static byte[] history;
    private static Path vectors;
    private static List<Path> vectorFiles;
    private static ExecutorService runner;

    @BeforeContainer
    static void makeValidInputs() throws IOException {
        work = Files.createTempDirectory("memallocator-fuzz");
        history = Workload.run(MonitorMemAllocator::new, new Workload.Settings(3, 60, 7L)).history()
                .getBytes(StandardCharsets.UTF_8);
        Path repo = Path.of(System.getProperty("memallocator.repo", "."));
        Path cfg = Files.writeString(work.resolve("TinyGen.cfg"), TINY_GEN);
        Path tlc = Files.createDirectories(work.resolve("tlc"));
        VectorGenerator.VectorSet set = VectorGenerator.fromTlc(repo.resolve("spec/MemAllocator.tla"), cfg, tlc, 1,
                Duration.ofMinutes(3));
        vectors = Files.createDirectories(work.resolve("vectors"));
        set.write(vectors);
        try (Stream<Path> files = Files.list(vectors)) {
            vectorFiles = files.sorted().toList();
        }
        runner = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fuzz-cli");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        runner.shutdownNow();
        try (Stream<Path> all = Files.walk(work)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** One edit of a file's bytes; positions are fractions of the length, so any edit fits any file. */
    record Mutation(int kind, double at, double to, int token) {

        byte[] apply(byte[] in) {
            int n = in.length;
            int i = (int) (at * n);
            int j = Math.min(n, i + 1 + (int) (to * Math.min(n - i, 64)));
            byte[] t = TOKENS.get(token % TOKENS.size());
            return switch (kind) {
                case 0 -> splice(in, i, Math.min(n, i + 1), new byte[] {(byte) (to * 256)}); // one byte changed
                case 1 -> splice(in, i, j, new byte[0]);                                     // a range deleted
                case 2 -> splice(in, i, i, t);                                               // a token inserted
                case 3 -> splice(in, i, j, t);                                               // a range replaced
                case 4 -> java.util.Arrays.copyOf(in, i);                                    // truncated
                default -> swapLines(in, i, (int) (to * n));                                 // lines exchanged
            };
        }

        private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + insert.length);
            out.write(in, 0, from);
            out.write(insert, 0, insert.length);
            out.write(in, to, in.length - to);
            return out.toByteArray();
        }

        private static byte[] swapLines(byte[] in, int a, int b) {
            List<String> lines = new ArrayList<>(List.of(new String(in, StandardCharsets.ISO_8859_1).split("\n", -1)));
            if (lines.size() < 2) {
                return in;
            }
            java.util.Collections.swap(lines, a % lines.size(), b % lines.size());
            return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    @Provide
    Arbitrary<Mutation> mutation() {
        return Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.doubles().between(0, 0.999).ofScale(4),
                Arbitraries.doubles().between(0, 0.999).ofScale(4), Arbitraries.integers().between(0, 1000)).as(Mutation::new);
    }

    @Property(tries = 300)
    void mutatedHistoriesGetAnExitCodeOfTheContract(@ForAll @Size(min = 1, max = 4) List<@From("mutation") Mutation> edits)
            throws IOException {
        byte[] bytes = history;
        for (Mutation m : edits) {
            bytes = m.apply(bytes);
        }
        Path file = Files.write(work.resolve("history.jsonl"), bytes);
        assertContractAnswer(file.toString(), "check-history", file.toString(), "--budget", "200000");
    }

    @Property(tries = 25)
    void mutatedVectorSetsGetAnExitCodeOfTheContract(@ForAll @Size(min = 1, max = 3) List<@From("mutation") Mutation> edits,
                                                     @ForAll("fileIndex") int which) throws IOException {
        Path dir = work.resolve("mutated");
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        for (Path f : vectorFiles) {
            Files.copy(f, dir.resolve(f.getFileName()));
        }
        // half the tries edit index.json, the rest one vector file
        Path victim = which % 2 == 0 ? dir.resolve("index.json")
                : dir.resolve(vectorFiles.get(which / 2 % vectorFiles.size()).getFileName());
        byte[] bytes = Files.readAllBytes(victim);
        for (Mutation m : edits) {
            bytes = m.apply(bytes);
        }
        Files.write(victim, bytes);
        assertContractAnswer(victim.getFileName().toString(), "run-vectors", dir.toString(), "--settle-ms", "50");
    }

    @Provide
    Arbitrary<Integer> fileIndex() {
        return Arbitraries.integers().between(0, 10_000);
    }

    /** Runs the command line, with its output captured, and checks the answer against the contract. */
    private static void assertContractAnswer(String what, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        int exit;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Future<Integer> run = runner.submit(() -> Main.execute(args));
            exit = run.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": no answer within " + BOUND);
        } catch (ExecutionException e) {
            throw new AssertionError(what + ": the command line threw", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        String e = err.toString(StandardCharsets.UTF_8).strip();
        assertTrue(exit >= 0 && exit <= 3, what + ": exit " + exit + "\n" + e);
        assertFalse(e.contains("\tat ") || e.contains("internal error"), what + ": " + e);
        if (exit == Main.EXIT_USAGE) {
            assertEquals(1, e.lines().count(), what + ": " + e);
            assertTrue(e.startsWith("memallocator: "), what + ": " + e);
        } else if (!e.isEmpty()) {
            fail(what + ": exit " + exit + " with stderr " + e);
        }
    }
}
