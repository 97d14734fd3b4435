package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.memallocator.MonitorMemAllocator;

/**
 * The checker's scale, by configurations counted, not by time: a recorded history with a hundred
 * threads blocked at once is decided within a budget of a few configurations per operation.
 */
class CheckerScaleTest {

    @TempDir
    Path dir;

    /**
     * 128 workers on 3 buffers: most of them wait in GetBuffer at any time, and the streamed
     * search alone, which follows every order of the calls open, ran out of any budget (the
     * 20,000-operation history: undecided after 193,868 configurations held). The depth-first
     * search finds one explaining order at about one configuration per operation.
     */
    @Test
    @Timeout(120)
    void aRecorded128ThreadHistoryIsDecidedWithinAFewConfigurationsPerOperation() throws IOException {
        int ops = 4_000;
        Workload.Recording r = Workload.run(MonitorMemAllocator::new, new Workload.Settings(128, ops, 1));
        assertTrue(r.finished(), r.errors().toString());
        long budget = 4L * ops;
        Verdict v = new HistoryChecker(budget).verdict(r.parse());
        assertEquals(Verdict.Outcome.LINEARIZABLE, v.outcome(), v.summary());
        assertTrue(v.configurations() <= budget, v.summary());
        assertEquals(v.operations(), v.linearization().size(), "a witness names every operation: " + v.summary());
        Path f = dir.resolve("h128.jsonl");
        Files.writeString(f, r.history());
        Verdict streamed = new HistoryChecker(budget).verdict(f);
        assertEquals(Verdict.Outcome.LINEARIZABLE, streamed.outcome(), streamed.summary());
    }
}
