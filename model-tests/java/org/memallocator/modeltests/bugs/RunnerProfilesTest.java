package org.memallocator.modeltests.bugs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.memallocator.MemAllocator;
import org.memallocator.oracle.VectorRunner;

/**
 * What the conformance vectors catch per runner profile, on the vectors of a small model (two
 * threads, one buffer): a runner with timing and holding but no interrupts (a C, C++, Rust or Go
 * port with the wait-loop hooks) catches a wait guarded by {@code if} instead of {@code while},
 * through the {@code recheck} vectors. (The clean implementation passes every profile:
 * {@code OracleVisibilityTest}.)
 */
@Timeout(120)
class RunnerProfilesTest {

    private static final Set<String> TIMING_HOLDING = Set.of("timeout", "hold");
    private static Map<String, ObjectNode> vectors;

    @BeforeAll
    static void generate() {
        vectors = OracleVisibilityTest.smallVectorSet();
    }

    private static SeededBug bug(String name) {
        return SeededBugs.ALL.stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
    }

    /** The failures of the vectors the profile can run, by vector name and message. */
    private static List<String> failures(Supplier<MemAllocator> factory, Set<String> profile) {
        VectorRunner runner = new VectorRunner(factory).features(profile);
        List<String> failed = new ArrayList<>();
        int ran = 0;
        for (Map.Entry<String, ObjectNode> v : vectors.entrySet()) {
            Set<String> requires = new HashSet<>();
            v.getValue().get("requires").forEach((JsonNode r) -> requires.add(r.asText()));
            if (!profile.containsAll(requires)) {
                continue;
            }
            ran++;
            VectorRunner.Result r = runner.run(v.getValue());
            assertTrue(r.status() != VectorRunner.Status.SKIPPED, v.getKey() + " skipped: " + r.message());
            if (r.status() == VectorRunner.Status.FAILED) {
                failed.add(v.getKey() + ": " + r.message());
            }
        }
        assertTrue(ran > 0, "no vector in the profile " + profile);
        return failed;
    }

    @Test
    void theTimingAndHoldingProfileCatchesIfInsteadOfWhile() {
        List<String> failed = failures(VariantCompiler.factory(bug("IfInsteadOfWhile")), TIMING_HOLDING);
        assertTrue(failed.stream().anyMatch(f -> f.startsWith("recheck-") && f.contains("it must wait again")),
                "no recheck vector caught it: " + failed);
    }
}
