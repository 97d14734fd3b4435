package org.memallocator.modeltests.bugs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.memallocator.MemAllocator;
import org.memallocator.graph.StateGraph;
import org.memallocator.model.MemAllocatorModel;
import org.memallocator.modeltests.support.Implementations;
import org.memallocator.oracle.HistoryChecker;
import org.memallocator.oracle.VectorGenerator;
import org.memallocator.oracle.VectorRunner;
import org.memallocator.oracle.Verdict;
import org.memallocator.oracle.Workload;

/**
 * Backs PORTING.md section 5's table, "What each oracle can and cannot see": runs each bug
 * class's seeded variant through the conformance vectors, once per runner profile, through a
 * recorded history without the end-of-recording marker, and through a scripted history with it,
 * and requires each of those cells of the table to say exactly what happened: "caught" or "not
 * seen". The clean implementation must pass every oracle, so a "caught" means the oracle tells the
 * variant from it. (The last column, the Java-only checks, is {@link JavaOnlyChecksTest}'s.)
 *
 * <p>The vectors are those of a small model (two threads, one buffer, counts up to 1) with the
 * surface vectors; a profile runs the vectors whose {@code requires} it has, and catches a variant
 * when one of them fails. The history without the marker is the workload {@code record} runs, on
 * one thread (so that it is the same on every run). The history with the marker is the bug
 * class's scenario of {@link ScenarioHistories}, scripted so that it too is the same on every run;
 * it catches the variant when the checker rejects the variant's history and accepts the clean
 * allocator's.
 */
@Timeout(600)
class OracleVisibilityTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));

    /** The runner profiles, smallest first; each adds one feature. */
    private static final List<Set<String>> PROFILES = List.of(Set.of(), Set.of("timeout"),
            Set.of("timeout", "hold"), Set.of("timeout", "hold", "interrupt"));

    private static Map<String, ObjectNode> vectors;

    /**
     * How many times each scenario history is recorded (on the variant and on the clean
     * allocator); a cell must come out the same every time. {@code -Dmemallocator.scenarios.runs=20}
     * for a stability check.
     */
    private static final int SCENARIO_RUNS = Integer.getInteger("memallocator.scenarios.runs", 1);

    @BeforeAll
    static void generate() {
        vectors = smallVectorSet();
    }

    /** The vectors of a small model (two threads, one buffer, references up to 1), by file name. */
    static Map<String, ObjectNode> smallVectorSet() {
        MemAllocatorModel small = new MemAllocatorModel(List.of("t1", "t2"), 1, 1);
        return VectorGenerator.graphVectors(StateGraph.explore(small).withoutDuplicates(), small,
                "MemAllocator.tla", "small").files();
    }

    /** The cells of a row: each profile's vectors, then the history without the marker. */
    private static List<String> observe(Supplier<MemAllocator> factory) {
        List<String> cells = new ArrayList<>();
        boolean caught = false;
        Set<String> ran = new HashSet<>();
        VectorRunner runner = new VectorRunner(factory).patience(Duration.ofSeconds(2));
        for (Set<String> profile : PROFILES) {
            for (Map.Entry<String, ObjectNode> v : vectors.entrySet()) {
                Set<String> requires = new HashSet<>();
                v.getValue().get("requires").forEach(r -> requires.add(r.asText()));
                if (caught || !profile.containsAll(requires) || !ran.add(v.getKey())) {
                    continue; // a larger profile runs every vector of a smaller one: caught there, caught here
                }
                caught = runner.features(profile).run(v.getValue()).status() == VectorRunner.Status.FAILED;
            }
            cells.add(caught ? "caught" : "not seen");
        }
        Workload.Recording r = Workload.run(factory, new Workload.Settings(1, 300, 7L, Duration.ofSeconds(3)));
        Verdict v = HistoryChecker.check(r.parse());
        cells.add(v.outcome() == Verdict.Outcome.NOT_LINEARIZABLE ? "caught" : "not seen");
        return cells;
    }

    /**
     * The cell of the history with the end marker: the scenario of {@code bug} rejected on the
     * variant and accepted on the clean allocator.
     */
    private static String withEndMarker(String bug, Supplier<MemAllocator> factory) {
        Set<String> cells = new HashSet<>();
        for (int i = 0; i < SCENARIO_RUNS; i++) {
            ScenarioHistories.Answer variant = ScenarioHistories.answer(bug, factory);
            ScenarioHistories.Answer clean = ScenarioHistories.answer(bug, Implementations.clean());
            if (i == 0) {
                System.out.println(bug + " with the end marker: the variant's history " + variant
                        + "\n  the clean one's " + clean);
            }
            cells.add(variant.violation() && clean.accepted() ? "caught" : "not seen");
        }
        return cells.size() == 1 ? cells.iterator().next() : "flips between runs";
    }

    /** PORTING.md section 5's rows: variant name to its cells. */
    static Map<String, List<String>> table() throws IOException {
        String porting = Files.readString(REPO.resolve("PORTING.md"));
        String section = porting.substring(porting.indexOf("## 5. What each oracle can and cannot see"));
        Map<String, List<String>> rows = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| [^|]+\\(`(\\w+)`\\) \\|(.*)\\|$").matcher(section);
        while (m.find()) {
            List<String> cells = new ArrayList<>();
            for (String c : m.group(2).split("\\|")) {
                cells.add(c.strip());
            }
            rows.put(m.group(1), cells);
        }
        return rows;
    }

    @Test
    void theCleanImplementationPassesEveryOracle() {
        assertEquals(List.of("not seen", "not seen", "not seen", "not seen", "not seen"),
                observe(Implementations.clean()));
    }

    @Test
    void eachCellOfPortingsTableIsWhatTheOracleSees() throws IOException {
        Map<String, List<String>> table = table();
        assertEquals(9, table.size(), "PORTING.md section 5 should have nine bug classes: " + table.keySet());
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, List<String>> row : table.entrySet()) {
            SeededBug bug = Stream.concat(SeededBugs.ALL.stream(), SeededBugs.MORE_CLASSES.stream())
                    .filter(b -> b.name().equals(row.getKey())).findFirst()
                    .orElseThrow(() -> new AssertionError("no seeded bug " + row.getKey()));
            List<String> seen = new ArrayList<>(observe(VariantCompiler.factory(bug)));
            seen.add(withEndMarker(bug.name(), VariantCompiler.factory(bug)));
            System.out.println(row.getKey() + ": " + seen);
            List<String> said = row.getValue().subList(0, Math.min(6, row.getValue().size()));
            if (!seen.equals(said)) {
                wrong.add(row.getKey() + ": the table says " + said + ", the oracles saw " + seen);
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }
}
