package org.memallocator.modeltests.stateful;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;
import net.jqwik.api.state.Transformer;
import org.memallocator.AllocatorProperties;
import org.memallocator.model.Pc;
import org.memallocator.model.State;
import org.memallocator.modeltests.stateful.AllocatorWorld.Flavour;
import org.opentest4j.TestAbortedException;

/**
 * The implementation under test ({@code Implementations.create()}) against the executable model
 * of {@code spec/MemAllocator.tla}: jqwik action chains with one action per spec action, named
 * exactly as the spec names it ({@link #actions()}; {@code SpecActionsDriftTest} checks the names
 * against the spec's {@code Next}). Each action's precondition is the model's enabling condition;
 * each performs the implementation call(s) on the spec thread's own Java thread, advances the
 * model by the steps the implementation was seen to take, and checks every blocked call that the
 * step must wake returns as the spec says, and every other one stays blocked
 * ({@link AllocatorWorld}). After every step the implementation's observable state must equal the
 * model's abstraction and the model's invariants must hold.
 *
 * <p>Each action is enabled exactly when the model's action is: Release(b) whenever buffer b is
 * out (the final one too, with threads waiting), Decommit and Close with or without waiters,
 * GetBufferOk whenever a buffer is free. The waiters are held ({@link AllocatorWorld}): a Release,
 * Decommit or Close only wakes them, and WakeWithSample and WakeNotCommitted are actions of their
 * own that let a woken waiter run, so "release, release, wake" and "decommit, commit, wake" are
 * generated. WaitTimedOut is a timed getBuffer whose short deadline the test lets pass,
 * WaitInterrupted a {@link Thread#interrupt()} of a blocked thread (or a waiting call made with
 * the interrupt status already set).
 *
 * <p>A failing chain is shortened by this class, not by jqwik (whose shrinking is off: in jqwik
 * 1.9.3 dropping a step of a chain whose actions have preconditions regenerates every later step,
 * and the failing step is lost): {@link ChainMinimizer} replays subsequences on fresh allocators
 * and the failure names the shortest chain that fails the same way, with the spec steps each of
 * its steps took.
 *
 * <p>System properties: {@code memallocator.budget}, {@code ci} (default: 500 chains of up to 40
 * actions) or {@code long} (3000 of up to 80); {@code memallocator.stateful.minimizeSeconds}, the
 * time for shortening a failing chain (15 s, 60 s long; 0: off).
 */
public class AllocatorActionsProperties {

    /** How many tries and how long a chain, by budget. */
    static final class Budget implements AroundPropertyHook {
        static boolean longRun() {
            return "long".equals(System.getProperty("memallocator.budget", "ci"));
        }

        static int tries() {
            return longRun() ? 3000 : 500;
        }

        static int maxSteps() {
            return longRun() ? 80 : 40;
        }

        static Duration patience() {
            return Duration.ofSeconds(longRun() ? 20 : 5);
        }

        /**
         * How long a failing chain may be shortened by replays: {@code
         * memallocator.stateful.minimizeSeconds} if set (0 turns it off, e.g. for a kill matrix
         * that only needs the verdict), else 15 s, 60 s for the long budget.
         */
        static Duration minimizing() {
            return Duration.ofSeconds(Long.getLong("memallocator.stateful.minimizeSeconds", longRun() ? 60 : 15));
        }

        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            context.attributes().setTries(tries());
            return property.execute();
        }

        /** Outermost, so that the tries are set before jqwik starts the property. */
        @Override
        public int aroundPropertyProximity() {
            return -100;
        }
    }

    // ------------------------------------------------------------ the actions

    /**
     * A jqwik action standing for one spec action. Its precondition is the model's enabling
     * condition, read from the state; its transformers' parameters are generated without looking
     * at the state, and a thread or buffer parameter names a first choice that is resolved when
     * the step runs, to the first enabled one in cyclic order from it ({@link #thread},
     * {@link #buffer}). So a step still means something when it is replayed after others were
     * dropped ({@link ChainMinimizer}); the spec steps it took are listed with it.
     */
    abstract static class SpecStep implements Action.Independent<AllocatorWorld> {
        final String specAction;
        final int weight;

        SpecStep(String specAction, int weight) {
            this.specAction = specAction;
            this.weight = weight;
        }

        /** A transformer performing the step {@code body}, replayable with this action's precondition. */
        Transformer<AllocatorWorld> step(String description, Consumer<AllocatorWorld> body) {
            AllocatorWorld.Step step = new AllocatorWorld.Step(description, this::precondition, body);
            return Transformer.mutate(description, w -> w.perform(step));
        }

        @Override
        public Arbitrary<Transformer<AllocatorWorld>> transformer() {
            return transformers();
        }

        abstract Arbitrary<Transformer<AllocatorWorld>> transformers();
    }

    /** The actions of the chain, one per action of the spec's {@code Next}. */
    static List<Action<AllocatorWorld>> actions() {
        return List.of(
                new SetProperties(), new Commit(), new Decommit(), new Close(),
                new GetBufferOk(), new GetBufferNotCommitted(), new GetBufferTimeout(), new GetBufferBlocks(),
                new WakeWithSample(), new WakeNotCommitted(), new WaitTimedOut(), new WaitInterrupted(),
                new AddRef(), new Release(), new Terminating());
    }

    /** The spec action names of {@link #actions()}: what {@code SpecActionsDriftTest} compares with Next. */
    public static Set<String> actionNames() {
        Set<String> names = new LinkedHashSet<>();
        actions().forEach(a -> names.add(specAction(a)));
        return names;
    }

    private static String specAction(Action<AllocatorWorld> a) {
        return a instanceof SpecStep s ? s.specAction : ((Terminating) a).specAction;
    }

    private static int weight(Action<AllocatorWorld> a) {
        return a instanceof SpecStep s ? s.weight : ((Terminating) a).weight;
    }

    private static final Arbitrary<String> THREAD = Arbitraries.of(AllocatorWorld.THREADS);
    private static final Arbitrary<Integer> BUFFER = Arbitraries.integers().between(1, AllocatorWorld.MAX_BUFFERS);

    /** The first thread, from {@code first} on in cyclic order, for which {@code enabled} holds. */
    static String thread(String first, Predicate<String> enabled) {
        List<String> all = AllocatorWorld.THREADS;
        for (int i = 0, k = all.indexOf(first); i < all.size(); i++) {
            String t = all.get((k + i) % all.size());
            if (enabled.test(t)) {
                return t;
            }
        }
        throw new TestAbortedException("no thread enabled (only while shrinking)");
    }

    /** The first buffer, from {@code first} on in cyclic order, for which {@code enabled} holds. */
    static int buffer(int first, Predicate<Integer> enabled) {
        int n = AllocatorWorld.MAX_BUFFERS;
        for (int i = 0; i < n; i++) {
            int b = (first - 1 + i) % n + 1;
            if (enabled.test(b)) {
                return b;
            }
        }
        throw new TestAbortedException("no buffer enabled (only while shrinking)");
    }

    private static boolean anyThread(Predicate<String> p) {
        return AllocatorWorld.THREADS.stream().anyMatch(p);
    }

    private static boolean anyBuffer(Predicate<Integer> p) {
        return IntStream.rangeClosed(1, AllocatorWorld.MAX_BUFFERS).boxed().anyMatch(p);
    }

    private static boolean nothingFree(State s) {
        return s.committed() && s.freeList().isEmpty();
    }

    private static boolean blocked(AllocatorWorld w, String t) {
        return w.state().pc().get(t) == Pc.BLOCKED;
    }

    /** Requests of every abstraction: mostly layable ones, else each way to fail. */
    static Arbitrary<AllocatorProperties> requests() {
        Arbitrary<Integer> count = Arbitraries.integers().between(1, AllocatorWorld.MAX_BUFFERS);
        Arbitrary<AllocatorProperties> valid = Combinators.combine(count, Arbitraries.of(1, 64, 100, 4096),
                Arbitraries.of(1, 2, 8, 16, 64), Arbitraries.of(0, 8, 16)).as(AllocatorProperties::new);
        Arbitrary<AllocatorProperties> noCount = Arbitraries.of(0, -1)
                .map(c -> new AllocatorProperties(c, 64, 8, 0));
        Arbitrary<AllocatorProperties> noSize = Combinators.combine(count, Arbitraries.of(0, -5))
                .as((c, size) -> new AllocatorProperties(c, size, 8, 0));
        Arbitrary<AllocatorProperties> tooLarge = Combinators.combine(count, Arbitraries.of(true, false))
                .as((c, negativePrefix) -> negativePrefix ? new AllocatorProperties(c, 64, 8, -8)
                        : new AllocatorProperties(AllocatorWorld.MAX_BUFFERS, 1 << 30, 8, 0));
        Arbitrary<AllocatorProperties> misaligned = Combinators.combine(count, Arbitraries.of(0, 3, 10, 131072, -8))
                .as((c, align) -> new AllocatorProperties(c, 64, align, 0));
        return Arbitraries.frequencyOf(Tuple.of(8, valid), Tuple.of(1, noCount), Tuple.of(1, noSize),
                Tuple.of(1, tooLarge), Tuple.of(1, misaligned));
    }

    private static final Arbitrary<Boolean> RARELY = Arbitraries.of(false, false, false, true);

    static final class SetProperties extends SpecStep {
        SetProperties() {
            super("SetProperties", 8);
        }

        @Override
        public boolean precondition(AllocatorWorld w) {
            return anyThread(w::call);
        }

        @Override
        Arbitrary<Transformer<AllocatorWorld>> transformers() {
            return Combinators.combine(THREAD, requests()).as((first, r) -> step("SetProperties(" + first + ") with " + r,
                    w -> w.setProperties(thread(first, w::call), r)));
        }
    }

    static final class Commit extends SpecStep {
        Commit() {
            super("Commit", 8);
        }

        @Override
        public boolean precondition(AllocatorWorld w) {
            return anyThread(w::call);
        }

        @Override
        Arbitrary<Transformer<AllocatorWorld>> transformers() {
            return THREAD.map(first -> step("Commit(" + first + ")", w -> w.commit(thread(first, w::call))));
        }
    }

    static final class Decommit extends SpecStep {
        Decommit() {
            super("Decommit", 8);
        }

        @Override
        public boolean precondition(AllocatorWorld w) {
            return anyThread(w::call);
        }

        @Override
        Arbitrary<Transformer<AllocatorWorld>> transformers() {
            return THREAD.map(first -> step("Decommit(" + first + ")", w -> w.decommit(thread(first, w::call))));
        }
    }

    static final class Close extends SpecStep {
        Close() {
            super("Close", 1);
        }

        @Override
        public boolean precondition(AllocatorWorld w) {
            return anyThread(w::call);
        }

        @Override
        Arbitrary<Transformer<AllocatorWorld>> transformers() {
            return THREAD.map(first -> step("Close(" + first + ")", w -> w.close(thread(first, w::call))));
        }
    }

    /** GetBufferOk(t) with a buffer free: barging in too, while woken waiters are held. */
    static final class GetBufferOk extends SpecStep {
        GetBufferOk() {
            super("GetBufferOk", 30);
        }

        @Override
        public boolean precondition(AllocatorWorld w) {
            return anyThread(w::call) && w.state().committed() && !w.state().freeList().isEmpty();
        }

        @Override
        Arbitrary<Transformer<AllocatorWorld>> transformers() {
            return Combinators.combine(THREAD, Arbitraries.of(Flavour.class), RARELY).as((first, f, interrupted) ->
                    step("GetBufferOk(" + first + ") by " + (interrupted ? "interrupted " : "") + f.call,
                            w -> w.getBufferOk(thread(first, w::call), f, interrupted)));
        }
    }

    static final class GetBufferNotCommitted extends SpecStep {
        GetBufferNotCommitted() {
            super("GetBufferNotCommitted", 5);
        }

        @Override
        public boolean precondition(AllocatorWorld w) {
            return anyThread(w::call) && !w.state().committed();
        }

        @Override
        Arbitrary<Transformer<AllocatorWorld>> transformers() {
            return Combinators.combine(THREAD, Arbitraries.of(Flavour.class), RARELY).as((first, f, interrupted) ->
                    step("GetBufferNotCommitted(" + first + ") by " + (interrupted ? "interrupted " : "") + f.call,
                            w -> w.getBufferNotCommitted(thread(first, w::call), f, interrupted)));
        }
    }

    static final class GetBufferTimeout extends SpecStep {
        GetBufferTimeout() {
            super("GetBufferTimeout", 5);
        }

        @Override
        public boolean precondition(AllocatorWorld w) {
            return anyThread(w::call) && nothingFree(w.state());
        }

        @Override
        Arbitrary<Transformer<AllocatorWorld>> transformers() {
            return Combinators.combine(THREAD, Arbitraries.of(Flavour.NOWAIT, Flavour.NOWAIT_WITH_IGNORED_FLAGS,
                    Flavour.TIMED_ZERO, Flavour.TIMED_NEGATIVE)).as((first, f) ->
                    step("GetBufferTimeout(" + first + ") by " + f.call, w -> w.getBufferTimeout(thread(first, w::call), f)));
        }
    }

    static final class GetBufferBlocks extends SpecStep {
        GetBufferBlocks() {
            super("GetBufferBlocks", 20);
        }

        @Override
        public boolean precondition(AllocatorWorld w) {
            return anyThread(w::call) && nothingFree(w.state());
        }

        @Override
        Arbitrary<Transformer<AllocatorWorld>> transformers() {
            return Combinators.combine(THREAD, Arbitraries.of(Flavour.WAIT, Flavour.WAIT_WITH_TIMES, Flavour.TIMED_LONG))
                    .as((first, f) -> step("GetBufferBlocks(" + first + ") by " + f.call,
                            w -> w.getBufferBlocks(thread(first, w::call), f)));
        }
    }

    /** A woken waiter (the implementation's choice: the first seen woken from {@code first} on) takes a free buffer. */
    static final class WakeWithSample extends SpecStep {
        WakeWithSample() {
            super("WakeWithSample", 20);
        }

        @Override
        public boolean precondition(AllocatorWorld w) {
            return w.state().committed() && !w.state().freeList().isEmpty() && !w.state().waiters().isEmpty();
        }

        @Override
        Arbitrary<Transformer<AllocatorWorld>> transformers() {
            return THREAD.map(first -> step("WakeWithSample(" + first + ")", w -> w.wakeWithSample(first)));
        }
    }

    /** A woken waiter sees the allocator not committed (after a Decommit or Close). */
    static final class WakeNotCommitted extends SpecStep {
        WakeNotCommitted() {
            super("WakeNotCommitted", 10);
        }

        @Override
        public boolean precondition(AllocatorWorld w) {
            return !w.state().committed() && !w.state().waiters().isEmpty();
        }

        @Override
        Arbitrary<Transformer<AllocatorWorld>> transformers() {
            return THREAD.map(first -> step("WakeNotCommitted(" + first + ")", w -> w.wakeNotCommitted(first)));
        }
    }

    static final class WaitTimedOut extends SpecStep {
        WaitTimedOut() {
            super("WaitTimedOut", 6);
        }

        @Override
        public boolean precondition(AllocatorWorld w) {
            return anyThread(w::call) && nothingFree(w.state());
        }

        @Override
        Arbitrary<Transformer<AllocatorWorld>> transformers() {
            return Combinators.combine(THREAD, Arbitraries.of(1, 5, 20)).as((first, ms) ->
                    step("WaitTimedOut(" + first + ") of getBuffer(0, " + ms + " ms)",
                            w -> w.waitTimedOut(thread(first, w::call), ms)));
        }
    }

    /** A blocked thread interrupted, or (when none is blocked) a waiting call made while interrupted. */
    static final class WaitInterrupted extends SpecStep {
        WaitInterrupted() {
            super("WaitInterrupted", 8);
        }

        private static boolean canBlock(AllocatorWorld w) {
            return anyThread(w::call) && nothingFree(w.state());
        }

        @Override
        public boolean precondition(AllocatorWorld w) {
            return anyThread(t -> blocked(w, t)) || canBlock(w);
        }

        @Override
        Arbitrary<Transformer<AllocatorWorld>> transformers() {
            return Combinators.combine(THREAD, RARELY, Arbitraries.of(Flavour.WAIT, Flavour.WAIT_WITH_TIMES,
                    Flavour.TIMED_LONG)).as((first, preInterrupt, f) ->
                    step("WaitInterrupted(" + first + ") by " + (preInterrupt ? "interrupted " + f.call : "Thread.interrupt"),
                            w -> {
                                boolean pre = preInterrupt && canBlock(w) || !anyThread(t -> blocked(w, t));
                                if (pre) {
                                    w.waitInterrupted(thread(first, w::call), true, f);
                                } else {
                                    w.waitInterrupted(thread(first, t -> blocked(w, t)), false, null);
                                }
                            }));
        }
    }

    static final class AddRef extends SpecStep {
        AddRef() {
            super("AddRef", 12);
        }

        private static boolean enabled(AllocatorWorld w, int b) {
            return w.state().refs(b) >= 1 && w.state().refs(b) < AllocatorWorld.MAX_REFS;
        }

        @Override
        public boolean precondition(AllocatorWorld w) {
            return anyBuffer(b -> enabled(w, b));
        }

        @Override
        Arbitrary<Transformer<AllocatorWorld>> transformers() {
            return BUFFER.map(first -> step("AddRef(" + first + ")", w -> w.addRef(buffer(first, b -> enabled(w, b)))));
        }
    }

    static final class Release extends SpecStep {
        Release() {
            super("Release", 24);
        }

        private static boolean enabled(AllocatorWorld w, int b) {
            return w.state().refs(b) > 0;
        }

        @Override
        public boolean precondition(AllocatorWorld w) {
            return anyBuffer(b -> enabled(w, b));
        }

        @Override
        Arbitrary<Transformer<AllocatorWorld>> transformers() {
            return BUFFER.map(first -> step("Release(" + first + ")", w -> w.release(buffer(first, b -> enabled(w, b)))));
        }
    }

    /**
     * The stuttering step once the allocator is destroyed: checked once, then the chain ends.
     * The only action whose generation reads the state, which costs nothing: it comes last.
     */
    static final class Terminating implements Action.Dependent<AllocatorWorld> {
        final String specAction = "Terminating";
        final int weight = 3;

        @Override
        public boolean precondition(AllocatorWorld w) {
            return w.model.terminating(w.state());
        }

        @Override
        public Arbitrary<Transformer<AllocatorWorld>> transformer(AllocatorWorld w) {
            AllocatorWorld.Step step = new AllocatorWorld.Step("Terminating", this::precondition,
                    AllocatorWorld::terminating);
            return w.terminatingChecked() ? Arbitraries.just(Transformer.endOfChain())
                    : Arbitraries.just(Transformer.mutate("Terminating", x -> x.perform(step)));
        }
    }

    // ------------------------------------------------------------ the property

    /** The worlds of the current try (more than one only if jqwik reruns a chain), to stop their threads. */
    private final List<AllocatorWorld> worlds = new ArrayList<>();
    private final Map<String, Integer> stepCounts = new TreeMap<>();
    private final AtomicLong chains = new AtomicLong();
    private final AtomicLong specSteps = new AtomicLong();
    private final AtomicLong heldRuns = new AtomicLong();
    private final long started = System.nanoTime();

    private AllocatorWorld newWorld() {
        AllocatorWorld w = new AllocatorWorld(Budget.patience());
        synchronized (worlds) {
            worlds.add(w);
        }
        return w;
    }

    @Provide
    Arbitrary<ActionChain<AllocatorWorld>> chains() {
        ActionChainArbitrary<AllocatorWorld> chain = ActionChain.startWith(this::newWorld);
        for (Action<AllocatorWorld> action : actions()) {
            chain = chain.withAction(weight(action), action);
        }
        return chain.withMaxTransformations(Budget.maxSteps());
    }

    /**
     * Shrinking is this class's own ({@link ChainMinimizer}): jqwik's loses the failing step of
     * chains whose actions have preconditions. The failure reports the original chain and the
     * shortest one found that fails the same way.
     */
    @Property(shrinking = ShrinkingMode.OFF, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(Budget.class)
    void implementationRefinesTheSpec(@ForAll("chains") ActionChain<AllocatorWorld> chain) {
        try {
            AllocatorWorld last = chain.withInvariant("refinement", AllocatorWorld::checkRefinement).run();
            chains.incrementAndGet();
            specSteps.addAndGet(last.stepCount());
            heldRuns.addAndGet(last.heldRuns());
            for (String t : chain.transformations()) {
                if (!t.startsWith("End")) {
                    stepCounts.merge(t.split("[( ]", 2)[0], 1, Integer::sum);
                }
            }
        } catch (Throwable failure) {
            AllocatorWorld failed = lastWorld();
            stopWorlds(failure);
            throw minimized(failure, failed);
        }
        stopWorlds(null);
    }

    private AllocatorWorld lastWorld() {
        synchronized (worlds) {
            return worlds.isEmpty() ? null : worlds.get(worlds.size() - 1);
        }
    }

    /** Ends the threads of the try's worlds; threads that would not end are a failure of their own. */
    private void stopWorlds(Throwable failure) {
        List<AllocatorWorld> all;
        synchronized (worlds) {
            all = List.copyOf(worlds);
            worlds.clear();
        }
        List<String> stuck = new ArrayList<>();
        for (AllocatorWorld w : all) {
            stuck.addAll(w.stopThreads());
        }
        if (!stuck.isEmpty()) {
            AssertionError hang = new AssertionError("threads of the chain did not finish:\n" + String.join("\n", stuck));
            if (failure != null) {
                failure.addSuppressed(hang);
            } else {
                throw hang;
            }
        }
    }

    /** The failure, with the shortest chain found that fails the same way. */
    private AssertionError minimized(Throwable failure, AllocatorWorld failed) {
        String kind = ChainMinimizer.kindOf(failure);
        if (failed == null || failed.performed().isEmpty()) {
            return new AssertionError("[" + kind + "] " + failure.getMessage(), failure);
        }
        long start = System.nanoTime();
        ChainMinimizer minimizer = new ChainMinimizer(() -> new AllocatorWorld(Budget.patience()),
                Budget.minimizing());
        ChainMinimizer.Replay shortest = minimizer.minimize(failed.performed(), kind);
        StringBuilder report = new StringBuilder("[" + kind + "] ");
        if (shortest == null && Budget.minimizing().isZero()) {
            report.append("(not shortened: memallocator.stateful.minimizeSeconds is 0)\n");
        } else if (shortest == null) {
            report.append("the failing chain of ").append(failed.performed().size())
                    .append(" steps did not fail the same way when replayed (a timing-dependent failure?)\n");
        } else {
            AllocatorWorld w = shortest.world();
            report.append(String.format("shortest failing chain: %d of %d steps (%d replays, %.1f s):%n",
                    w.performed().size(), failed.performed().size(), minimizer.replays(),
                    (System.nanoTime() - start) / 1e9));
            for (int i = 0; i < w.performed().size(); i++) {
                report.append(String.format("  %2d. %-70s spec: %s%n", i + 1, w.performed().get(i),
                        String.join(", ", w.specStepsOf(i))));
            }
            report.append("its failure:\n  ").append(shortest.failure().getMessage().replace("\n", "\n  "))
                    .append("\n\n");
        }
        report.append("the original failure:\n  ").append(String.valueOf(failure.getMessage()).replace("\n", "\n  "));
        return new AssertionError(report.toString(), failure);
    }
    @AfterProperty
    void report() {
        System.out.printf("AllocatorActionsProperties [%s, budget %s]: %d chains passed, %d actions (%d wakes of"
                        + " held waiters), %d spec steps, %.1f s; actions taken: %s%n",
                org.memallocator.modeltests.support.Implementations.name(), Budget.longRun() ? "long" : "ci",
                chains.get(), stepCounts.values().stream().mapToInt(Integer::intValue).sum(), heldRuns.get(),
                specSteps.get(), (System.nanoTime() - started) / 1e9, stepCounts);
    }
}
