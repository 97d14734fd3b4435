package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.memallocator.MonitorMemAllocator;

/**
 * The checker's search (memo, candidates, packing, the eager placement of read-only operations,
 * pending operations) against a brute-force search over every order: on small recorded histories,
 * cut at random and with one outcome changed at random, both must agree. And on larger recorded
 * histories with many threads, the checker must accept.
 */
class CheckerDifferentialTest {

    /** Every order of the operations that respects real time, without memo or shortcuts. */
    static boolean bruteForce(History h) {
        HistoryChecker.Model m = new HistoryChecker.Model(h);
        List<History.Operation> ops = h.operations();
        return search(m, ops, new boolean[ops.size()], m.init());
    }

    private static boolean search(HistoryChecker.Model m, List<History.Operation> ops, boolean[] placed,
                                  CheckerState s) {
        boolean allCompletedPlaced = true;
        for (History.Operation o : ops) {
            allCompletedPlaced &= placed[o.index()] || o.pending();
        }
        if (allCompletedPlaced) {
            return true;
        }
        for (History.Operation o : ops) {
            if (placed[o.index()] || !eligible(ops, placed, o)) {
                continue;
            }
            for (CheckerState n : HistoryChecker.statesAfter(m, s, o)) {
                placed[o.index()] = true;
                boolean ok = search(m, ops, placed, n);
                placed[o.index()] = false;
                if (ok) {
                    return true;
                }
            }
        }
        return false;
    }

    /** No unplaced operation returned before {@code o} was called. */
    private static boolean eligible(List<History.Operation> ops, boolean[] placed, History.Operation o) {
        for (History.Operation p : ops) {
            if (!placed[p.index()] && p != o && !p.pending() && p.returnEvent() < o.callEvent()) {
                return false;
            }
        }
        return true;
    }

    /** A recorded history, cut at a random event, with (half the time) one outcome changed. */
    private static String variant(SplittableRandom random) throws IOException {
        Workload.Recording r = Workload.run(MonitorMemAllocator::new,
                new Workload.Settings(1 + random.nextInt(3), 6 + random.nextInt(6), random.nextLong(),
                        Duration.ofSeconds(60), Duration.ZERO)); // every worker finishes: nothing to settle
        List<String> lines = new ArrayList<>(r.history().lines().toList());
        lines = new ArrayList<>(lines.subList(0, 1 + random.nextInt(lines.size())));
        if (random.nextBoolean()) {
            List<Integer> returns = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains("\"return\"")) {
                    returns.add(i);
                }
            }
            if (!returns.isEmpty()) {
                int i = returns.get(random.nextInt(returns.size()));
                ObjectNode e = (ObjectNode) VectorJson.MAPPER.readTree(lines.get(i));
                if (e.has("sample")) {
                    e.put("sample", e.get("sample").asLong() + (random.nextBoolean() ? 1 : -1));
                } else if (e.has("refs")) {
                    e.put("refs", Math.max(0, e.get("refs").asInt() + (random.nextBoolean() ? 1 : -1)));
                } else {
                    String[] outcomes = {"S_OK", "VFW_E_NOT_COMMITTED", "VFW_E_TIMEOUT", "VFW_E_SIZENOTSET",
                            "VFW_E_ALREADY_COMMITTED", "VFW_E_BUFFERS_OUTSTANDING", "INTERRUPTED"};
                    String hr = outcomes[random.nextInt(outcomes.length)];
                    boolean needsResult = hr.equals("S_OK") && (e.get("op").asText().equals("GetBuffer")
                            || e.get("op").asText().endsWith("Properties"));
                    e.put("hr", needsResult ? "VFW_E_TIMEOUT" : hr);
                }
                lines.set(i, VectorJson.compact(e));
            }
        }
        return String.join("\n", lines) + "\n";
    }

    @Test
    void theSearchAgreesWithEveryOrderOnSmallHistories() throws IOException {
        SplittableRandom random = new SplittableRandom(20_241_122L);
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 400; i++) {
            String text = variant(random);
            History h = History.parse(text);
            if (h.operations().size() > 9) {
                continue; // brute force: at most 9! orders
            }
            boolean expected = bruteForce(h);
            Verdict v = HistoryChecker.check(h);
            assertEquals(expected, v.linearizable(), "the checker says " + v + "\nfor\n" + text);
            if (expected) {
                accepted++;
            } else {
                rejected++;
            }
        }
        assertTrue(accepted > 50 && rejected > 50, "too one-sided: " + accepted + " accepted, " + rejected + " rejected");
    }

    @Test
    void recordedHistoriesWithManyThreadsAreAcceptedWithinABudget() {
        for (int threads : new int[] {2, 8, 16}) {
            Workload.Recording r = Workload.run(MonitorMemAllocator::new, new Workload.Settings(threads, 3000, threads));
            // the frontier stays small: a million configurations held at once is far more than these need
            Verdict v = new HistoryChecker(1_000_000).verdict(r.parse());
            assertTrue(v.linearizable(), v.toString());
        }
    }
}
