package org.memallocator.modeltests.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memallocator check}, the main job, with its defaults: the default model, the vectors of
 * {@code spec/MemAllocatorGen.cfg}, one recorded history; exit 0 with a summary of the three. And
 * exit 1 when the implementation is broken, though the model passes.
 */
class CheckCommandOracleTest {

    @TempDir
    static Path tmp;

    @Test
    void theMainJobPassesWithItsDefaults() {
        VectorsFromTlcTest.Run r = VectorsFromTlcTest.cli("check", "--workers", "2");
        System.out.println(r.out().strip());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("Result:      no error found"), r.out());
        assertTrue(r.out().matches("(?s).*\nVectors:     \\d+ vectors: \\d+ passed, 0 failed, "
                + "0 skipped\n.*"), r.out());
        assertTrue(r.out().contains("\nHistory:     linearizable ("), r.out());
        assertTrue(r.out().contains("\nSummary:     model OK, vectors OK, history OK"), r.out());
    }

    @Test
    void aBrokenImplementationFailsTheVectorsAndTheHistory() throws IOException {
        Path gen = tmp.resolve("TinyGen.cfg");
        Files.writeString(gen, String.join("\n", "CONSTANTS", "    Threads = {t1}", "    MaxBuffers = 1",
                "    MaxRefs = 1", "SPECIFICATION Spec", "INVARIANTS TypeOK", ""));
        VectorsFromTlcTest.Run r = VectorsFromTlcTest.cli("check", "--workers", "2", "--config",
                "spec/MemAllocatorGen.cfg", "--gen-config", gen.toString(), "--ops", "3000",
                "--implementation", "org.memallocator.oracle.BrokenAllocators$HandsOutTwice");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("\nSummary:     model OK, vectors FAILED, history FAILED"), r.out());
        assertTrue(r.out().contains("NOT linearizable: "), r.out());
    }
}
