package org.memallocator.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A test that blocks for ever stops its JVM within the deadline, with a thread dump; others run on. */
class HangWatchdogTest {

    @Test
    void aTestThatIgnoresInterruptsMustStopTheJvmWithAThreadDump() throws Exception {
        Run run = runFixture("HangsIgnoringInterrupts");
        assertEquals(HangWatchdog.HALT_STATUS, run.status, run.output);
        assertTrue(run.output.contains("HUNG: blocksForEverIgnoringInterrupts()"), run.output);
        assertTrue(run.output.contains("Thread dump:"), run.output);
        assertTrue(run.output.contains("WatchdogFixtures$HangsIgnoringInterrupts.blocksForEverIgnoringInterrupts"),
                "the dump shows where the test is stuck:\n" + run.output);
        assertFalse(run.output.contains("launcher returned"), run.output);
    }

    @Test
    void aTestThatFinishesMustNotBeReportedAsHung() throws Exception {
        Run run = runFixture("FinishesQuickly");
        assertEquals(0, run.status, run.output);
        assertFalse(run.output.contains("HUNG"), run.output);
        assertTrue(run.output.contains("launcher returned"), run.output);
    }

    private record Run(int status, String output) { }

    private static Run runFixture(String fixture) throws IOException, InterruptedException {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + HangWatchdog.DEADLINE_PROPERTY + "=2",
                "-cp", System.getProperty("java.class.path"),
                WatchdogFixtures.class.getName(), fixture);
        Path output = Files.createTempFile("hang-watchdog", ".txt");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new Run(-1, "still running after 60 s:\n" + Files.readString(output));
            }
            return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
