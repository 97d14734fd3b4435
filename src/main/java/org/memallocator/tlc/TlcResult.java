package org.memallocator.tlc;

import java.time.Duration;
import java.util.List;

/**
 * The result of one forked TLC run.
 *
 * @param command         the command line that ran
 * @param exitCode        TLC's exit code
 * @param outcome         what the exit code means
 * @param violation       the violated invariant or property as TLC names it
 *                        ("Invariant BuffersConserved", "Temporal properties", "Deadlock",
 *                        "Action property X"), or {@code null}
 * @param distinctStates  distinct states found, or -1 if TLC did not say
 * @param generatedStates states generated, or -1
 * @param depth           depth of the complete state graph search, or -1
 * @param elapsed         wall-clock time of the forked process
 * @param errorTrace      TLC's error message and counterexample, or {@code ""} when none
 * @param output          everything TLC printed
 */
public record TlcResult(List<String> command, int exitCode, TlcOutcome outcome, String violation,
                        long distinctStates, long generatedStates, int depth, Duration elapsed,
                        String errorTrace, String output) {

    public boolean succeeded() {
        return outcome == TlcOutcome.SUCCESS;
    }

    /** One line: outcome, violation, states, depth, time. */
    public String summary() {
        return String.format("%s%s: %d distinct states (%d generated), depth %d, %.1f s (exit %d)",
                outcome, violation == null ? "" : " (" + violation + ")", distinctStates,
                generatedStates, depth, elapsed.toMillis() / 1000.0, exitCode);
    }
}
