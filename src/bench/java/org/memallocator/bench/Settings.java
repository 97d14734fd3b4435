package org.memallocator.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run of the suite does, from system properties (the bench profile passes them on):
 * {@code bench.mode} ({@code full}, default, or {@code smoke}: everything, briefly),
 * {@code bench.phases} (comma-separated subset of {@code jmh,paired,fairness,tlc,history,report}),
 * {@code bench.forks}, {@code bench.warmups}, {@code bench.iterations} (override the mode's JMH
 * defaults). Output goes to {@code target/bench}; the report to {@code docs/}.
 */
record Settings(String mode, List<String> phases, int forks, int warmups, int warmupMillis,
                int iterations, int iterationMillis, int fairnessIntervals, int fairnessMillis,
                int pairedRounds, int pairedWindowMillis, boolean tlcFull, Path out, Path docs) {

    /** Every phase, in run order. */
    static final List<String> ALL_PHASES = List.of("jmh", "paired", "fairness", "tlc", "history", "report");

    /** The command the bench profile documents. */
    static final String BASE_COMMAND = "mvn -Pbench verify -DskipTests";

    static Settings fromSystemProperties() {
        String mode = prop("bench.mode", "full");
        boolean smoke = mode.equals("smoke");
        if (!smoke && !mode.equals("full")) {
            throw new IllegalArgumentException("bench.mode must be full or smoke, not " + mode);
        }
        List<String> phases = List.of(prop("bench.phases", String.join(",", ALL_PHASES)).split("\\s*,\\s*"));
        for (String p : phases) {
            if (!ALL_PHASES.contains(p)) {
                throw new IllegalArgumentException("unknown phase " + p);
            }
        }
        return new Settings(mode, phases,
                intProp("bench.forks", 1),
                intProp("bench.warmups", smoke ? 1 : 3), smoke ? 200 : 1000,
                intProp("bench.iterations", smoke ? 2 : 5), smoke ? 200 : 1000,
                smoke ? 2 : 5, smoke ? 200 : 1000,
                smoke ? 6 : 40, smoke ? 50 : 100,
                !smoke,
                Path.of("target", "bench"), Path.of("docs"));
    }

    boolean runs(String phase) {
        return phases.contains(phase);
    }

    /** The command line that reproduces these settings (only non-default knobs added). */
    String command() {
        List<String> extra = new ArrayList<>();
        if (!mode.equals("full")) {
            extra.add("-Dbench.mode=" + mode);
        }
        Settings defaults = withMode(mode);
        if (forks != defaults.forks) {
            extra.add("-Dbench.forks=" + forks);
        }
        if (warmups != defaults.warmups) {
            extra.add("-Dbench.warmups=" + warmups);
        }
        if (iterations != defaults.iterations) {
            extra.add("-Dbench.iterations=" + iterations);
        }
        return BASE_COMMAND + (extra.isEmpty() ? "" : " " + String.join(" ", extra));
    }

    /** The command that reruns just {@code phase} with these settings. */
    String command(String phase) {
        String all = command();
        return phases.containsAll(ALL_PHASES) ? all : all + " -Dbench.phases=" + phase;
    }

    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", mode);
        m.put("forks", forks);
        m.put("warmups", warmups);
        m.put("warmupMillis", warmupMillis);
        m.put("iterations", iterations);
        m.put("iterationMillis", iterationMillis);
        m.put("fairnessIntervals", fairnessIntervals);
        m.put("fairnessMillis", fairnessMillis);
        m.put("pairedRounds", pairedRounds);
        m.put("pairedWindowMillis", pairedWindowMillis);
        return m;
    }

    private static Settings withMode(String mode) {
        String saved = System.getProperty("bench.mode");
        String[] keys = {"bench.forks", "bench.warmups", "bench.iterations"};
        String[] savedKnobs = new String[keys.length];
        try {
            System.setProperty("bench.mode", mode);
            for (int i = 0; i < keys.length; i++) {
                savedKnobs[i] = System.clearProperty(keys[i]);
            }
            return fromSystemProperties();
        } finally {
            restore("bench.mode", saved);
            for (int i = 0; i < keys.length; i++) {
                restore(keys[i], savedKnobs[i]);
            }
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    private static String prop(String key, String dflt) {
        String v = System.getProperty(key);
        return v == null || v.isBlank() ? dflt : v.strip();
    }

    private static int intProp(String key, int dflt) {
        return Integer.parseInt(prop(key, Integer.toString(dflt)));
    }
}
