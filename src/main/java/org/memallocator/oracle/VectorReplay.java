package org.memallocator.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.memallocator.model.MemAllocatorModel;
import org.memallocator.model.State;
import org.memallocator.model.Transition;

/**
 * The spec state before a step of a vector, for failure reports: replays the spec actions that
 * the earlier steps stand for (their {@code spec} labels, as TLC writes them) on the executable
 * model of the set's constants ({@code index.json}'s {@code generatedFrom}). Labels of no spec
 * step (the driver's clean-up, a Recheck) are passed over.
 */
final class VectorReplay {

    private VectorReplay() {
    }

    /** The model of {@code index.json}'s {@code generatedFrom}, or empty if it does not say. */
    static Optional<MemAllocatorModel> model(JsonNode index) {
        JsonNode from = index.get("generatedFrom");
        if (from == null || !from.path("threads").isArray() || !from.path("maxBuffers").isInt()
                || !from.path("maxRefs").isInt()) {
            return Optional.empty();
        }
        List<String> threads = new ArrayList<>();
        from.get("threads").forEach(t -> threads.add(t.asText()));
        try {
            return Optional.of(new MemAllocatorModel(threads, from.get("maxBuffers").asInt(),
                    from.get("maxRefs").asInt()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The spec state before step {@code number} (1-based), or empty if a label does not replay. */
    static Optional<State> before(MemAllocatorModel model, JsonNode vector, int number) {
        State s = model.init();
        JsonNode steps = vector.get("steps");
        for (int i = 0; i < number - 1 && i < steps.size(); i++) {
            for (JsonNode label : steps.get(i).path("spec")) {
                String l = label.asText();
                if (l.startsWith("(") || l.contains(" (by the driver")) {
                    continue;
                }
                Optional<State> next = next(model, s, l);
                if (next.isEmpty()) {
                    return Optional.empty();
                }
                s = next.get();
            }
        }
        return Optional.of(s);
    }

    private static Optional<State> next(MemAllocatorModel model, State s, String label) {
        for (Transition t : model.successors(s)) {
            if (t.label().equals(label)) {
                return Optional.of(t.target());
            }
        }
        return Optional.empty();
    }
}
