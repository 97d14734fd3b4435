package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The checker's scale, by configurations counted, not by time: a recorded history with a hundred
 * threads blocked at once is decided within a budget of a few configurations per operation.
 */
class CheckerScaleTest {

    /**
     * 128 workers on 3 buffers (made by {@code memallocator record --threads 128 --ops 1500 --seed 1};
     * a recording, not made afresh, since which order explains a run depends on its interleaving):
     * most of them wait in GetBuffer at any time, and the streamed search alone, which follows every
     * order of the calls open, held hundreds of thousands of configurations. The depth-first search
     * finds one explaining order within four configurations per operation.
     */
    @Test
    @Timeout(120)
    void aRecorded128ThreadHistoryIsDecidedWithinAFewConfigurationsPerOperation() throws IOException {
        Path f = Path.of("src/test/resources/checker/record-128-threads.jsonl");
        History h = History.read(f);
        assertEquals(128, h.threads().size());
        long budget = 4L * h.operations().size();
        Verdict v = new HistoryChecker(budget).verdict(h);
        assertEquals(Verdict.Outcome.LINEARIZABLE, v.outcome(), v.summary());
        assertTrue(v.configurations() <= budget, v.summary());
        assertEquals(v.operations(), v.linearization().size(), "a witness names every operation: " + v.summary());
        Verdict streamed = new HistoryChecker(budget).verdict(f);
        assertEquals(Verdict.Outcome.LINEARIZABLE, streamed.outcome(), streamed.summary());
    }
}
