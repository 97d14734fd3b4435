package org.memallocator.modeltests.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.memallocator.tlc.TlcLauncher;
import org.memallocator.tlc.TlcOutcome;
import org.memallocator.tlc.TlcResult;

/**
 * Runs every model of {@code spec/manifest.json} of the current budget through TLC and checks
 * that TLC still says what the manifest says: the outcome, the violation, the distinct state
 * count and the depth. Each expected counterexample (mutants, starvation models) is printed, as
 * TLC wrote it.
 *
 * <p>Budget ({@code memallocator.budget}): the {@code small} models always; with {@code long}
 * ({@code mvn -Plong verify}) also {@code medium} and {@code large}.
 * {@code -Dmemallocator.models=A,B} runs just the models named, whatever their size.
 *
 * <p>Models run two at a time (each test waits for its own run). A model expected to pass runs on
 * 2 workers (the state count of a complete search does not depend on them); a model expected to
 * fail runs on 1, because where several workers stop at a violation depends on timing. TLC
 * 2.18's depth is exact with one worker and sometimes one more with two, so the depth is
 * compared exactly only for one-worker runs. Liveness is checked once, on the complete graph
 * ({@code -lncheck final}), so that a liveness counterexample does not depend on when a periodic
 * check happened to run.
 */
class ManifestTest {

    private static final Set<String> SIZES = Set.of("small", "medium", "large");

    @TestFactory
    Stream<DynamicTest> everyModelOfThisBudgetGivesTheManifestsResult() {
        String budget = System.getProperty("memallocator.budget", "ci");
        Set<String> sizes = SpecManifest.sizesFor(budget);
        String only = System.getProperty("memallocator.models", "").strip();
        Set<String> names = only.isEmpty() ? Set.of() : Set.of(only.split("\\s*,\\s*"));
        List<SpecManifest.Model> models = SpecManifest.read().models().stream()
                .filter(m -> names.isEmpty() ? sizes.contains(m.size()) : names.contains(m.name()))
                .toList();
        assertFalse(models.isEmpty(), "no model " + (names.isEmpty() ? "of sizes " + sizes : names)
                + " in spec/manifest.json");
        // Two TLC runs at a time, started now; each test waits for its own, in manifest order.
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "tlc-manifest");
            t.setDaemon(true);
            return t;
        });
        Map<String, Future<TlcResult>> runs = new LinkedHashMap<>();
        for (SpecManifest.Model m : models) {
            runs.put(m.name(), pool.submit(() -> run(m)));
        }
        pool.shutdown();
        return models.stream().map(m -> DynamicTest.dynamicTest(m.name() + " (" + m.size() + ")",
                () -> check(m, runs.get(m.name()).get())));
    }

    private static int workers(SpecManifest.Model m) {
        return m.expectsViolation() ? 1 : 2;
    }

    private static TlcResult run(SpecManifest.Model m) {
        Path spec = SpecManifest.specDir();
        TlcLauncher launcher = new TlcLauncher(SpecManifest.repo().resolve("target/tlc"),
                m.size().equals("small") ? Duration.ofMinutes(10) : Duration.ofMinutes(120));
        List<String> args = new java.util.ArrayList<>(List.of("-cleanup", "-lncheck", "final"));
        args.addAll(m.tlcOptions());
        return launcher.check(spec.resolve(m.module()), spec.resolve(m.config()), workers(m),
                args.toArray(String[]::new));
    }

    private static void check(SpecManifest.Model m, TlcResult r) {
        int workers = workers(m);
        System.out.printf("%s (%s, %d worker%s): %s%n", m.name(), m.config(), workers,
                workers == 1 ? "" : "s", r.summary());
        if (m.expectsViolation() && !r.errorTrace().isEmpty()) {
            System.out.println("---- " + m.name() + ": TLC's counterexample, as expected ----");
            System.out.println(head(r.errorTrace(), 200));
            System.out.println("---- end of " + m.name() + " ----");
        }
        String evidence = evidence(m, r);
        List<String> violations = violations(r.output());
        List<String> trace = traceActions(r.errorTrace());
        record(m, r, violations, trace);
        if (m.listsEveryViolation()) {
            // -continue: TLC searches the whole graph and exits 0; the verdict is what it listed.
            assertEquals(TlcOutcome.SUCCESS, r.outcome(), "a complete search of " + m.name() + evidence);
            assertEquals(m.violations(), violations, "every violation of " + m.name() + ", in order" + evidence);
            String verdict = violations.stream().anyMatch(v -> v.startsWith("Invariant "))
                    ? "SAFETY_VIOLATED" : violations.isEmpty() ? "SUCCESS" : "LIVENESS_VIOLATED";
            assertEquals(m.result(), verdict, "verdict of " + m.name() + evidence);
        } else {
            assertEquals(TlcOutcome.valueOf(m.result()), r.outcome(), "outcome of " + m.name() + evidence);
        }
        assertEquals(m.violation(), r.violation(), "violation of " + m.name() + evidence);
        if (m.trace() != null) {
            assertEquals(m.trace(), trace, "the actions of " + m.name() + "'s trace" + evidence);
        }
        assertEquals(m.distinctStates(), r.distinctStates(), "distinct states of " + m.name() + evidence);
        if (m.depth() == null) {
            assertEquals(-1, r.depth(), "TLC reported a depth for " + m.name() + evidence);
        } else if (workers == 1) {
            assertEquals(m.depth(), r.depth(), "depth of " + m.name() + evidence);
        } else {
            assertTrue(r.depth() == m.depth() || r.depth() == m.depth() + 1,
                    "depth of " + m.name() + ": expected " + m.depth() + " (one worker; two may say "
                            + (m.depth() + 1) + ") but was " + r.depth() + evidence);
        }
    }

    private static final java.util.regex.Pattern VIOLATED = java.util.regex.Pattern.compile(
            "(?m)^Error: (Invariant \\w+|Action property \\w+) is violated");
    private static final java.util.regex.Pattern TRACE_STEP = java.util.regex.Pattern.compile(
            "(?m)^State \\d+: <(\\w+)");

    /** Every invariant and action property TLC reports violated, in the order first reported. */
    static List<String> violations(String output) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
        java.util.regex.Matcher m = VIOLATED.matcher(output);
        while (m.find()) {
            all.add(m.group(1));
        }
        return List.copyOf(all);
    }

    /** The action of each step of a counterexample ("Initial predicate" is "Initial"). */
    static List<String> traceActions(String errorTrace) {
        List<String> actions = new java.util.ArrayList<>();
        java.util.regex.Matcher m = TRACE_STEP.matcher(errorTrace);
        while (m.find()) {
            actions.add(m.group(1));
        }
        return actions;
    }

    /**
     * With {@code -Dmemallocator.record=FILE}, appends what TLC reported for {@code m} to FILE as
     * one JSON line (name, figures, seconds), for re-recording the manifest after a change.
     */
    private static void record(SpecManifest.Model m, TlcResult r, List<String> violations, List<String> trace) {
        String file = System.getProperty("memallocator.record", "");
        if (file.isEmpty()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("name", m.name());
        line.put("result", r.outcome().name());
        line.put("violation", r.violation());
        line.put("distinctStates", r.distinctStates());
        line.put("depth", r.depth());
        line.put("seconds", Math.round(r.elapsed().toMillis() / 100.0) / 10.0);
        line.put("workers", workers(m));
        line.put("violations", violations);
        line.put("trace", trace);
        try {
            synchronized (ManifestTest.class) {
                Files.writeString(Path.of(file), new com.fasterxml.jackson.databind.ObjectMapper()
                        .writeValueAsString(line) + "\n", java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What TLC said: its summary, and its counterexample or, without one, its last lines. */
    private static String evidence(SpecManifest.Model m, TlcResult r) {
        String text = r.errorTrace().isEmpty() ? tail(r.output(), 60) : head(r.errorTrace(), 200);
        return "\n  manifest: " + m.result() + (m.violation() == null ? "" : " (" + m.violation() + ")")
                + ", " + m.distinctStates() + " distinct states, depth " + m.depth()
                + "\n  TLC:      " + r.summary()
                + "\n  command:  " + String.join(" ", r.command())
                + "\n---- TLC ----\n" + text + "\n---- end ----\n";
    }

    /** The first lines of {@code text} (-continue prints a counterexample per violating state). */
    private static String head(String text, int lines) {
        int at = 0;
        for (int i = 0; i < lines; i++) {
            at = text.indexOf('\n', at) + 1;
            if (at == 0) {
                return text;
            }
        }
        return text.substring(0, at) + "... (the first " + lines + " lines)";
    }

    private static String tail(String text, int lines) {
        List<String> all = Arrays.asList(text.split("\n"));
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** The manifest itself: names unique, files present, fields in range, every mutant listed. */
    @Test
    void manifestIsWellFormedAndListsEveryMutant() throws IOException {
        Path spec = SpecManifest.specDir();
        List<SpecManifest.Model> models = SpecManifest.read().models();
        Set<String> names = new HashSet<>();
        Set<String> outcomes = Arrays.stream(TlcOutcome.values()).map(Enum::name).collect(Collectors.toSet());
        for (SpecManifest.Model m : models) {
            String what = "manifest model " + m.name();
            assertTrue(names.add(m.name()), what + ": duplicate name");
            assertTrue(Files.isRegularFile(spec.resolve(m.module())), what + ": no " + m.module());
            assertTrue(Files.isRegularFile(spec.resolve(m.config())), what + ": no " + m.config());
            assertTrue(SIZES.contains(m.size()), what + ": size " + m.size());
            assertTrue(outcomes.contains(m.result()), what + ": result " + m.result());
            assertTrue(m.distinctStates() > 0, what + ": distinctStates");
            assertTrue(m.depth() == null || m.depth() > 0, what + ": depth");
            assertNotNull(m.features(), what + ": features");
            if (m.result().equals("SUCCESS")) {
                assertNull(m.violation(), what + ": a violation with SUCCESS");
            } else {
                assertNotNull(m.violation(), what + ": no violation named for " + m.result());
            }
            if (m.listsEveryViolation()) {
                assertTrue(m.violations() != null && !m.violations().isEmpty(), what + ": -continue lists no violations");
                assertEquals(m.violation(), m.violations().get(0), what + ": the first of the violations");
            }
            if (m.result().equals("DEADLOCK")) {
                assertTrue(m.trace() != null && !m.trace().isEmpty(), what + ": a deadlock without its trace");
            }
            if (m.mutant()) {
                assertTrue(m.expectsViolation(), what + ": a mutant TLC does not reject");
                assertTrue(m.config().startsWith("mutants/"), what + ": mutants live in spec/mutants/");
            }
        }
        Set<String> listed = models.stream().map(SpecManifest.Model::config).collect(Collectors.toSet());
        Set<String> unlisted = new TreeSet<>();
        try (Stream<Path> files = Files.list(spec.resolve("mutants"))) {
            files.map(p -> "mutants/" + p.getFileName())
                    .filter(p -> p.endsWith(".cfg") && !listed.contains(p))
                    .forEach(unlisted::add);
        }
        if (!unlisted.isEmpty()) {
            fail("spec/mutants/ configurations missing from spec/manifest.json: " + unlisted);
        }
        assertTrue(models.stream().filter(SpecManifest.Model::mutant).count() >= 6,
                "at least six mutants in spec/manifest.json");
    }
}
