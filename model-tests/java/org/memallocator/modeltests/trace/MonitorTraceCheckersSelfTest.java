package org.memallocator.modeltests.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.memallocator.MonitorAction;

/**
 * The monitor-level trace checkers themselves: a hand-written monitor trace (three threads, two
 * buffers: two waiters woken by two releases before either runs, a barging get, a woken waiter
 * that waits again, a deadline, an interrupt, a decommit that wakes two waiters) is accepted;
 * copies broken at a known event, each the trace a lost wake-up or a wrong wake-up leaves, are
 * rejected exactly there; an event without its wait queue is malformed. The executable checker
 * sees every case; TLC ({@code spec/MemAllocatorMonitorTrace.tla}) the valid trace and the first
 * broken one, at the same position (each TLC run forks a JVM); {@code MonitorTraceValidationTest}
 * compares the two on real traces too.
 *
 * <p>Not a check of the implementation: the kill matrix need not run this class.
 */
class MonitorTraceCheckersSelfTest {

    static final List<String> THREADS = List.of("t1", "t2", "t3");
    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));

    private static MonitorTraceEvent ev(String action, String t, int b, String hr, int refs, String mode,
                                        String... queue) {
        return new MonitorTraceEvent(new TraceEvent(action, t, b, hr, refs, 0, "valid", true, mode), List.of(queue));
    }

    private static MonitorTraceEvent cond(String action, String t, String... queue) {
        return ev(action, t, 0, "NONE", 0, "none", queue);
    }

    private static MonitorTraceEvent set(String t, int c, String... queue) {
        return new MonitorTraceEvent(new TraceEvent("SetProperties", t, 0, "S_OK", 0, c, "valid", true, "none"),
                List.of(queue));
    }

    /** The hand-written trace; the comments give the spec's wait queue and free stack after each event. */
    static List<MonitorTraceEvent> valid() {
        return List.of(
                set("t3", 2),                                                  // 1
                ev("Commit", "t3", 0, "S_OK", 0, "none"),                      // 2  free [2, 1]
                ev("GetBufferOk", "t1", 1, "S_OK", 0, "nowait"),               // 3
                ev("GetBufferOk", "t1", 2, "S_OK", 0, "nowait"),               // 4  free []
                ev("GetBufferBlocks", "t2", 0, "NONE", 0, "wait"),             // 5
                cond("Await", "t2"),                                           // 6  queue [t2]
                ev("GetBufferBlocks", "t3", 0, "NONE", 0, "wait", "t2"),       // 7
                cond("Await", "t3", "t2"),                                     // 8  queue [t2, t3]
                cond("Signal", "t1", "t3"),                                    // 9  the head, t2, is woken
                ev("Release", "t1", 1, "S_OK", 0, "none", "t3"),               // 10 free [1]
                cond("Signal", "t1"),                                          // 11 t3 woken before t2 has run
                ev("Release", "t1", 2, "S_OK", 0, "none"),                     // 12 free [1, 2]
                cond("AwaitReturns", "t3"),                                    // 13
                ev("WakeWithSample", "t3", 2, "S_OK", 0, "wait"),              // 14 free [1]
                cond("AwaitReturns", "t2"),                                    // 15
                ev("WakeWithSample", "t2", 1, "S_OK", 0, "wait"),              // 16 free []
                ev("GetBufferBlocks", "t1", 0, "NONE", 0, "wait"),             // 17
                cond("Await", "t1"),                                           // 18 queue [t1]
                cond("Signal", "t2"),                                          // 19 t1 woken
                ev("Release", "t2", 1, "S_OK", 0, "none"),                     // 20 free [1]
                ev("GetBufferOk", "t3", 1, "S_OK", 0, "nowait"),               // 21 t3 barges in: free []
                cond("AwaitReturns", "t1"),                                    // 22
                cond("Await", "t1"),                                           // 23 nothing free: waits again
                ev("GetBufferBlocks", "t2", 0, "NONE", 0, "timed", "t1"),      // 24
                cond("Await", "t2", "t1"),                                     // 25 queue [t1, t2]; t2's deadline passes
                cond("AwaitReturns", "t2", "t1"),                              // 26
                ev("WaitTimedOut", "t2", 0, "VFW_E_TIMEOUT", 0, "timed", "t1"), // 27 t1 is interrupted
                cond("AwaitThrows", "t1"),                                     // 28
                ev("WaitInterrupted", "t1", 0, "INTERRUPTED", 0, "wait"),      // 29
                ev("GetBufferBlocks", "t1", 0, "NONE", 0, "wait"),             // 30
                cond("Await", "t1"),                                           // 31
                ev("GetBufferBlocks", "t2", 0, "NONE", 0, "wait", "t1"),       // 32
                cond("Await", "t2", "t1"),                                     // 33 queue [t1, t2]
                cond("SignalAll", "t3"),                                       // 34 both woken
                ev("Decommit", "t3", 0, "S_OK", 0, "none"),                    // 35 pending: two samples out
                cond("AwaitReturns", "t2"),                                    // 36
                ev("WakeNotCommitted", "t2", 0, "VFW_E_NOT_COMMITTED", 0, "wait"), // 37
                cond("AwaitReturns", "t1"),                                    // 38
                ev("WakeNotCommitted", "t1", 0, "VFW_E_NOT_COMMITTED", 0, "wait"), // 39
                ev("Close", "t3", 0, "S_OK", 0, "none"),                       // 40
                ev("Release", "t3", 2, "S_OK", 0, "none"),                     // 41
                ev("Release", "t3", 1, "S_OK", 0, "none"));                    // 42 completes the decommit
    }

    static List<MonitorTraceEvent> without(int position) {
        List<MonitorTraceEvent> copy = new ArrayList<>(valid());
        copy.remove(position - 1);
        return copy;
    }

    static List<MonitorTraceEvent> with(int position, MonitorTraceEvent e) {
        List<MonitorTraceEvent> copy = new ArrayList<>(valid());
        copy.set(position - 1, e);
        return copy;
    }

    static List<MonitorTraceEvent> inserted(int position, MonitorTraceEvent e) {
        List<MonitorTraceEvent> copy = new ArrayList<>(valid());
        copy.add(position - 1, e);
        return copy;
    }

    /** Broken copies, each with the position where it must be rejected. */
    record Broken(String name, List<MonitorTraceEvent> trace, int position) {
    }

    static List<Broken> broken() {
        return List.of(
                new Broken("a final release with a waiter that calls no signal()", without(11), 11),
                new Broken("a signal that wakes the tail, not the head",
                        with(10, ev("Release", "t1", 1, "S_OK", 0, "none", "t2")), 10),
                new Broken("an untimed waiter that returns from await() with nobody waking it",
                        inserted(9, cond("AwaitReturns", "t2", "t3")), 9),
                new Broken("a woken waiter that waits again with a buffer free", without(21), 22),
                new Broken("a decommit with waiters that calls no signalAll()", without(34), 34),
                new Broken("a signalAll that leaves a waiter in the queue",
                        with(35, ev("Decommit", "t3", 0, "S_OK", 0, "none", "t2")), 35),
                new Broken("a release without waiters that signals",
                        inserted(41, cond("Signal", "t3")), 42));
    }

    @Test
    void theHandWrittenTraceTakesEveryConditionStepAndIsAccepted() {
        Set<String> taken = valid().stream().map(MonitorTraceEvent::action).collect(Collectors.toSet());
        Set<String> missing = EnumSet.allOf(MonitorAction.class).stream().map(Enum::name)
                .filter(a -> !taken.contains(a)).collect(Collectors.toSet());
        assertEquals(Set.of(), missing);
        MonitorTraceChecker checker = MonitorTraceChecker.forTrace(THREADS, valid());
        TraceVerdict v = checker.check(valid());
        assertEquals(TraceVerdict.Outcome.ACCEPTED, v.outcome(), v.describe(valid()));
        assertEquals(Set.of(MonitorTraceChecker.SECOND_SIGNAL, MonitorTraceChecker.WAITS_AGAIN),
                checker.situations().keySet(), "the situations of the hand-written trace");
    }

    @Test
    void brokenTracesAreRejectedWhereTheyBreak() {
        for (Broken b : broken()) {
            TraceVerdict v = MonitorTraceChecker.forTrace(THREADS, b.trace()).check(b.trace());
            assertEquals(TraceVerdict.Outcome.REJECTED, v.outcome(), b.name() + "\n" + v.describe(b.trace()));
            assertEquals(b.position(), v.position(), b.name() + "\n" + v.describe(b.trace()));
            System.out.println("MonitorTraceCheckersSelfTest: " + b.name() + ": rejected at " + v.position() + ": "
                    + v.reason().lines().findFirst().orElse(""));
        }
    }

    @Test
    void anEventWithoutItsWaitQueueIsMalformed() {
        List<MonitorTraceEvent> trace = with(5, new MonitorTraceEvent(valid().get(4).event(), null));
        TraceVerdict v = MonitorTraceChecker.forTrace(THREADS, trace).check(trace);
        assertEquals(TraceVerdict.Outcome.MALFORMED, v.outcome(), v.describe(trace));
        assertEquals(5, v.position());
    }

    /** TLC: the valid trace is accepted, and the lost signal is rejected where the model rejects it. */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tlcGivesTheSameVerdictsAtTheSamePositions() throws Exception {
        MonitorTlcTraceChecker tlc = new MonitorTlcTraceChecker(REPO.resolve("spec"),
                REPO.resolve("target/monitor-trace-validation"), Duration.ofMinutes(2));
        TraceVerdict valid = tlc.check("self-valid", THREADS, valid());
        assertEquals(TraceVerdict.Outcome.ACCEPTED, valid.outcome(), valid.describe(valid()));
        Broken b = broken().get(0);
        TraceVerdict v = tlc.check("self-broken", THREADS, b.trace());
        assertEquals(TraceVerdict.Outcome.REJECTED, v.outcome(), b.name() + "\n" + v.describe(b.trace()));
        assertEquals(b.position(), v.position(), b.name() + "\n" + v.describe(b.trace()));
    }
}
