package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.memallocator.CapturedOutput;
import org.memallocator.cli.Main;
import org.memallocator.cli.OutOfHeapInGetBufferAllocator;

/**
 * An implementation that runs out of heap inside a vector's call has hit a resource limit: exit 2
 * and one line naming the limit and -Xmx, not a vector failure (exit 1, "threw OutOfMemoryError").
 */
@Timeout(120)
class VectorRunnerResourceLimitTest {

    @TempDir
    static Path dir;

    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    private static Path set;

    @BeforeAll
    static void generate() throws IOException {
        set = dir.resolve("set");
        VectorsTest.generate().write(set);
    }

    @Test
    void outOfHeapInTheImplementationIsAResourceLimit() {
        int exit = Main.execute("run-vectors", set.toString(), "--implementation",
                OutOfHeapInGetBufferAllocator.class.getName());
        String err = output.err().strip();
        assertEquals(2, exit, output.out() + err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("memallocator: out of heap memory") && err.contains("-Xmx"), err);
        assertFalse(output.out().contains("FAILED"), output.out());
    }
}
