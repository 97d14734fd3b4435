package org.memallocator.modeltests.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.memallocator.graph.DotGraph;
import org.memallocator.graph.StateGraph;
import org.memallocator.model.MemAllocatorModel;
import org.memallocator.tlc.TlcConfig;
import org.memallocator.tlc.TlcLauncher;
import org.memallocator.tlc.TlcResult;

/**
 * The executable model is the spec: for each small model of {@code spec/MemAllocator.tla} in
 * {@code spec/manifest.json} (or {@code spec/MemAllocator.cfg} while there is no manifest), TLC's
 * state graph and the model's, enumerated breadth-first, have the same states (canonical
 * renderings) and the same multiset of (state, action, next state) transitions. A difference
 * fails with the first differing state and a shortest action path to it.
 *
 * <p>The graph is that of {@code Spec} under the model's constants, whatever else the model's
 * configuration checks: fairness does not change the reachable graph, and a SYMMETRY would
 * reduce it. So each model runs from a derived configuration with only its constants,
 * {@code SPECIFICATION Spec} and no deadlock check.
 */
class StateGraphComparisonTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));
    private static final Path SPEC_DIR = REPO.resolve("spec");
    private static final Path OUT = REPO.resolve("target/graph");

    @TestFactory
    Stream<DynamicTest> tlcAndModelHaveTheSameStateGraph() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path config : smallModels()) {
            tests.add(DynamicTest.dynamicTest(SPEC_DIR.relativize(config).toString(), () -> compare(config)));
        }
        return tests.stream();
    }

    /**
     * The configurations of the manifest's small, non-mutant models of {@code MemAllocator.tla}
     * (not the closed-world or inductive-invariant ones); without a manifest, {@code MemAllocator.cfg}.
     */
    private static List<Path> smallModels() throws IOException {
        Path manifest = SPEC_DIR.resolve("manifest.json");
        if (!Files.exists(manifest)) {
            return List.of(SPEC_DIR.resolve("MemAllocator.cfg"));
        }
        List<Path> configs = new ArrayList<>();
        for (JsonNode m : new ObjectMapper().readTree(manifest.toFile()).path("models")) {
            String features = m.path("features").toString();
            if (m.path("module").asText().equals("MemAllocator.tla") && m.path("size").asText().equals("small")
                    && !m.path("mutant").asBoolean(false)
                    // the executable model is the open world from Init: not the closed world, nor IInv's states
                    && !features.contains("\"closed-world\"") && !features.contains("\"inductive\"")) {
                configs.add(SPEC_DIR.resolve(m.path("config").asText()));
            }
        }
        assertTrue(!configs.isEmpty(), manifest + " lists no small model of MemAllocator.tla");
        return configs;
    }

    private static void compare(Path config) throws IOException {
        Map<String, String> constants = TlcConfig.read(config).constants();
        MemAllocatorModel model = MemAllocatorModel.fromConstants(constants);
        String name = config.getFileName().toString().replace(".cfg", "");
        Path graphConfig = OUT.resolve(name + "-graph.cfg");
        Path dot = OUT.resolve(name + ".dot");
        Files.createDirectories(OUT);
        Files.writeString(graphConfig, graphConfig(constants));

        TlcResult tlc = new TlcLauncher(REPO.resolve("target/tlc"), Duration.ofMinutes(10))
                .check(SPEC_DIR.resolve("MemAllocator.tla"), graphConfig, 2, "-dump", "dot,actionlabels", dot.toString());
        assertTrue(tlc.succeeded(), "TLC on " + graphConfig + ": " + tlc.summary() + "\n" + tlc.errorTrace());
        long start = System.nanoTime();
        StateGraph expected = StateGraph.fromDot(DotGraph.read(dot));
        long read = System.nanoTime();
        StateGraph actual = StateGraph.explore(model);
        long explored = System.nanoTime();
        System.out.printf("%s: TLC %s%n  TLC's graph read in %d ms: %s%n  model's graph explored in %d ms: %s%n",
                config.getFileName(), tlc.summary(), (read - start) / 1_000_000, expected,
                (explored - read) / 1_000_000, actual);
        StateGraph.difference(expected, actual).ifPresent(difference -> fail(config.getFileName() + " ("
                + model + "): the model's state graph differs from TLC's:\n" + difference));
    }

    /** The model's constants, {@code Spec}, no deadlock check: nothing but the graph. */
    private static String graphConfig(Map<String, String> constants) {
        StringBuilder cfg = new StringBuilder("\\* Generated by StateGraphComparisonTest: the state graph only.\nCONSTANTS\n");
        constants.forEach((name, value) -> cfg.append("    ").append(name).append(" = ").append(value).append('\n'));
        return cfg.append("SPECIFICATION Spec\nCHECK_DEADLOCK FALSE\n").toString();
    }
}
