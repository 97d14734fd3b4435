package org.memallocator.modeltests.oracle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.memallocator.oracle.HistoryChecker;
import org.memallocator.oracle.Verdict;
import org.memallocator.oracle.Workload;
import org.memallocator.modeltests.support.Implementations;

/**
 * The oracle as a checker of the implementation under test: a random concurrent workload
 * ({@link Workload}: blocking, NOWAIT and timed gets, AddRef and Release, Commit and Decommit
 * cycles, SetProperties, interrupts) runs on an allocator from {@link Implementations#create()},
 * is recorded as a history, and {@link HistoryChecker} must find it linearizable; every worker
 * must also finish (the workload guarantees progress to a sound allocator, so a call still
 * blocked at the end is a lost wake-up, which the history's end-of-recording marker lets the
 * checker see).
 *
 * <p>Budget from {@code memallocator.budget}: {@code ci} (default) and {@code long} record
 * bigger histories; {@code kill} (set by the kill matrix) records small ones and gives up on a
 * hung workload after a few seconds.
 */
class RecordedHistoryTest {

    private static String budget() {
        return System.getProperty("memallocator.budget", "ci");
    }

    static Stream<Arguments> workloads() {
        int scale = switch (budget()) {
            case "long" -> 10;
            case "kill" -> 1;
            default -> 3;
        };
        return Stream.of(
                Arguments.of(2, 500 * scale, 11L),
                Arguments.of(3, 1_000 * scale, 12L),
                Arguments.of(4, 1_000 * scale, 13L),
                Arguments.of(4, 1_500 * scale, 14L),
                Arguments.of(6, 1_500 * scale, 15L));
    }

    @ParameterizedTest(name = "{0} threads, {1} operations, seed {2}")
    @MethodSource("workloads")
    void recordedConcurrentHistoryMustBeLinearizable(int threads, int operations, long seed) {
        Duration patience = budget().equals("kill") ? Duration.ofSeconds(5) : Duration.ofSeconds(30);
        Workload.Recording r = Workload.run(Implementations::create,
                new Workload.Settings(threads, operations, seed, patience));
        assertTrue(r.errors().isEmpty(), Implementations.name() + ": a worker stopped on " + r.errors());
        Verdict v = HistoryChecker.check(r.parse());
        System.out.printf("%s, %d threads, seed %d: %s%n", Implementations.name(), threads, seed, v.summary());
        assertTrue(v.linearizable(), Implementations.name() + ": " + v);
        assertTrue(r.finished(), Implementations.name() + ": the workload did not finish within " + patience
                + " (a call stayed blocked: a lost wake-up or a hang); the history up to then is linearizable");
    }
}
