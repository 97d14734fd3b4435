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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>For each vector: a fresh allocator; one worker thread per vector thread, and one for
 * {@code main} (so a call that hangs fails the vector instead of hanging the runner). Each step's
 * call runs on its thread's worker; then the runner checks the step's expectation:
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

    /** The features this runner supports: {@code requires} of the vectors it can run. */
    public static final Set<String> FEATURES = Set.of("timeout", "interrupt");

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
        try (Run run = new Run(factory.get())) {
            for (JsonNode step : vector.get("steps")) {
                try {
                    run.step(step);
                } catch (Failure f) {
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

    /** The state of one vector's run: the allocator, the workers, the names, the blocked calls. */
    private final class Run implements AutoCloseable {
        private final MemAllocator allocator;
        private final Map<String, Worker> workers = new HashMap<>();
        private final Map<String, MediaSample> samples = new LinkedHashMap<>();
        private final Map<MediaSample, String> names = new IdentityHashMap<>();
        /** The calls that should be blocked, by thread name. */
        final Map<String, Blocked> blocked = new LinkedHashMap<>();

        Run(MemAllocator allocator) {
            this.allocator = allocator;
        }

        private record Blocked(int step, CompletableFuture<Outcome> call) {
        }

        private Worker worker(String thread) {
            return workers.computeIfAbsent(thread, Worker::new);
        }

        void step(JsonNode step) throws Failure, InterruptedException {
            String thread = step.get("thread").asText();
            String op = step.get("op").asText();
            JsonNode args = step.get("args");
            JsonNode expect = step.get("expect");
            if (blocked.containsKey(thread)) {
                throw new Failure(thread + " is still blocked in its call of step " + blocked.get(thread).step());
            }
            CompletableFuture<Outcome> call;
            if (op.equals("Interrupt")) {
                worker(args.get("thread").asText()).thread.interrupt();
                call = CompletableFuture.completedFuture(new Outcome("S_OK", null, null));
            } else {
                call = worker(thread).submit(() -> invoke(op, args));
            }
            if (expect.has("blocks")) {
                awaitBlocked(call, blocked.size() + 1);
                blocked.put(thread, new Blocked(step.get("step").asInt(), call));
            } else {
                check(expect, await(call, "the call"), op);
                if (expect.path("allocates").asBoolean(false)) {
                    samples.clear(); // a new commit cycle: new samples, or the same ones afresh
                    names.clear();
                }
            }
            if (step.has("wakes")) {
                for (JsonNode wake : step.get("wakes")) {
                    wake(wake);
                }
            }
            for (Map.Entry<String, Blocked> b : blocked.entrySet()) {
                if (b.getValue().call().isDone()) {
                    throw new Failure("the call of " + b.getKey() + " (step " + b.getValue().step()
                            + ") returned " + describe(b.getValue().call().join()) + ", but it should still be blocked");
                }
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
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            String returned = null;
            while (returned == null) {
                for (String c : candidates) {
                    if (blocked.get(c).call().isDone()) {
                        returned = c;
                        break;
                    }
                }
                for (Map.Entry<String, Blocked> other : blocked.entrySet()) {
                    if (returned == null && !candidates.contains(other.getKey()) && other.getValue().call().isDone()) {
                        throw new Failure("the call of " + other.getKey() + " (step " + other.getValue().step()
                                + ") returned " + describe(other.getValue().call().join()) + " instead of "
                                + thread + "'s");
                    }
                }
                if (returned == null) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new Failure("the blocked call of " + thread + (candidates.size() > 1
                                ? " (or of " + candidates.subList(1, candidates.size()) + ")" : "")
                                + " did not return");
                    }
                    Thread.sleep(0, 200_000);
                }
            }
            if (!returned.equals(thread)) { // another waiter got it: the two are interchangeable
                Worker w = workers.get(thread);
                workers.put(thread, workers.get(returned));
                workers.put(returned, w);
                Blocked b = blocked.get(thread);
                blocked.put(thread, blocked.get(returned));
                blocked.put(returned, b);
            }
            Blocked b = blocked.remove(thread);
            check(wake, b.call().join(), "GetBuffer");
        }

        private void awaitBlocked(CompletableFuture<Outcome> call, int waiting) throws Failure, InterruptedException {
            long deadline = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() - deadline < 0) {
                if (call.isDone()) {
                    throw new Failure("returned " + describe(call.join()) + " instead of blocking");
                }
                if (allocator.waitingCount() >= waiting) {
                    return;
                }
                Thread.sleep(0, 100_000);
            }
            if (call.isDone()) {
                throw new Failure("returned " + describe(call.join()) + " instead of blocking");
            }
        }

        private Outcome await(CompletableFuture<Outcome> call, String what) throws Failure, InterruptedException {
            try {
                return call.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new Failure(what + " did not return within " + PATIENCE);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
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

        /** Stops the workers; one still in a call (a failed vector) is interrupted, and left if that does not help. */
        @Override
        public void close() {
            for (Worker w : workers.values()) {
                w.stop();
                if (w.busy) {
                    w.thread.interrupt();
                }
            }
        }
    }

    /** A thread that makes the calls of one vector thread, one at a time. */
    private static final class Worker {
        private static final Runnable STOP = () -> { };
        private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
        final Thread thread;

        Worker(String name) {
            thread = new Thread(this::loop, "vector-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        /** Whether the worker is in a call. */
        volatile boolean busy;

        CompletableFuture<Outcome> submit(Supplier<Outcome> call) {
            CompletableFuture<Outcome> f = new CompletableFuture<>();
            busy = true;
            tasks.add(() -> {
                Outcome o = call.get();
                Thread.interrupted(); // an interrupt meant for this call must not reach the next
                busy = false;
                f.complete(o);
            });
            return f;
        }

        private void loop() {
            while (true) {
                Runnable task;
                try {
                    task = tasks.take();
                } catch (InterruptedException e) {
                    continue; // an interrupt for a call that had already returned
                }
                if (task == STOP) {
                    return;
                }
                task.run();
            }
        }

        /** Ends the worker after its current call; a call that hangs is left to hang (a daemon thread). */
        void stop() {
            tasks.add(STOP);
        }
    }
}
