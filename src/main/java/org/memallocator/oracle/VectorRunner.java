package org.memallocator.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.reflect.Field;
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
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.memallocator.AllocatorProperties;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MemAllocatorException;

/**
 * Runs conformance vectors ({@code docs/vectors.schema.json}) against a Java {@link MemAllocator}.
 * Written to be read and copied: a port's runner does the same with its own calls (the Python one
 * in {@code docs/examples/python/run_vectors.py} is the same algorithm).
 *
 * <p>For each vector: a fresh allocator; one worker thread ({@link SpecThread}) per vector
 * thread, and one for {@code main} (so a call that hangs fails the vector instead of hanging the
 * runner). Each step's call runs on its thread's worker; then the runner checks the step's
 * expectation:
 * <ul>
 * <li>{@code "hr"} (and results): the call returns with exactly that outcome;</li>
 * <li>{@code "blocks"}: the call does not return; it must return only at the step named by
 * {@code "until"}, among that step's {@code "wakes"};</li>
 * <li>{@code "wakes"}: after the step, these blocked calls return, with these outcomes. If
 * {@code "or"} names other blocked threads, one of them may return instead (the spec does not say
 * which waiter a returned buffer goes to): the runner then swaps the two thread names for the
 * rest of the vector.</li>
 * </ul>
 * After every step, every call that should still be blocked must still be blocked.
 *
 * <p><b>Held calls</b> (vectors that require {@code "hold"}). Every call that blocks is held as
 * soon as it is parked ({@link SpecThread#hold}): woken or not, it cannot take the allocator's
 * lock, so the spec's in-between states, where a blocked GetBuffer could return but has not run
 * yet, last while other steps run. It returns only at a step whose {@code "wakes"} name it: a
 * {@code Let} (main lets it go), or an {@code Interrupt}. The runner lets the named thread go; if
 * it was not woken (it waits again) or waits for the lock behind another held thread, it is held
 * again and the {@code "or"} threads are let go in turn. {@code InterruptHeld} interrupts a held
 * call while the runner holds the allocator's {@code ReentrantLock} (found by reflection), so the
 * interrupt lands before any signal and the call returns {@code INTERRUPTED} whenever it is let go
 * (see {@link SpecThread#interruptIntoLockQueue}).
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

    /** How long a call may take to return when it should. */
    public static final Duration PATIENCE = Duration.ofSeconds(10);

    /**
     * The features this runner supports: {@code requires} of the vectors it can run. {@code "hold"}
     * needs {@code Thread.suspend}, which works up to JDK 19 ({@link SpecThread#CAN_HOLD}).
     */
    public static final Set<String> FEATURES = SpecThread.CAN_HOLD ? Set.of("timeout", "interrupt", "hold")
            : Set.of("timeout", "interrupt");

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
     * Runs every vector of {@code dir}'s {@code index.json}, in order.
     *
     * @throws IOException if the index or a vector cannot be read
     */
    public Summary runAll(Path dir) throws IOException {
        JsonNode index = VectorJson.MAPPER.readTree(dir.resolve("index.json").toFile());
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        List<Result> failures = new ArrayList<>();
        for (JsonNode entry : index.get("vectors")) {
            String file = entry.get("file").asText();
            JsonNode vector = VectorJson.MAPPER.readTree(Files.readString(dir.resolve(file)));
            Result r = run(vector);
            switch (r.status()) {
                case PASSED -> passed++;
                case SKIPPED -> skipped++;
                case FAILED -> {
                    failed++;
                    failures.add(r);
                }
            }
        }
        return new Summary(passed, failed, skipped, failures);
    }

    /** Runs one vector. */
    public Result run(JsonNode vector) {
        String name = vector.get("name").asText();
        for (JsonNode feature : vector.get("requires")) {
            if (!FEATURES.contains(feature.asText())) {
                return new Result(name, Status.SKIPPED, "needs " + feature.asText());
            }
        }
        boolean hold = false;
        for (JsonNode feature : vector.get("requires")) {
            hold |= feature.asText().equals("hold");
        }
        try (Run run = new Run(factory.get(), hold)) {
            for (JsonNode step : vector.get("steps")) {
                try {
                    run.step(step);
                } catch (Failure | AssertionError f) { // SpecThread reports a call that hangs with an AssertionError
                    return new Result(name, Status.FAILED, "step " + step.get("step").asInt() + " ("
                            + step.get("thread").asText() + " " + step.get("op").asText() + " "
                            + VectorJson.compact(step.get("args")) + "): " + f.getMessage());
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
        private final Map<String, SpecThread> threads = new HashMap<>();
        private final Map<String, MediaSample> samples = new LinkedHashMap<>();
        private final Map<MediaSample, String> names = new IdentityHashMap<>();
        /** The calls that should be blocked: the step that made each, by thread name. */
        final Map<String, Integer> blocked = new LinkedHashMap<>();

        Run(MemAllocator allocator, boolean hold) {
            this.allocator = allocator;
            this.hold = hold;
        }

        private SpecThread thread(String name) {
            return threads.computeIfAbsent(name, n -> new SpecThread(n, "vector-", PATIENCE));
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
                default -> call(step, thread, op, args, expect);
            }
            if (step.has("wakes")) {
                for (JsonNode wake : step.get("wakes")) {
                    wake(wake);
                }
            }
            for (Map.Entry<String, Integer> b : blocked.entrySet()) {
                SpecThread d = threads.get(b.getKey());
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
         * InterruptHeld: interrupts a held call while holding the allocator's lock, so that it leaves
         * the condition before any signal can reach it, and holds it again in the lock's queue.
         */
        private void interruptHeld(String thread) throws Failure {
            SpecThread d = threads.get(thread);
            if (d == null || !blocked.containsKey(thread) || !d.held()) {
                throw new Failure(thread + " has no held call to interrupt");
            }
            ReentrantLock lock = lockOf(allocator);
            if (lock == null) {
                throw new Failure("cannot interrupt a held call early: " + allocator.getClass().getName()
                        + " has no ReentrantLock field");
            }
            lock.lock();
            try {
                d.interruptIntoLockQueue(lock);
            } finally {
                lock.unlock();
            }
        }

        /** One blocked call returns: the named thread's, or one of the {@code "or"} threads' (then renamed). */
        private void wake(JsonNode wake) throws Failure, InterruptedException {
            String thread = wake.get("thread").asText();
            List<String> candidates = new ArrayList<>(List.of(thread));
            if (wake.has("or")) {
                wake.get("or").forEach(o -> candidates.add(o.asText()));
            }
            for (String c : candidates) {
                if (!blocked.containsKey(c)) {
                    throw new Failure(c + " should be blocked, but it is not");
                }
            }
            String returned = hold ? letGo(candidates) : awaitReturn(candidates);
            if (!returned.equals(thread)) { // another waiter got it: the two are interchangeable
                SpecThread d = threads.get(thread);
                threads.put(thread, threads.get(returned));
                threads.put(returned, d);
                Integer b = blocked.get(thread);
                blocked.put(thread, blocked.get(returned));
                blocked.put(returned, b);
            }
            blocked.remove(thread);
            check(wake, outcome(threads.get(thread)), "GetBuffer");
        }

        /** Waits until one of the candidates' blocked calls returns; another one returning is a failure. */
        private String awaitReturn(List<String> candidates) throws Failure, InterruptedException {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (true) {
                for (String c : candidates) {
                    if (threads.get(c).returned()) {
                        return c;
                    }
                }
                for (Map.Entry<String, Integer> other : blocked.entrySet()) {
                    SpecThread d = threads.get(other.getKey());
                    if (!candidates.contains(other.getKey()) && d.returned()) {
                        throw new Failure("the call of " + other.getKey() + " (step " + other.getValue()
                                + ") returned " + describe(outcome(d)) + " instead of " + candidates.get(0) + "'s");
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new Failure("the blocked call of " + candidates.get(0) + (candidates.size() > 1
                            ? " (or of " + candidates.subList(1, candidates.size()) + ")" : "") + " did not return");
                }
                Thread.sleep(0, 200_000);
            }
        }

        /** Lets the held candidates go in turn until one returns (see the class comment). */
        private String letGo(List<String> candidates) throws Failure {
            for (String c : candidates) {
                if (threads.get(c).tryWake() == SpecThread.Wake.RETURNED) {
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
                if (!d.awaitParkedOrReturned() || !d.hold()) {
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
            for (SpecThread d : threads.values()) {
                d.stop();
            }
        }
    }

    /** The allocator's lock, for InterruptHeld: its first {@code ReentrantLock} field, or null. */
    private static ReentrantLock lockOf(MemAllocator allocator) {
        for (Field f : allocator.getClass().getDeclaredFields()) {
            if (f.getType() == ReentrantLock.class) {
                try {
                    f.setAccessible(true);
                    return (ReentrantLock) f.get(allocator);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
