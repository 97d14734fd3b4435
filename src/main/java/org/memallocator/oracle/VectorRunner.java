package org.memallocator.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.memallocator.AllocatorProperties;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MemAllocatorException;
import org.memallocator.WaitLoopHook;

/**
 * Runs conformance vectors ({@code docs/vectors.schema.json}) against a Java {@link MemAllocator}.
 * Written to be read and copied: a port's runner does the same with its own calls (the Python one
 * in {@code docs/examples/python/run_vectors.py} is the same algorithm).
 *
 * <p>For each vector: a fresh allocator, driven by a {@link SpecDriver}: one worker thread
 * ({@link SpecThread}) per vector thread, and one for {@code main} (so a call that hangs fails
 * the vector instead of hanging the runner). Each step's call runs on its thread's worker; then the runner checks the step's
 * expectation:
 * <ul>
 * <li>{@code "hr"} (and results): the call returns with exactly that outcome;</li>
 * <li>{@code "blocks"}: the call does not return; it must return only at the step named by
 * {@code "until"}, among that step's {@code "wakes"};</li>
 * <li>{@code "wakes"}: after the step, these blocked calls return, with these outcomes. The
 * wakes of a step are an unordered set: the calls may return in any order, and each is checked
 * against its own wake. If {@code "or"} names other blocked threads, one of them may return
 * instead (the spec does not say which waiter a returned buffer goes to): the runner then swaps
 * the two thread names for the rest of the vector.</li>
 * </ul>
 * After every step, every call that should still be blocked must still be blocked.
 *
 * <p><b>Held calls</b> (vectors that require {@code "hold"}). The allocator must have the
 * wait-loop hook ({@link WaitLoopHook}); without it these vectors are skipped. Every call that
 * blocks is held ({@link SpecThread#hold}): when its wait ends it stops in the hook, before it
 * re-checks, so the spec's in-between states, where a blocked GetBuffer could return but has not
 * run yet, last while other steps run. It returns only at a step whose {@code "wakes"} name it: a
 * {@code Let} (main lets it go), or an {@code Interrupt}. The runner lets the named thread go; if
 * it was not woken, or was woken and parked again, it stays held and the {@code "or"} threads are
 * let go in turn. {@code InterruptHeld} interrupts a held call that is parked and not woken, so
 * that it leaves its wait before any signal can reach it and returns {@code INTERRUPTED} whenever
 * it is let go ({@link SpecThread#interruptHeld}). {@code Recheck} lets a woken, held call go once:
 * it must find nothing it may take and park again, still held (a call that returns instead is the
 * classic {@code if} instead of {@code while}).
 *
 * <p><b>Sample names.</b> Vectors name samples {@code s1, s2, ...} (the spec's buffers). A name is
 * bound to a sample object the first time GetBuffer returns that object in a commit cycle; a Commit
 * whose expectation says {@code "allocates": true} starts a new cycle (every name unbound). GetBuffer
 * may return any sample whose name is in {@code "free"} (the spec leaves the choice open): if it
 * returns another free one than the vector's, the two names are swapped; if it returns an object not
 * seen in this cycle, the vector's name is bound to it (moving the name's old object, if any, to an
 * unbound free name). A sample object that is bound to a name not in {@code "free"} is a failure:
 * a held sample handed out again.
 */
public final class VectorRunner {

    /** How long a call may take to return when it should, by default. */
    public static final Duration PATIENCE = Duration.ofSeconds(10);

    /**
     * The features this runner supports: {@code requires} of the vectors it can run. {@code "hold"}
     * also needs the allocator's wait-loop hook ({@link WaitLoopHook}); a vector is skipped if the
     * allocator lacks it.
     */
    public static final Set<String> FEATURES = Set.of("timeout", "interrupt", "hold");

    /** What happened to one vector. */
    public enum Status { PASSED, FAILED, SKIPPED }

    /**
     * The result of one vector.
     *
     * @param vector  its name
     * @param status  passed, failed, or skipped (it needs a feature this runner lacks)
     * @param message why it failed, or was skipped; empty when passed
     */
    public record Result(String vector, Status status, String message) {
    }

    /** The results of a directory of vectors. */
    public record Summary(int passed, int failed, int skipped, List<Result> failures) {

        public boolean allPassed() {
            return failed == 0;
        }

        @Override
        public String toString() {
            return (passed + failed + skipped) + " vectors: " + passed + " passed, " + failed + " failed, "
                    + skipped + " skipped";
        }
    }

    private final Supplier<? extends MemAllocator> factory;
    private final Duration settle;
    private Duration patience = PATIENCE;
    private Set<String> features = FEATURES;

    /** A runner for allocators from {@code factory}, one per vector. */
    public VectorRunner(Supplier<? extends MemAllocator> factory) {
        this(factory, Duration.ofMillis(250));
    }

    /**
     * @param settle how long to wait, at most, for a call that should block to be seen blocked
     *               ({@link MemAllocator#waitingCount()} reaching the number of blocked calls)
     *               before going on
     */
    public VectorRunner(Supplier<? extends MemAllocator> factory, Duration settle) {
        this.factory = factory;
        this.settle = settle;
    }

    /**
     * Limits the features this runner uses to {@code features} (a subset of {@link #FEATURES}), to
     * play a runner profile: plain sequential (none), plus timing, plus holding, plus interrupts.
     */
    public VectorRunner features(Set<String> features) {
        this.features = Set.copyOf(features);
        return this;
    }

    /** Sets how long a call that should return may take: past it, the vector fails. */
    public VectorRunner patience(Duration patience) {
        this.patience = patience;
        return this;
    }

    /**
     * Runs every vector of {@code dir}'s {@code index.json}, in order.
     *
     * @throws IOException if the set cannot be read or is not a valid vector set
     *                     ({@link VectorSetCheck.BadVectorSet})
     */
    public Summary runAll(Path dir) throws IOException {
        return runAll(dir, null, false);
    }

    /**
     * Runs the vectors of {@code dir}'s {@code index.json} whose names match {@code only} (a
     * glob; null: all), in order, after checking the whole set ({@link VectorSetCheck}); with
     * {@code failFast}, stops at the first failure. The failures come shortest vector first.
     *
     * @throws IOException if the set cannot be read or is not a valid vector set, if
     *                     {@code only} matches no vector, or if every vector was skipped
     *                     (nothing was checked)
     */
    public Summary runAll(Path dir, String only, boolean failFast) throws IOException {
        List<VectorSetCheck.Entry> entries = new ArrayList<>(VectorSetCheck.index(dir));
        if (only != null) {
            java.nio.file.PathMatcher m = java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + only);
            int all = entries.size();
            entries.removeIf(e -> !m.matches(Path.of(e.name())));
            if (entries.isEmpty()) {
                throw new VectorSetCheck.BadVectorSet("--only " + only + " matches none of the " + all + " vectors");
            }
        }
        for (VectorSetCheck.Entry e : entries) { // every input checked before any vector runs
            VectorSetCheck.vector(dir, e);
        }
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        String skipReason = null;
        List<Result> failures = new ArrayList<>();
        Map<String, Integer> length = new HashMap<>();
        for (VectorSetCheck.Entry e : entries) {
            Result r = run(VectorSetCheck.vector(dir, e));
            switch (r.status()) {
                case PASSED -> passed++;
                case SKIPPED -> {
                    skipped++;
                    skipReason = r.message();
                }
                case FAILED -> {
                    failed++;
                    failures.add(r);
                    length.put(r.vector(), e.steps());
                }
            }
            if (failFast && failed > 0) {
                break;
            }
        }
        if (passed + failed == 0) {
            throw new VectorSetCheck.BadVectorSet("all " + skipped + " vectors were skipped (" + skipReason
                    + "): nothing was checked");
        }
        failures.sort(java.util.Comparator.comparing((Result r) -> length.get(r.vector())));
        return new Summary(passed, failed, skipped, withSpecState(dir, failures));
    }

    /** Failures printed with the spec state before their failing step. */
    private static final int EXPLAINED = 10;

    /**
     * The first {@link #EXPLAINED} failures, each with the spec state before its failing step
     * (replayed on the model of the set's constants, {@link VectorReplay}); the others as they are.
     */
    private static List<Result> withSpecState(Path dir, List<Result> failures) throws IOException {
        java.util.Optional<org.memallocator.model.MemAllocatorModel> model =
                VectorReplay.model(VectorJson.MAPPER.readTree(dir.resolve("index.json").toFile()));
        List<Result> out = new ArrayList<>();
        java.util.regex.Pattern stepOf = java.util.regex.Pattern.compile("^step (\\d+) of ");
        for (Result r : failures) {
            java.util.regex.Matcher m = stepOf.matcher(r.message());
            if (out.size() < EXPLAINED && model.isPresent() && m.find()) {
                JsonNode vector = VectorJson.MAPPER.readTree(dir.resolve(r.vector() + ".json").toFile());
                var state = VectorReplay.before(model.get(), vector, Integer.parseInt(m.group(1)));
                if (state.isPresent()) {
                    r = new Result(r.vector(), r.status(), r.message() + "\n    spec state before the step: "
                            + state.get());
                }
            }
            out.add(r);
        }
        return out;
    }

    /** Runs one vector. */
    public Result run(JsonNode vector) {
        String name = vector.get("name").asText();
        for (JsonNode feature : vector.get("requires")) {
            if (!features.contains(feature.asText())) {
                return new Result(name, Status.SKIPPED, "needs " + feature.asText());
            }
        }
        boolean hold = false;
        for (JsonNode feature : vector.get("requires")) {
            hold |= feature.asText().equals("hold");
        }
        MemAllocator allocator = factory.get();
        SpecDriver driver = new SpecDriver(allocator, "vector-", patience, hold);
        if (hold && !driver.canHold()) {
            return new Result(name, Status.SKIPPED, "needs hold: " + allocator.getClass().getName()
                    + " has no wait-loop hook (org.memallocator.WaitLoopHook)");
        }
        try (Run run = new Run(driver, hold)) {
            for (JsonNode step : vector.get("steps")) {
                try {
                    run.step(step);
                } catch (Failure | AssertionError f) { // SpecThread reports a call that hangs with an AssertionError
                    return new Result(name, Status.FAILED, "step " + step.get("step").asInt() + " of "
                            + vector.get("steps").size() + " (" + step.get("thread").asText() + " "
                            + step.get("op").asText() + " " + VectorJson.compact(step.get("args"))
                            + (step.has("spec") ? ", spec " + VectorJson.compact(step.get("spec")) : "")
                            + "): " + f.getMessage());
                }
            }
            if (!run.blocked.isEmpty()) {
                return new Result(name, Status.FAILED, "calls still blocked at the end: " + run.blocked.keySet());
            }
            return new Result(name, Status.PASSED, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(name, Status.FAILED, "the runner was interrupted");
        }
    }

    /** A vector step that did not go as expected. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    /**
     * What a call ended with: {@code hr} is "S_OK", another success code (GetTime), an HRESULT name,
     * "INTERRUPTED", or "S_FALSE" for a false Is*; {@code value} is what it returned.
     */
    private record Outcome(String hr, Object value, Throwable unexpected) {
    }

    // ------------------------------------------------------------ one run

    /** The state of one vector's run: the allocator, the threads, the names, the blocked calls. */
    private final class Run implements AutoCloseable {
        private final MemAllocator allocator;
        private final boolean hold;
        private final SpecDriver driver;
        private final Map<String, MediaSample> samples = new LinkedHashMap<>();
        private final Map<MediaSample, String> names = new IdentityHashMap<>();
        /** The calls that should be blocked: the step that made each, by thread name. */
        final Map<String, Integer> blocked = new LinkedHashMap<>();

        Run(SpecDriver driver, boolean hold) {
            this.driver = driver;
            this.allocator = driver.allocator();
            this.hold = hold;
        }

        private SpecThread thread(String name) {
            return driver.thread(name);
        }

        void step(JsonNode step) throws Failure, InterruptedException {
            String thread = step.get("thread").asText();
            String op = step.get("op").asText();
            JsonNode args = step.get("args");
            JsonNode expect = step.get("expect");
            if (blocked.containsKey(thread)) {
                throw new Failure(thread + " is still blocked in its call of step " + blocked.get(thread));
            }
            switch (op) {
                case "Interrupt" -> thread(args.get("thread").asText()).interrupt();
                case "InterruptHeld" -> interruptHeld(args.get("thread").asText());
                case "Let" -> { } // its wakes let the thread go
                case "Recheck" -> recheck(args.get("thread").asText());
                default -> call(step, thread, op, args, expect);
            }
            if (step.has("wakes")) {
                wakes(step.get("wakes"), step.get("step").asInt());
            }
            for (Map.Entry<String, Integer> b : blocked.entrySet()) {
                SpecThread d = driver.thread(b.getKey());
                if (d.returned()) {
                    throw new Failure("the call of " + b.getKey() + " (step " + b.getValue() + ") returned "
                            + describe(outcome(d)) + ", but it should still be blocked");
                }
            }
        }

        /** Makes the step's call on its thread and checks that it returns as expected, or blocks. */
        private void call(JsonNode step, String thread, String op, JsonNode args, JsonNode expect)
                throws Failure, InterruptedException {
            SpecThread d = thread(thread);
            d.start(op + " " + VectorJson.compact(args), () -> invoke(op, args));
            if (expect.has("blocks")) {
                awaitBlocked(d, blocked.size() + 1);
                blocked.put(thread, step.get("step").asInt());
                return;
            }
            d.awaitReturn();
            check(expect, outcome(d), op);
            if (expect.path("allocates").asBoolean(false)) {
                samples.clear(); // a new commit cycle: new samples, or the same ones afresh
                names.clear();
            }
        }

        /**
         * InterruptHeld: interrupts a held call that is parked and not woken, so that it leaves the
         * condition before any signal can reach it; it stays held.
         */
        private void interruptHeld(String thread) throws Failure {
            SpecThread d = driver.thread(thread);
            if (!blocked.containsKey(thread) || !d.held()) {
                throw new Failure(thread + " has no held call to interrupt");
            }
            if (!d.parkedNotWoken()) {
                throw new Failure("the held call of " + thread + " was woken before the interrupt: "
                        + (d.woken() ? "it is in afterWake" : d.describe()));
            }
            d.interruptHeld();
        }

        /**
         * Recheck: the held call of {@code thread} must have been woken; let go once, it must find
         * nothing it may take and park again.
         */
        private void recheck(String thread) throws Failure {
            SpecThread d = driver.thread(thread);
            if (!blocked.containsKey(thread) || !d.held()) {
                throw new Failure(thread + " has no held call to let re-check");
            }
            if (!d.woken() && d.tryWake() == SpecThread.Wake.NOT_WOKEN) {
                throw new Failure("the held call of " + thread + " was not woken: it is still parked"
                        + " on the allocator's condition");
            }
            if (d.woken() && d.recheck() == SpecThread.Wake.RETURNED) {
                throw new Failure("let go to re-check with nothing it may take, the call of " + thread
                        + " returned " + describe(outcome(d)) + ": it must wait again (if instead of while?)");
            }
            if (d.returned()) {
                throw new Failure("the call of " + thread + " returned " + describe(outcome(d))
                        + ": it must wait again (if instead of while?)");
            }
        }

        /**
         * The wakes of one step, an unordered set: each wake's call (or one of its {@code "or"}
         * threads', then renamed) returns, in any order, and is checked against its own wake.
         * {@code stepNo} is the number of the step that wakes them.
         */
        private void wakes(JsonNode wakes, int stepNo) throws Failure, InterruptedException {
            List<JsonNode> list = new ArrayList<>();
            wakes.forEach(list::add);
            List<List<String>> candidates = new ArrayList<>();
            for (JsonNode wake : list) {
                List<String> c = new ArrayList<>(List.of(wake.get("thread").asText()));
                if (wake.has("or")) {
                    wake.get("or").forEach(o -> c.add(o.asText()));
                }
                for (String t : c) {
                    if (!blocked.containsKey(t)) {
                        throw new Failure(t + " should be blocked, but it is not");
                    }
                }
                candidates.add(c);
            }
            List<String> returned = new ArrayList<>();
            if (hold) {
                for (List<String> c : candidates) {
                    List<String> left = new ArrayList<>(c);
                    left.removeAll(returned);
                    returned.add(letGo(left));
                }
            } else {
                returned.addAll(awaitReturns(candidates, stepNo));
            }
            rename(list, candidates, returned);
            for (JsonNode wake : list) {
                String thread = wake.get("thread").asText();
                blocked.remove(thread);
                check(wake, outcome(driver.thread(thread)), "GetBuffer");
            }
        }

        /**
         * Matches the returned threads to the wakes (a wake takes its own thread if it returned,
         * else one of its {@code "or"} threads) and swaps the names so that each wake's thread is
         * the one that returned for it.
         */
        private void rename(List<JsonNode> wakes, List<List<String>> candidates, List<String> returned)
                throws Failure {
            List<String> free = new ArrayList<>(returned);
            String[] got = new String[wakes.size()];
            for (int i = 0; i < got.length; i++) { // own threads first
                String own = candidates.get(i).get(0);
                if (free.remove(own)) {
                    got[i] = own;
                }
            }
            for (int i = 0; i < got.length; i++) {
                for (String c : candidates.get(i)) {
                    if (got[i] == null && free.remove(c)) {
                        got[i] = c;
                    }
                }
                if (got[i] == null) {
                    throw new Failure("the calls of " + returned + " returned, but none of "
                            + candidates.get(i) + " did");
                }
            }
            for (int i = 0; i < got.length; i++) {
                String want = candidates.get(i).get(0);
                if (!got[i].equals(want)) { // another waiter got it: the two are interchangeable
                    driver.swap(want, got[i]);
                    Integer b = blocked.get(want);
                    blocked.put(want, blocked.get(got[i]));
                    blocked.put(got[i], b);
                    for (int j = i + 1; j < got.length; j++) {
                        if (got[j].equals(want)) {
                            got[j] = got[i];
                        }
                    }
                }
            }
        }

        /**
         * Waits until as many calls as there are wakes have returned, each one a candidate of some
         * wake; another blocked call returning is a failure, and so is a wake still unanswered
         * after the patience. That failure says what was seen, a call that did not return in time
         * although the spec says step {@code stepNo} wakes it: without a hold, the runner cannot
         * tell a lost wake-up from a slow one.
         */
        private List<String> awaitReturns(List<List<String>> candidates, int stepNo)
                throws Failure, InterruptedException {
            Set<String> any = new java.util.LinkedHashSet<>();
            candidates.forEach(any::addAll);
            long deadline = System.nanoTime() + patience.toNanos();
            while (true) {
                List<String> returned = new ArrayList<>();
                for (String c : any) {
                    if (driver.thread(c).returned()) {
                        returned.add(c);
                    }
                }
                for (Map.Entry<String, Integer> other : blocked.entrySet()) {
                    SpecThread d = driver.thread(other.getKey());
                    if (!any.contains(other.getKey()) && d.returned()) {
                        throw new Failure("the call of " + other.getKey() + " (step " + other.getValue()
                                + ") returned " + describe(outcome(d)) + ", but this step wakes only " + any);
                    }
                }
                if (returned.size() > candidates.size()) {
                    throw new Failure("the calls of " + returned + " returned, but this step wakes only "
                            + candidates.size() + " of " + any);
                }
                if (returned.size() == candidates.size()) {
                    return returned;
                }
                if (System.nanoTime() - deadline > 0) {
                    List<String> still = new ArrayList<>(any);
                    still.removeAll(returned);
                    throw new Failure(notReturned(still, candidates.size() - returned.size(), stepNo));
                }
                Thread.sleep(0, 200_000);
            }
        }

        /**
         * The calls of {@code still} (blocked, not returned) of which {@code missing} should have
         * returned after step {@code stepNo}: each with the step that made it, and the patience.
         */
        private String notReturned(List<String> still, int missing, int stepNo) {
            List<String> calls = new ArrayList<>();
            for (String t : still) {
                calls.add(t + " (step " + blocked.get(t) + ")");
            }
            String within = " did not return within " + patience.toMillis() + " ms; the spec says step " + stepNo;
            if (still.size() == 1) {
                return "the blocked call of " + calls.get(0) + within + " wakes it";
            }
            return missing + " of the blocked calls of " + String.join(", ", calls) + within + " wakes "
                    + (missing == 1 ? "one" : missing) + " of them";
        }

        /** Lets the held candidates go in turn until one returns (see the class comment). */
        private String letGo(List<String> candidates) throws Failure {
            for (String c : candidates) {
                SpecThread d = driver.thread(c);
                if (d.tryWake() == SpecThread.Wake.RETURNED || d.returned()) {
                    return c;
                }
            }
            throw new Failure("let go, the held call of " + candidates.get(0) + (candidates.size() > 1
                    ? " (and of " + candidates.subList(1, candidates.size()) + ")" : "")
                    + " waited again: no wake-up reached it");
        }

        /** Waits for a call that should block to be seen blocked, and holds it in a hold vector. */
        private void awaitBlocked(SpecThread d, int waiting) throws Failure, InterruptedException {
            if (hold) {
                if (!d.hold()) { // held before its wait can end: a timed wait stops at its deadline
                    throw new Failure("returned " + describe(outcome(d)) + " instead of blocking");
                }
                return;
            }
            long deadline = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() - deadline < 0) {
                if (d.returned()) {
                    break;
                }
                if (allocator.waitingCount() >= waiting) {
                    return;
                }
                Thread.sleep(0, 100_000);
            }
            if (d.returned()) {
                throw new Failure("returned " + describe(outcome(d)) + " instead of blocking");
            }
        }

        /** What the returned call of {@code d} ended with. */
        private Outcome outcome(SpecThread d) {
            SpecThread.Outcome o = d.outcome();
            return o.thrown() != null ? new Outcome(null, null, o.thrown()) : (Outcome) o.value();
        }

        // -------------------------------------------------------- the calls

        /** Makes the call {@code op} with {@code args}, on the calling (worker) thread. */
        private Outcome invoke(String op, JsonNode args) {
            try {
                Object value = switch (op) {
                    case "SetProperties" -> allocator.setProperties(VectorJson.props(args.get("request")));
                    case "GetProperties" -> allocator.getProperties();
                    case "Commit" -> {
                        allocator.commit();
                        yield null;
                    }
                    case "Decommit" -> {
                        allocator.decommit();
                        yield null;
                    }
                    case "Close" -> {
                        allocator.close();
                        yield null;
                    }
                    case "GetBuffer" -> getBuffer(args);
                    default -> sampleCall(op, args);
                };
                return switch (op) {
                    case "IsSyncPoint", "IsPreroll", "IsDiscontinuity" ->
                            new Outcome((Boolean) value ? "S_OK" : "S_FALSE", null, null);
                    case "GetMediaType" -> new Outcome(value == null ? "S_FALSE" : "S_OK", value, null);
                    case "GetTime", "GetMediaTime" -> new Outcome(((MediaSample.TimeRange) value).result().name(), value, null);
                    default -> new Outcome("S_OK", value, null);
                };
            } catch (MemAllocatorException e) {
                return new Outcome(e.hresult().name(), null, null);
            } catch (InterruptedException e) {
                return new Outcome(History.INTERRUPTED, null, null);
            } catch (RuntimeException | Error e) {
                return new Outcome(null, null, e);
            }
        }

        private MediaSample getBuffer(JsonNode args) throws InterruptedException {
            int flags = args.get("flags").intValue();
            if (args.has("timeoutMs")) {
                return allocator.getBuffer(flags, Duration.ofMillis(args.get("timeoutMs").longValue()));
            }
            if (args.has("startTime")) {
                return allocator.getBuffer(args.get("startTime").longValue(), args.get("endTime").longValue(), flags);
            }
            return allocator.getBuffer(flags);
        }

        private Object sampleCall(String op, JsonNode args) {
            MediaSample s = samples.get(args.get("sample").asText());
            if (s == null) {
                throw new IllegalStateException("no sample is named " + args.get("sample").asText());
            }
            return switch (op) {
                case "AddRef" -> s.addRef();
                case "Release" -> s.release();
                case "GetSize" -> s.size();
                case "GetActualDataLength" -> s.actualDataLength();
                case "SetActualDataLength" -> {
                    s.setActualDataLength(args.get("length").intValue());
                    yield null;
                }
                case "GetTime" -> s.time();
                case "SetTime" -> {
                    s.setTime(optional(args, "start"), optional(args, "end"));
                    yield null;
                }
                case "GetMediaTime" -> s.mediaTime();
                case "SetMediaTime" -> {
                    s.setMediaTime(optional(args, "start"), optional(args, "end"));
                    yield null;
                }
                case "IsSyncPoint" -> s.isSyncPoint();
                case "SetSyncPoint" -> {
                    s.setSyncPoint(args.get("value").booleanValue());
                    yield null;
                }
                case "IsPreroll" -> s.isPreroll();
                case "SetPreroll" -> {
                    s.setPreroll(args.get("value").booleanValue());
                    yield null;
                }
                case "IsDiscontinuity" -> s.isDiscontinuity();
                case "SetDiscontinuity" -> {
                    s.setDiscontinuity(args.get("value").booleanValue());
                    yield null;
                }
                case "GetMediaType" -> s.mediaType();
                case "SetMediaType" -> {
                    JsonNode t = args.get("mediaType");
                    s.setMediaType(t == null || t.isNull() ? null : t.asText());
                    yield null;
                }
                default -> throw new IllegalArgumentException("unknown op " + op);
            };
        }

        private Long optional(JsonNode args, String name) {
            JsonNode v = args.get(name);
            return v == null || v.isNull() ? null : v.longValue();
        }

        // -------------------------------------------------------- checking an outcome

        private void check(JsonNode expect, Outcome got, String op) throws Failure {
            if (got.unexpected() instanceof VirtualMachineError limit) {
                throw limit; // out of heap, of thread stack...: a resource limit (exit 2, naming the flag), not a failure
            }
            if (got.unexpected() != null) {
                throw new Failure("threw " + got.unexpected());
            }
            String hr = expect.get("hr").asText();
            if (!hr.equals(got.hr())) {
                throw new Failure("expected " + VectorJson.compact(expect) + ", got " + describe(got));
            }
            Object v = got.value();
            if (expect.has("props") && !VectorJson.props(expect.get("props")).equals(v)) {
                throw new Failure("expected properties " + VectorJson.compact(expect.get("props")) + ", got " + v);
            }
            if (expect.has("refs")) {
                requireEqual("count", expect.get("refs").intValue(), v);
            }
            if (expect.has("size")) {
                requireEqual("size", expect.get("size").intValue(), v);
            }
            if (expect.has("length")) {
                requireEqual("actual length", expect.get("length").intValue(), v);
            }
            if (expect.has("start")) {
                MediaSample.TimeRange r = (MediaSample.TimeRange) v;
                requireEqual("start", expect.get("start").longValue(), r.start());
                requireEqual("end", expect.get("end").longValue(), r.end());
            }
            if (expect.has("mediaType")) {
                requireEqual("media type", expect.get("mediaType").asText(), v == null ? null : v.toString());
            }
            if (expect.has("sample")) {
                bind(expect, (MediaSample) v);
            }
        }

        private void requireEqual(String what, Object expected, Object got) throws Failure {
            if (!Objects.equals(expected, got)) {
                throw new Failure("expected " + what + " " + expected + ", got " + got);
            }
        }

        /** Binds the sample a GetBuffer returned to the vector's name for it (see the class comment). */
        private void bind(JsonNode expect, MediaSample got) throws Failure {
            if (got == null) {
                throw new Failure("GetBuffer returned S_OK and no sample");
            }
            String want = expect.get("sample").asText();
            List<String> free = new ArrayList<>();
            expect.get("free").forEach(f -> free.add(f.asText()));
            String bound = names.get(got);
            if (bound != null) {
                if (!free.contains(bound)) {
                    throw new Failure("returned sample " + bound + ", which is not free (free: " + free
                            + "): a sample handed out twice?");
                }
                if (!bound.equals(want)) { // two free samples: interchangeable
                    MediaSample other = samples.get(want);
                    rebind(bound, other);
                    rebind(want, got);
                }
                return;
            }
            MediaSample previous = samples.get(want);
            if (previous != null) { // the name's object is free and unseen here: it gets an unbound free name
                String spare = null;
                for (String f : free) {
                    if (!samples.containsKey(f)) {
                        spare = f;
                        break;
                    }
                }
                if (spare == null) {
                    throw new Failure("returned a sample not seen in this commit cycle, but every free sample "
                            + free + " is known: more buffers than the properties allow?");
                }
                rebind(spare, previous);
            }
            rebind(want, got);
        }

        private void rebind(String name, MediaSample sample) {
            if (sample == null) {
                samples.remove(name);
                return;
            }
            samples.put(name, sample);
            names.put(sample, name);
        }

        private String describe(Outcome o) {
            if (o.unexpected() != null) {
                return "an exception: " + o.unexpected();
            }
            if (o.value() instanceof MediaSample s) {
                String n = names.get(s);
                return o.hr() + " with " + (n == null ? "a sample not seen in this cycle" : "sample " + n);
            }
            return o.hr() + (o.value() == null ? "" : " with " + o.value());
        }

        /** Stops the threads: a held one is let go, one still in a call (a failed vector) is interrupted. */
        @Override
        public void close() {
            driver.stop();
        }
    }
}
