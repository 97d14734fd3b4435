package org.memallocator.modeltests.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memallocator.SpecAction;
import org.memallocator.modeltests.stateful.AllocatorActionsProperties;

/**
 * The spec's actions, the jqwik actions that test the implementation against them, and the
 * {@link SpecAction} constants the implementation reports are the same set: the actions {@code
 * Next} of {@code spec/MemAllocator.tla} applies (read with SANY, {@link NextActions}), the
 * actions of {@link AllocatorActionsProperties#actionNames()}, and {@link SpecAction}'s constants.
 * The allowed differences: {@code Terminating}, the stuttering step once the allocator is
 * destroyed, is in Next and has a jqwik action, but is not a SpecAction (no call takes it); and
 * {@code Quit}, a thread stopping for good, exists only in the closed-world models (no
 * implementation step, no jqwik action, no SpecAction).
 *
 * <p>The two other tests feed the check a copy of the spec with an action renamed and one with an
 * action dropped from Next, and require it to name exactly what differs.
 */
class SpecActionsDriftTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));
    private static final Path SPEC = REPO.resolve("spec/MemAllocator.tla");
    /** In Next, not a SpecAction: no implementation call takes it. */
    private static final String STUTTER = "Terminating";
    /** In Next, enabled only in the closed world: no implementation step, no jqwik action. */
    private static final String CLOSED_WORLD_ONLY = "Quit";

    /** Every difference between the three sets, one line each; empty when they agree. */
    static List<String> drift(Set<String> next, Set<String> jqwik, Set<String> specActions) {
        List<String> problems = new ArrayList<>();
        for (String a : new TreeSet<>(next)) {
            if (a.equals(CLOSED_WORLD_ONLY)) {
                continue;
            }
            if (!jqwik.contains(a)) {
                problems.add("Next applies " + a + ", but no jqwik action of AllocatorActionsProperties is named " + a);
            }
            if (!specActions.contains(a) && !a.equals(STUTTER)) {
                problems.add("Next applies " + a + ", but SpecAction has no constant " + a);
            }
        }
        for (String a : new TreeSet<>(jqwik)) {
            if (!next.contains(a)) {
                problems.add("jqwik action " + a + " is not an action of Next");
            }
        }
        for (String a : new TreeSet<>(specActions)) {
            if (!next.contains(a)) {
                problems.add("SpecAction." + a + " is not an action of Next");
            }
        }
        if (specActions.contains(STUTTER)) {
            problems.add("SpecAction." + STUTTER + " exists, but no implementation call takes the stuttering step");
        }
        if (specActions.contains(CLOSED_WORLD_ONLY) || jqwik.contains(CLOSED_WORLD_ONLY)) {
            problems.add(CLOSED_WORLD_ONLY + " is a closed-world model step, but the implementation or jqwik has it");
        }
        return problems;
    }

    private static Set<String> specActions() {
        return EnumSet.allOf(SpecAction.class).stream().map(Enum::name).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    @Test
    void nextTheJqwikActionsAndSpecActionAgree() {
        NextActions.Result next = NextActions.of(SPEC, "Next");
        assertEquals(List.of(), next.unrecognised(), "constructs in Next the walk does not understand");
        Set<String> jqwik = AllocatorActionsProperties.actionNames();
        List<String> problems = drift(next.actions(), jqwik, specActions());
        System.out.printf("SpecActionsDriftTest: Next applies %d actions %s; %d jqwik actions; %d SpecActions%n",
                next.actions().size(), next.actions(), jqwik.size(), specActions().size());
        assertEquals(List.of(), problems, "the spec, the jqwik actions and SpecAction have drifted apart");
        assertEquals(16, next.actions().size(), "Next's actions: " + next.actions());
        assertTrue(next.actions().contains(CLOSED_WORLD_ONLY), "Next applies " + CLOSED_WORLD_ONLY);
    }

    /** The check fails on a spec whose action WaitTimedOut was renamed WaitExpired, naming both. */
    @Test
    void aRenamedActionIsReported(@TempDir Path dir) throws IOException {
        Path copy = dir.resolve("MemAllocator.tla");
        String text = Files.readString(SPEC);
        assertTrue(text.contains("WaitTimedOut(t) =="), "the spec defines WaitTimedOut(t)");
        Files.writeString(copy, text.replace("WaitTimedOut", "WaitExpired"));
        Set<String> next = NextActions.of(copy, "Next").actions();
        assertTrue(next.contains("WaitExpired") && !next.contains("WaitTimedOut"), "SANY read the copy: " + next);
        List<String> problems = drift(next, AllocatorActionsProperties.actionNames(), specActions());
        assertEquals(List.of(
                "Next applies WaitExpired, but no jqwik action of AllocatorActionsProperties is named WaitExpired",
                "Next applies WaitExpired, but SpecAction has no constant WaitExpired",
                "jqwik action WaitTimedOut is not an action of Next",
                "SpecAction.WaitTimedOut is not an action of Next"), problems);
    }

    /** The check fails on a spec whose Next no longer applies WaitInterrupted (still defined). */
    @Test
    void anActionDroppedFromNextIsReported(@TempDir Path dir) throws IOException {
        Path copy = dir.resolve("MemAllocator.tla");
        String text = Files.readString(SPEC);
        String line = "          \\/ WaitInterrupted(t)\n";
        assertTrue(text.contains(line), "Next has the line " + line.strip());
        Files.writeString(copy, text.replace(line, ""));
        List<String> problems = drift(NextActions.of(copy, "Next").actions(),
                AllocatorActionsProperties.actionNames(), specActions());
        assertEquals(List.of(
                "jqwik action WaitInterrupted is not an action of Next",
                "SpecAction.WaitInterrupted is not an action of Next"), problems);
    }
}
