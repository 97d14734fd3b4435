package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 17's library defects that need a JVM with its own limits, each run by {@link LimitsProbe}
 * in a forked JVM: memory that comes back without the garbage collector (2), a commit that fails
 * for want of heap (1), a slow commit that blocks nobody (3).
 */
@Timeout(120)
class ForkedLimitsTest {

    /**
     * Defect 2: under -XX:+DisableExplicitGC and a 64 MiB direct-memory cap, 8 x 1 MiB
     * commit/decommit cycles used to fail with E_OUTOFMEMORY from the 8th on: each cycle's block
     * waited for a GC that never came. The block is now reused.
     */
    @Test
    void commitCyclesNeedNoGarbageCollector() throws Exception {
        assertProbePasses(List.of("-XX:+DisableExplicitGC", "-XX:MaxDirectMemorySize=64m", "-Xmx64m"),
                "cycles", "500");
    }

    /** Defect 1: out of heap inside commit is E_OUTOFMEMORY and changes nothing. */
    @Test
    void commitOutOfHeapChangesNothing() throws Exception {
        assertProbePasses(List.of("-Xmx64m", "-XX:+UseSerialGC"), "heap");
    }

    /** Defect 3: the JDK's retries of a failing direct allocation run without the lock. */
    @Test
    void slowCommitDoesNotBlockOtherCalls() throws Exception {
        assertProbePasses(List.of("-XX:+DisableExplicitGC", "-XX:MaxDirectMemorySize=16m"), "slow-commit");
    }

    /**
     * Defect 1's race: a setProperties, and a commit, that come while a commit allocates outside the
     * lock. The slow commit takes effect after them, with the state as it then is.
     */
    @Test
    void commitRacingSetPropertiesLaysOutThePropertiesInForce() throws Exception {
        assertProbePasses(List.of("-XX:+DisableExplicitGC", "-XX:MaxDirectMemorySize=16m"), "race-set-properties");
        assertProbePasses(List.of("-XX:+DisableExplicitGC", "-XX:MaxDirectMemorySize=16m"), "race-commit");
    }

    private static void assertProbePasses(List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, "target/classes", "target/test-classes"));
        command.add(LimitsProbe.class.getName());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(100, TimeUnit.SECONDS), "probe did not finish");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", args) + ": " + output);
    }
}
