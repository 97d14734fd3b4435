package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * README.md's usage example is the code of {@link #readmeUsageExampleCompilesAndRuns}: the test
 * fails unless the README's java block appears, line by line (whitespace-trimmed), in that
 * method's source, and the method runs it.
 */
@Timeout(10)
class ReadmeUsageTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));
    private static final String METHOD = "void readmeUsageExampleCompilesAndRuns()";

    @Test
    void readmeUsageExampleCompilesAndRuns() throws IOException, InterruptedException {
        List<String> example = usageExample();
        List<String> body = ownMethodBody();
        assertTrue(example.size() >= 5, "README usage example missing: " + example);
        assertTrue(Collections.indexOfSubList(body, example) >= 0,
                "README.md's usage example differs from " + METHOD + ": " + example);

        try (MemAllocator allocator = new MonitorMemAllocator()) {
            allocator.setProperties(new AllocatorProperties(4, 4096, 16, 0)); // 4 buffers of 4 KiB, 16-byte aligned
            allocator.commit();                                // allocate them
            MediaSample sample = allocator.getBuffer(0);       // an empty sample; blocks while none is free
            ByteBuffer data = sample.pointer();
            data.put("hello".getBytes(StandardCharsets.US_ASCII));
            sample.setActualDataLength(data.position());
            sample.release();                                  // final release: the buffer goes back
            allocator.decommit();                              // the buffers go once every sample is back
        }
    }

    /** The trimmed lines of the java block between the usage markers of README.md. */
    private static List<String> usageExample() throws IOException {
        List<String> readme = trimmed(Files.readAllLines(REPO.resolve("README.md")));
        List<String> usage = readme.subList(readme.indexOf("<!-- usage:begin -->") + 1,
                readme.indexOf("<!-- usage:end -->"));
        assertEquals("```java", usage.get(0), "usage section must start with a java block");
        return usage.subList(1, usage.indexOf("```"));
    }

    /** The trimmed lines of {@link #readmeUsageExampleCompilesAndRuns}, as written in this file. */
    private static List<String> ownMethodBody() throws IOException {
        List<String> source = Files.readAllLines(REPO.resolve(
                "src/test/java/" + ReadmeUsageTest.class.getName().replace('.', '/') + ".java"));
        int start = 0;
        while (!source.get(start).contains(METHOD + " throws")) {
            start++;
        }
        int end = source.subList(start, source.size()).indexOf("    }") + start;
        return trimmed(source.subList(start, end));
    }

    private static List<String> trimmed(List<String> lines) {
        return lines.stream().map(String::strip).toList();
    }
}
