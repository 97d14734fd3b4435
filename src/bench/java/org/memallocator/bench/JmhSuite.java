package org.memallocator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The JMH runs of the suite: one JMH run per (benchmark, regime, thread count), each writing its
 * JSON to {@code target/bench/jmh/<id>.json}, plus {@code run.json} with the settings and the
 * environment. Regimes are separate runs, never one number.
 */
final class JmhSuite {

    /** Hold time of the "with hold" runs, in {@code Blackhole.consumeCPU} tokens. */
    static final int HOLD_TOKENS = 100;

    /**
     * One JMH run.
     *
     * @param id        file name and report key
     * @param family    "get-release" or "cross-thread"
     * @param regime    "large" (pool larger than the threads), "small" (smaller), "cross"
     * @param threads   JMH threads (producers, for the cross-thread benchmark)
     * @param poolSize  buffers in the pool
     * @param hold      consumeCPU tokens while holding a buffer
     * @param sample    also run SampleTime (AverageTime always)
     */
    record Run(String id, String family, String regime, int threads, int poolSize, int hold,
               boolean sample) {
        String benchmarkMethod() {
            return family.equals("cross-thread")
                    ? CrossThreadBenchmark.class.getName() + ".getAndHandOff"
                    : GetReleaseBenchmark.class.getName() + ".getRelease";
        }
    }

    /** The plan, in run order. */
    static List<Run> plan() {
        List<Run> runs = new ArrayList<>();
        for (int t : new int[] {1, 2, 4}) {
            runs.add(new Run("large-t" + t, "get-release", "large", t, 8, 0, true));
        }
        for (int t : new int[] {2, 4}) {
            runs.add(new Run("small-t" + t, "get-release", "small", t, 1, 0, true));
        }
        for (int p : new int[] {1, 2}) {
            runs.add(new Run("cross-p" + p, "cross-thread", "cross", p, 4, 0, true));
        }
        for (int t : new int[] {1, 2, 4}) {
            runs.add(new Run("hold-large-t" + t, "get-release", "large", t, 8, HOLD_TOKENS, false));
        }
        for (int t : new int[] {2, 4}) {
            runs.add(new Run("hold-small-t" + t, "get-release", "small", t, 1, HOLD_TOKENS, false));
        }
        return runs;
    }

    private JmhSuite() {
    }

    static void run(Settings settings) throws IOException, RunnerException {
        Path dir = settings.out().resolve("jmh");
        Files.createDirectories(dir);
        String[] impls = Arrays.stream(PoolKind.values()).map(k -> k.id).toArray(String[]::new);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("settings", settings.describe());
        meta.put("environment", Environment.capture(settings.command("jmh")));
        meta.put("holdTokens", HOLD_TOKENS);
        List<Map<String, Object>> done = new ArrayList<>();
        meta.put("runs", done);
        long start = System.nanoTime();
        for (Run r : plan()) {
            Path json = dir.resolve(r.id() + ".json");
            Files.deleteIfExists(json);
            ChainedOptionsBuilder opts = new OptionsBuilder()
                    .include("^" + Pattern.quote(r.benchmarkMethod()) + "$")
                    .param("impl", impls)
                    .param("poolSize", Integer.toString(r.poolSize()))
                    .param("holdTokens", Integer.toString(r.hold()))
                    .threads(r.threads())
                    .mode(Mode.AverageTime)
                    .timeUnit(TimeUnit.NANOSECONDS)
                    .forks(settings.forks())
                    .warmupIterations(settings.warmups())
                    .warmupTime(TimeValue.milliseconds(settings.warmupMillis()))
                    .measurementIterations(settings.iterations())
                    .measurementTime(TimeValue.milliseconds(settings.iterationMillis()))
                    .jvmArgs("-Xms1g", "-Xmx1g")
                    // A pool that strands a thread (Stormpot's thread-local tap can) would hang the
                    // suite: JMH interrupts an iteration after this long, that benchmark fails, and
                    // the report shows it as missing instead of a number.
                    .timeout(TimeValue.seconds(settings.iterationMillis() < 1000 ? 5 : 10))
                    .shouldFailOnError(false)
                    .resultFormat(ResultFormatType.JSON)
                    .result(json.toString());
            if (r.sample()) {
                opts.mode(Mode.SampleTime);
            }
            System.out.printf("%n=== JMH run %s: %s, %d thread(s), pool %d, hold %d%n",
                    r.id(), r.family(), r.threads(), r.poolSize(), r.hold());
            String loadBefore = loadAverage();
            long runStart = System.nanoTime();
            new Runner(opts.build()).run();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", r.id());
            entry.put("family", r.family());
            entry.put("regime", r.regime());
            entry.put("threads", r.threads());
            entry.put("poolSize", r.poolSize());
            entry.put("holdTokens", r.hold());
            entry.put("file", json.getFileName().toString());
            entry.put("seconds", (System.nanoTime() - runStart) / 1_000_000_000L);
            entry.put("loadBefore", loadBefore);
            entry.put("loadAfter", loadAverage());
            done.add(entry);
            // rewritten after every run, so that a partial suite can still be reported
            meta.put("elapsedSeconds", (System.nanoTime() - start) / 1_000_000_000L);
            json().writeValue(dir.resolve("run.json").toFile(), meta);
        }
    }

    /** The first three fields of /proc/loadavg (1, 5, 15 min), or "?". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static ObjectMapper json() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
}
