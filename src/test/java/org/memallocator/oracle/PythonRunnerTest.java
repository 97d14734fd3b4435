package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/examples/python/run_vectors.py} with its pure-Python allocator (FIFO free list,
 * notify_all: choices the spec leaves open, unlike MonitorMemAllocator's) passes the vectors, and a
 * broken adapter fails them. Runs only where {@code python3} is on the PATH.
 */
class PythonRunnerTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));
    private static final Path RUNNER = REPO.resolve("docs/examples/python/run_vectors.py");

    @TempDir
    static Path dir;

    record Run(int exit, String output) {
    }

    @BeforeAll
    static void vectors() throws IOException {
        VectorsTest.generate().write(dir.resolve("vectors"));
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

    static Run python(Path pythonPath, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", RUNNER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (pythonPath != null) {
            pb.environment().put("PYTHONPATH", pythonPath.toString());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "run_vectors.py did not finish: " + out);
        return new Run(p.exitValue(), out);
    }

    @Test
    void thePurePythonAllocatorPassesTheVectors() throws Exception {
        assumeTrue(python(), "python3 is not on the PATH");
        Run r = python(null, dir.resolve("vectors").toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains(" 0 failed"), r.output());
    }

    @Test
    void aBrokenAdapterFails() throws Exception {
        assumeTrue(python(), "python3 is not on the PATH");
        Path adapters = dir.resolve("adapters");
        Files.createDirectories(adapters);
        Files.writeString(adapters.resolve("broken.py"), String.join("\n",
                "from allocator import PyAllocator",
                "",
                "class NeverWaits(PyAllocator):",
                "    def get_buffer(self, flags, **kw):",
                "        return super().get_buffer(flags | 4, **kw)",
                ""));
        Run r = python(adapters, dir.resolve("vectors").toString(), "--adapter", "broken:NeverWaits");
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("returned VFW_E_TIMEOUT instead of blocking"), r.output());
    }

    @Test
    void aMissingVectorSetIsAUsageError() throws Exception {
        assumeTrue(python(), "python3 is not on the PATH");
        Run r = python(null, dir.resolve("nowhere").toString());
        assertEquals(2, r.exit(), r.output());
    }
}
