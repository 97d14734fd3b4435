package org.memallocator.modeltests.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.memallocator.SpecAction;
import org.memallocator.modeltests.support.Implementations;

/**
 * The trace checkers themselves: a hand-written trace that takes every spec action is accepted by
 * both; traces that break the spec at a known event are rejected by both at that position; traces
 * with an event the checkers cannot read are reported as malformed at its position, never skipped;
 * a real trace with one event's result changed is rejected at exactly that event. The model
 * checker sees every case, TLC one of each kind (each TLC run costs a JVM fork and a few seconds).
 *
 * <p>Not a check of the implementation: the kill matrix need not run this class.
 */
class TraceCheckersSelfTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));
    private static final List<String> THREADS = List.of("t1", "t2");

    private static TraceEvent ev(String action, String t, int b, String hr, int refs, String mode) {
        return new TraceEvent(action, t, b, hr, refs, 0, "valid", true, mode);
    }

    private static TraceEvent set(String t, int c, String hr) {
        return new TraceEvent("SetProperties", t, 0, hr, 0, c, "valid", true, "none");
    }

    /** Every spec action once or more, one buffer, two threads. */
    static List<TraceEvent> valid() {
        return List.of(
                set("t1", 1, "S_OK"),
                ev("GetBufferNotCommitted", "t2", 0, "VFW_E_NOT_COMMITTED", 0, "wait"),
                ev("Commit", "t1", 0, "S_OK", 0, "none"),
                ev("GetBufferOk", "t1", 1, "S_OK", 0, "nowait"),
                ev("GetBufferTimeout", "t2", 0, "VFW_E_TIMEOUT", 0, "nowait"),
                ev("GetBufferBlocks", "t2", 0, "NONE", 0, "timed"),
                ev("AddRef", "t1", 1, "S_OK", 2, "none"),
                ev("WaitTimedOut", "t2", 0, "VFW_E_TIMEOUT", 0, "timed"),
                ev("GetBufferBlocks", "t2", 0, "NONE", 0, "wait"),
                ev("Release", "t1", 1, "S_OK", 1, "none"),
                ev("Release", "t1", 1, "S_OK", 0, "none"),
                ev("WakeWithSample", "t2", 1, "S_OK", 0, "wait"),
                ev("GetBufferBlocks", "t1", 0, "NONE", 0, "wait"),
                ev("WaitInterrupted", "t1", 0, "INTERRUPTED", 0, "wait"),
                ev("GetBufferBlocks", "t1", 0, "NONE", 0, "wait"),
                ev("Decommit", "t2", 0, "S_OK", 0, "none"),
                ev("WakeNotCommitted", "t1", 0, "VFW_E_NOT_COMMITTED", 0, "wait"),
                set("t1", 1, "VFW_E_BUFFERS_OUTSTANDING"),
                ev("Close", "t1", 0, "S_OK", 0, "none"),
                ev("Release", "t1", 1, "S_OK", 0, "none"));
    }

    /** {@code trace} with event {@code position} (1-based) replaced. */
    private static List<TraceEvent> with(List<TraceEvent> trace, int position, UnaryOperator<TraceEvent> change) {
        List<TraceEvent> copy = new ArrayList<>(trace);
        copy.set(position - 1, change.apply(copy.get(position - 1)));
        return copy;
    }

    private static TraceVerdict model(List<TraceEvent> trace) {
        return ModelTraceChecker.forTrace(THREADS, trace).check(trace);
    }

    private static TlcTraceChecker tlc() {
        return new TlcTraceChecker(REPO.resolve("spec"), REPO.resolve("target/trace-validation"), Duration.ofMinutes(2));
    }

    private static void assertVerdict(TraceVerdict.Outcome outcome, int position, TraceVerdict v, List<TraceEvent> trace) {
        assertEquals(outcome, v.outcome(), v.describe(trace));
        assertEquals(position, v.position(), v.describe(trace));
    }

    @Test
    void theHandWrittenTraceTakesEveryActionAndIsAccepted() {
        Set<SpecAction> taken = valid().stream().map(e -> SpecAction.valueOf(e.action()))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(SpecAction.class)));
        assertEquals(EnumSet.allOf(SpecAction.class), taken);
        assertVerdict(TraceVerdict.Outcome.ACCEPTED, 0, model(valid()), valid());
    }

    /** Each breaks the spec at a known event; the model rejects it exactly there. */
    @Test
    void tracesThatBreakTheSpecAreRejectedAtTheBreakingEvent() {
        List<TraceEvent> untimedTimesOut = with(valid(), 6, e -> ev("GetBufferBlocks", "t2", 0, "NONE", 0, "wait"));
        assertVerdict(TraceVerdict.Outcome.REJECTED, 8, model(untimedTimesOut), untimedTimesOut);
        List<TraceEvent> wrongResult = with(valid(), 4, e -> ev("GetBufferOk", "t1", 1, "VFW_E_TIMEOUT", 0, "nowait"));
        assertVerdict(TraceVerdict.Outcome.REJECTED, 4, model(wrongResult), wrongResult);
        List<TraceEvent> lostRelease = new ArrayList<>(valid());
        lostRelease.remove(10); // the final release: the waiter then takes a buffer that is not free
        assertVerdict(TraceVerdict.Outcome.REJECTED, 11, model(lostRelease), lostRelease);
        List<TraceEvent> accepts = with(valid(), 18, e -> set("t1", 1, "S_OK"));
        assertVerdict(TraceVerdict.Outcome.REJECTED, 18, model(accepts), accepts);
        List<TraceEvent> wrongCount = with(valid(), 7, e -> ev("AddRef", "t1", 1, "S_OK", 3, "none"));
        assertVerdict(TraceVerdict.Outcome.REJECTED, 7, model(wrongCount), wrongCount);
        List<TraceEvent> nowaitBlocks = with(valid(), 9, e -> ev("GetBufferBlocks", "t2", 0, "NONE", 0, "nowait"));
        assertVerdict(TraceVerdict.Outcome.REJECTED, 9, model(nowaitBlocks), nowaitBlocks);
    }

    /** Events the checkers cannot read are reported with their position, never skipped. */
    @Test
    void malformedEventsAreReportedWithTheirPosition() {
        List<TraceEvent> unknownAction = with(valid(), 5, e -> ev("GetBufferBogus", "t2", 0, "VFW_E_TIMEOUT", 0, "nowait"));
        assertVerdict(TraceVerdict.Outcome.MALFORMED, 5, model(unknownAction), unknownAction);
        List<TraceEvent> unknownThread = with(valid(), 3, e -> ev("Commit", "t9", 0, "S_OK", 0, "none"));
        assertVerdict(TraceVerdict.Outcome.MALFORMED, 3, model(unknownThread), unknownThread);
        List<TraceEvent> noRequest = with(valid(), 1, e -> new TraceEvent("SetProperties", "t1", 0, "S_OK", 0, -1,
                "valid", true, "none"));
        assertVerdict(TraceVerdict.Outcome.MALFORMED, 1, model(noRequest), noRequest);
        List<TraceEvent> noResult = with(valid(), 3, e -> ev("Commit", "t1", 0, "null", 0, "none"));
        assertVerdict(TraceVerdict.Outcome.MALFORMED, 3, model(noResult), noResult);
        List<TraceEvent> noBuffer = with(valid(), 10, e -> ev("Release", "t1", 0, "S_OK", 1, "none"));
        assertVerdict(TraceVerdict.Outcome.MALFORMED, 10, model(noBuffer), noBuffer);
    }

    /** TLC: the same verdicts, one of each kind, at the same positions as the model. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tlcGivesTheSameVerdictsAtTheSamePositions() throws Exception {
        TlcTraceChecker tlc = tlc();
        assertVerdict(TraceVerdict.Outcome.ACCEPTED, 0, tlc.check("self-valid", THREADS, valid()), valid());
        List<TraceEvent> untimedTimesOut = with(valid(), 6, e -> ev("GetBufferBlocks", "t2", 0, "NONE", 0, "wait"));
        assertVerdict(TraceVerdict.Outcome.REJECTED, 8, tlc.check("self-rejected", THREADS, untimedTimesOut),
                untimedTimesOut);
        List<TraceEvent> unknownAction = with(valid(), 5, e -> ev("GetBufferBogus", "t2", 0, "VFW_E_TIMEOUT", 0, "nowait"));
        assertVerdict(TraceVerdict.Outcome.MALFORMED, 5, tlc.check("self-malformed", THREADS, unknownAction),
                unknownAction);
    }

    /**
     * A real trace of the implementation with one event's logged result changed is rejected at
     * exactly that event, by the model for several positions and by TLC for one.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aRealTraceWithOneResultChangedIsRejectedThere() throws Exception {
        long seed = System.nanoTime();
        Workload.Run run = new Workload(Implementations.create(),
                new Workload.Settings(seed, 3, 150, 3, Duration.ofSeconds(30))).run();
        assertEquals(null, run.problem());
        List<TraceEvent> trace = run.trace();
        TraceVerdict clean = ModelTraceChecker.forTrace(run.threads(), trace).check(trace);
        assertTrue(clean.accepted(), () -> "seed " + seed + ": " + clean.describe(trace));
        SplittableRandom random = new SplittableRandom(seed);
        int tlcPosition = 0;
        List<TraceEvent> tlcTrace = null;
        for (int k = 0; k < 20; k++) {
            int position = 1 + random.nextInt(trace.size());
            List<TraceEvent> changed = with(trace, position, TraceCheckersSelfTest::otherResult);
            TraceVerdict v = ModelTraceChecker.forTrace(run.threads(), changed).check(changed);
            assertVerdict(TraceVerdict.Outcome.REJECTED, position, v, changed);
            if (k == 0) {
                tlcPosition = position;
                tlcTrace = changed;
            }
        }
        TraceVerdict byTlc = tlc().check("self-changed", run.threads(), tlcTrace);
        assertVerdict(TraceVerdict.Outcome.REJECTED, tlcPosition, byTlc, tlcTrace);
    }

    /** The event with a result (or, for sample steps, a count) it cannot have had. */
    private static TraceEvent otherResult(TraceEvent e) {
        if (e.action().equals("AddRef") || e.action().equals("Release")) {
            return new TraceEvent(e.action(), e.thread(), e.buffer(), e.result(), e.refs() + 1, e.count(), e.layout(),
                    e.alignOk(), e.mode());
        }
        String other = e.result().equals("VFW_E_BADALIGN") ? "S_OK" : "VFW_E_BADALIGN";
        return new TraceEvent(e.action(), e.thread(), e.buffer(), other, e.refs(), e.count(), e.layout(),
                e.alignOk(), e.mode());
    }
}
