package org.memallocator.modeltests.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.memallocator.graph.StateGraph;
import org.memallocator.model.MemAllocatorModel;
import org.memallocator.modeltests.support.Implementations;
import org.memallocator.oracle.VectorGenerator;
import org.memallocator.oracle.VectorRunner;
import org.memallocator.tlc.TlcConfig;

/**
 * The conformance vectors as a checker of the implementation under test: the vectors of the
 * generation model ({@code spec/MemAllocatorGen.cfg}; the executable model's graph, which is
 * TLC's, see {@code StateGraphComparisonTest}), run by {@link VectorRunner} on allocators from
 * {@link Implementations#create()}, in order, stopping at the first that fails. The hold vectors
 * are the ones that let another thread barge in while a woken waiter has not run yet, so they
 * catch a waiter that does not check again after waking.
 */
class ConformanceVectorsTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));

    /** Generated once per JVM: the kill matrix runs this class once per variant. */
    private static VectorGenerator.VectorSet vectors;

    private static synchronized VectorGenerator.VectorSet vectors() throws IOException {
        if (vectors == null) {
            MemAllocatorModel model = MemAllocatorModel.fromConstants(
                    TlcConfig.read(REPO.resolve("spec/MemAllocatorGen.cfg")).constants());
            vectors = VectorGenerator.graphVectors(StateGraph.explore(model).withoutDuplicates(), model,
                    "MemAllocator.tla", "MemAllocatorGen.cfg");
        }
        return vectors;
    }

    @Test
    void everyConformanceVectorMustPass() throws IOException {
        VectorRunner runner = new VectorRunner(Implementations::create);
        int passed = 0;
        int skipped = 0;
        long start = System.nanoTime();
        for (Map.Entry<String, ObjectNode> v : vectors().files().entrySet()) {
            VectorRunner.Result r = runner.run(v.getValue());
            switch (r.status()) {
                case PASSED -> passed++;
                case SKIPPED -> skipped++;
                case FAILED -> fail(Implementations.name() + " fails " + v.getKey() + " (after " + passed
                        + " passed): " + r.message());
            }
        }
        System.out.printf("%s: %d vectors passed, %d skipped, in %.1f s%n", Implementations.name(), passed, skipped,
                (System.nanoTime() - start) / 1e9);
        assertEquals(0, skipped, "vectors skipped");
    }
}
