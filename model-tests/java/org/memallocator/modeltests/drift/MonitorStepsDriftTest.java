package org.memallocator.modeltests.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memallocator.MonitorAction;
import org.memallocator.SpecAction;

/**
 * The monitor spec's actions and the steps the Java reports at the monitor level agree: the
 * actions {@code Next} of {@code spec/MemAllocatorMonitor.tla} applies (read with SANY,
 * {@link NextActions}), and the steps {@code MonitorMemAllocator} reports to a
 * {@link org.memallocator.MonitorTrace}: its contract steps ({@link SpecAction}), each taken inside
 * one monitor action, and its condition steps ({@link MonitorAction}), each named after an
 * operator of the monitor spec and reported inside the monitor actions listed here. These tables
 * are the ones {@code spec/MemAllocatorMonitorTrace.tla} matches events with.
 *
 * <p>Allowed differences: {@code WakesByItself} and {@code Interrupt} happen outside the
 * allocator's locked regions (a deadline, another thread's {@code interrupt()}), so no Java step
 * reports them (the trace spec lets them happen between events); {@code Quit} is a closed-world
 * model step and {@code Terminating} the final stutter.
 *
 * <p>The two other tests feed the check a copy of the spec with an operator renamed and one with
 * an action dropped from Next, and require it to name exactly what differs.
 */
class MonitorStepsDriftTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));
    private static final Path SPEC = REPO.resolve("spec/MemAllocatorMonitor.tla");

    /** The monitor action whose locked region reports each contract step. */
    static final Map<SpecAction, String> STEP_OF = new EnumMap<>(Map.ofEntries(
            Map.entry(SpecAction.SetProperties, "SetProperties"),
            Map.entry(SpecAction.Commit, "Commit"),
            Map.entry(SpecAction.Decommit, "Decommit"),
            Map.entry(SpecAction.Close, "Close"),
            Map.entry(SpecAction.GetBufferOk, "GetBuffer"),
            Map.entry(SpecAction.GetBufferNotCommitted, "GetBuffer"),
            Map.entry(SpecAction.GetBufferTimeout, "GetBuffer"),
            Map.entry(SpecAction.GetBufferBlocks, "GetBuffer"),
            Map.entry(SpecAction.WakeWithSample, "AwaitReturns"),
            Map.entry(SpecAction.WakeNotCommitted, "AwaitReturns"),
            Map.entry(SpecAction.WaitTimedOut, "AwaitReturns"),
            Map.entry(SpecAction.WaitInterrupted, "AwaitReturns"),
            Map.entry(SpecAction.AddRef, "AddRef"),
            Map.entry(SpecAction.Release, "Release")));

    /** The monitor actions whose locked regions report each condition step. */
    static final Map<MonitorAction, Set<String>> INSIDE = new EnumMap<>(Map.of(
            MonitorAction.Await, Set.of("GetBuffer", "AwaitReturns"),
            MonitorAction.Signal, Set.of("Release"),
            MonitorAction.SignalAll, Set.of("Decommit", "Close"),
            MonitorAction.AwaitReturns, Set.of("AwaitReturns"),
            MonitorAction.AwaitThrows, Set.of("AwaitReturns")));

    /** In Next, reported by no Java step: they happen outside the allocator's locked regions. */
    static final Set<String> UNREPORTED = Set.of("WakesByItself", "Interrupt");
    /** In Next, model-only: the closed world's Quit, the final stutter. */
    static final Set<String> MODEL_ONLY = Set.of("Quit", "Terminating");

    /** Every difference, one line each; empty when the spec and the Java's monitor steps agree. */
    static List<String> drift(Set<String> next, Set<String> operators) {
        List<String> problems = new ArrayList<>();
        for (SpecAction a : SpecAction.values()) {
            if (!STEP_OF.containsKey(a)) {
                problems.add("SpecAction." + a + " is taken in no monitor action (STEP_OF)");
            }
        }
        for (MonitorAction a : MonitorAction.values()) {
            if (!INSIDE.containsKey(a)) {
                problems.add("MonitorAction." + a + " is reported in no monitor action (INSIDE)");
            }
            if (!operators.contains(a.name())) {
                problems.add("MonitorAction." + a + " names no operator of the monitor spec");
            }
        }
        Set<String> reported = new TreeSet<>(STEP_OF.values());
        INSIDE.values().forEach(reported::addAll);
        for (String a : reported) {
            if (!next.contains(a)) {
                problems.add("the Java reports steps of " + a + ", which is not an action of Next");
            }
        }
        for (String a : new TreeSet<>(next)) {
            if (!reported.contains(a) && !UNREPORTED.contains(a) && !MODEL_ONLY.contains(a)) {
                problems.add("Next applies " + a + ", but no step the Java reports is taken in it");
            }
        }
        for (String a : new TreeSet<>(UNREPORTED)) {
            if (!next.contains(a)) {
                problems.add(a + " (unreported by the Java) is not an action of Next");
            }
        }
        return problems;
    }

    @Test
    void monitorNextAndTheJavasMonitorStepsAgree() {
        NextActions.Result next = NextActions.of(SPEC, "Next");
        assertEquals(List.of(), next.unrecognised(), "constructs in Next the walk does not understand");
        Set<String> operators = NextActions.definedOperators(SPEC);
        List<String> problems = drift(next.actions(), operators);
        System.out.printf("MonitorStepsDriftTest: Next applies %d actions %s; %d SpecActions, %d MonitorActions%n",
                next.actions().size(), next.actions(), SpecAction.values().length, MonitorAction.values().length);
        assertEquals(List.of(), problems, "the monitor spec and the Java's monitor steps have drifted apart");
    }

    /** Copies the monitor spec (and the contract it instantiates) into {@code dir}, edited. */
    private static Path copy(Path dir, String from, String to) throws IOException {
        String text = Files.readString(SPEC);
        assertTrue(text.contains(from), "the spec contains " + from.strip());
        Files.copy(REPO.resolve("spec/MemAllocator.tla"), dir.resolve("MemAllocator.tla"));
        Path copy = dir.resolve("MemAllocatorMonitor.tla");
        Files.writeString(copy, text.replace(from, to));
        return copy;
    }

    /** The check fails on a spec whose operator SignalAll was renamed Broadcast, naming it. */
    @Test
    void aRenamedConditionOperatorIsReported(@TempDir Path dir) throws IOException {
        Path copy = copy(dir, "SignalAll", "Broadcast");
        List<String> problems = drift(NextActions.of(copy, "Next").actions(), NextActions.definedOperators(copy));
        assertEquals(List.of("MonitorAction.SignalAll names no operator of the monitor spec"), problems);
    }

    /** The check fails on a spec whose Next no longer applies AwaitReturns (still defined). */
    @Test
    void anActionDroppedFromNextIsReported(@TempDir Path dir) throws IOException {
        Path copy = copy(dir, "          \\/ AwaitReturns(t)\n", "");
        List<String> problems = drift(NextActions.of(copy, "Next").actions(), NextActions.definedOperators(copy));
        assertEquals(List.of("the Java reports steps of AwaitReturns, which is not an action of Next"), problems);
    }
}
