package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.memallocator.AllocatorProperties;
import org.memallocator.HResult;
import org.memallocator.MonitorMemAllocator;
import org.memallocator.model.MemAllocatorModel;
import org.memallocator.model.Request;
import org.memallocator.model.State;

/**
 * The arithmetic surface vectors: their expected values are the literal ones worked out by hand in
 * PORTING.md section 2 (so a change to {@link AllocatorProperties}' rules cannot silently move
 * them), MonitorMemAllocator passes them, and the executable model, replaying their allocator
 * steps with {@link Request#of}, gives the same outcomes.
 */
class SurfaceVectorsTest {

    /** The granted cbBuffer of each request of {@link SurfaceVectors#ROUNDING}, worked out by hand. */
    private static final List<Integer> ROUNDED_SIZES = List.of(100, 7, 65536, 65436, 0, 0, -16, -5, 107, 104, 104,
            Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE - 7, 65537, Integer.MIN_VALUE, -2147483647);

    /** Commit's outcome for each stored request of {@link SurfaceVectors#LAYOUTS}. */
    private static final List<HResult> COMMIT_RESULTS = List.of(
            HResult.VFW_E_SIZENOTSET, HResult.VFW_E_SIZENOTSET, HResult.VFW_E_SIZENOTSET, HResult.VFW_E_SIZENOTSET,
            HResult.VFW_E_SIZENOTSET, HResult.VFW_E_SIZENOTSET, HResult.E_OUTOFMEMORY, HResult.E_OUTOFMEMORY,
            HResult.E_OUTOFMEMORY, HResult.E_OUTOFMEMORY, HResult.E_OUTOFMEMORY, HResult.E_OUTOFMEMORY,
            HResult.E_OUTOFMEMORY, HResult.S_OK);

    @Test
    void theRoundingVectorGrantsTheSizesWorkedOutByHand() {
        List<Integer> granted = SurfaceVectors.ROUNDING.stream().map(p -> p.rounded().cbBuffer()).toList();
        assertEquals(ROUNDED_SIZES, granted);
        JsonNode steps = SurfaceVectors.rounding().get("steps");
        for (int i = 0; i < ROUNDED_SIZES.size(); i++) {
            assertEquals(ROUNDED_SIZES.get(i).intValue(), steps.get(2 * i).at("/expect/props/cbBuffer").intValue());
            assertEquals(ROUNDED_SIZES.get(i).intValue(), steps.get(2 * i + 1).at("/expect/props/cbBuffer").intValue());
        }
    }

    @Test
    void theCommitLayoutVectorExpectsTheResultsWorkedOutByHand() {
        JsonNode steps = SurfaceVectors.commitLayout().get("steps");
        for (int i = 0; i < COMMIT_RESULTS.size(); i++) {
            assertEquals(COMMIT_RESULTS.get(i).name(), steps.get(2 * i + 1).at("/expect/hr").asText(),
                    SurfaceVectors.LAYOUTS.get(i).toString());
        }
    }

    @Test
    void monitorMemAllocatorPassesEverySurfaceVector() {
        VectorRunner runner = new VectorRunner(MonitorMemAllocator::new);
        for (ObjectNode v : SurfaceVectors.all()) {
            VectorRunner.Result r = runner.run(v);
            assertEquals(VectorRunner.Status.PASSED, r.status(), r.toString());
        }
    }

    @Test
    void theExecutableModelGivesTheSameOutcomes() {
        for (ObjectNode v : List.of(SurfaceVectors.rounding(), SurfaceVectors.commitLayout(),
                SurfaceVectors.alignmentExtremes(), SurfaceVectors.properties())) {
            int replayed = replayOnModel(v);
            assertTrue(replayed > 4, v.get("name") + ": " + replayed + " steps replayed");
        }
    }

    /** Replays a vector's allocator steps on the model; returns how many it checked. */
    private static int replayOnModel(JsonNode vector) {
        MemAllocatorModel model = new MemAllocatorModel(List.of("main"), 65536, 2);
        State s = model.init();
        Map<String, Integer> buffers = new HashMap<>();
        int checked = 0;
        for (JsonNode step : vector.get("steps")) {
            State before = s;
            String op = step.get("op").asText();
            JsonNode expect = step.get("expect");
            Optional<State> next = switch (op) {
                case "SetProperties" -> model.setProperties(s, "main", Request.of(VectorJson.props(step.at("/args/request"))));
                case "Commit" -> model.commit(s, "main");
                case "Decommit" -> model.decommit(s, "main");
                case "GetBuffer" -> {
                    if (!expect.get("hr").asText().equals("S_OK")) {
                        yield model.getBufferTimeout(before, "main").or(() -> model.getBufferNotCommitted(before, "main"));
                    }
                    int b = s.freeList().last();
                    buffers.put(expect.get("sample").asText(), b);
                    yield model.getBufferOk(s, "main", b);
                }
                case "Release" -> model.release(s, buffers.get(step.at("/args/sample").asText()));
                default -> null; // not a spec step (GetProperties, GetSize, ...)
            };
            if (next == null) {
                continue;
            }
            String where = vector.get("name").asText() + " step " + step.get("step").asInt();
            assertTrue(next.isPresent(), where + ": the model cannot take " + op);
            s = next.get();
            if (!op.equals("Release")) {
                assertEquals(expect.get("hr").asText(), s.result().get("main").name(), where);
            }
            checked++;
        }
        return checked;
    }
}
