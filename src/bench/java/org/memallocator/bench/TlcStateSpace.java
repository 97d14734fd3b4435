package org.memallocator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.memallocator.tlc.TlcLauncher;
import org.memallocator.tlc.TlcResult;

/**
 * The checking side of the benchmarks: TLC's distinct states and wall time for the project's
 * models (from {@code spec/manifest.json} when it exists, else {@code spec/MemAllocator.cfg}),
 * each as configured and, where the configuration passes, as a safety-only model (invariants
 * and {@code [][A]_v} properties) without and with the module's thread symmetry; then a series
 * of growing constants of {@code MemAllocator.tla} (threads, MaxBuffers, MaxRefs) to show how
 * the state space grows. Every run goes through {@link TlcLauncher}, on 2 workers. Results go
 * to {@code target/bench/tlc.json}.
 */
final class TlcStateSpace {

    /** The model that the history checker row and the growth series are built on. */
    private static final Path MAIN_SPEC = Path.of("spec", "MemAllocator.tla");
    private static final Path MAIN_CFG = Path.of("spec", "MemAllocator.cfg");
    private static final Pattern SYMMETRY_DEF = Pattern.compile(
            "(?m)^(\\w+)\\s*==\\s*Permutations\\(\\s*Threads\\s*\\)");
    private static final Set<String> SECTION_KEYWORDS = Set.of("CONSTANT", "CONSTANTS", "INIT",
            "NEXT", "SPECIFICATION", "INVARIANT", "INVARIANTS", "PROPERTY", "PROPERTIES",
            "SYMMETRY", "VIEW", "CHECK_DEADLOCK", "CONSTRAINT", "CONSTRAINTS", "ACTION_CONSTRAINT",
            "ACTION_CONSTRAINTS", "ALIAS", "POSTCONDITION");
    /** The class the history-checker row reports on, once it exists. */
    static final String HISTORY_CHECKER = "org.memallocator.oracle.HistoryChecker";

    private TlcStateSpace() {
    }

    /** A model to check: a module and a configuration, with what the manifest expects, if known. */
    record Model(Path spec, Path cfg, String expected) {
    }

    static void run(Settings settings) throws IOException {
        Path dir = settings.out();
        Files.createDirectories(dir);
        Duration perRun = settings.tlcFull() ? Duration.ofMinutes(3) : Duration.ofMinutes(1);
        long budgetNanos = Duration.ofMinutes(settings.tlcFull() ? 12 : 3).toNanos();
        TlcLauncher tlc = new TlcLauncher(dir.resolve("tlc"), perRun);
        Path cfgDir = dir.resolve("tlc-configs");
        Files.createDirectories(cfgDir);
        long start = System.nanoTime();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", Environment.capture(settings.command("tlc")));
        out.put("workers", 2);
        out.put("perRunLimitSeconds", perRun.toSeconds());
        Path manifest = Path.of("spec", "manifest.json");
        List<Model> models = Files.exists(manifest) ? fromManifest(manifest) : List.of();
        out.put("source", models.isEmpty()
                ? MAIN_CFG + (Files.exists(manifest) ? " (spec/manifest.json lists no model)" : " (no spec/manifest.json yet)")
                : "spec/manifest.json");
        if (models.isEmpty()) {
            models = List.of(new Model(MAIN_SPEC, MAIN_CFG, null));
        }
        if (!settings.tlcFull()) {
            models = models.subList(0, 1);
        }

        List<Map<String, Object>> rows = new ArrayList<>();
        out.put("models", rows);
        for (Model m : models) {
            if (System.nanoTime() - start > budgetNanos) {
                rows.add(skipped(m, "as configured"));
                continue;
            }
            String cfgText = Files.readString(m.cfg());
            String tla = Files.readString(m.spec());
            TlcResult asIs = tlc.check(m.spec(), m.cfg(), 2);
            rows.add(row(m, "as configured", constants(cfgText), asIs));
            log(m.cfg() + " as configured", asIs);
            boolean hasLiveness = !livenessProperties(cfgText, tla).isEmpty();
            String symmetry = symmetryOperator(tla);
            if (!asIs.succeeded() || hasSymmetry(cfgText)) {
                continue;
            }
            List<String> variants = new ArrayList<>();
            if (hasLiveness) {
                variants.add("safety");
            }
            if (symmetry != null) {
                variants.add("safety + symmetry");
            }
            for (String v : variants) {
                if (System.nanoTime() - start > budgetNanos) {
                    rows.add(skipped(m, v));
                    continue;
                }
                String derived = safetyOnly(cfgText, tla, v.endsWith("symmetry") ? symmetry : null, null);
                Path cfg = cfgDir.resolve(stem(m.cfg()) + "-" + v.replaceAll("\\W+", "-") + ".cfg");
                Files.writeString(cfg, derived);
                TlcResult r = tlc.check(m.spec(), cfg, 2);
                rows.add(row(m, v, constants(derived), r));
                log(cfg.toString(), r);
            }
        }

        List<Map<String, Object>> growth = new ArrayList<>();
        out.put("growth", growth);
        String base = Files.readString(MAIN_CFG);
        String mainTla = Files.readString(MAIN_SPEC);
        String sym = symmetryOperator(mainTla);
        for (int[] c : growthSeries(settings.tlcFull())) {
            int threads = c[0];
            boolean symmetric = c[3] == 1;
            String variant = symmetric ? "safety + symmetry" : "safety";
            Model m = new Model(MAIN_SPEC, MAIN_CFG, null);
            if (symmetric && sym == null) {
                continue;
            }
            if (System.nanoTime() - start > budgetNanos) {
                Map<String, Object> s = skipped(m, variant);
                s.put("constants", constantsText(threads, c[1], c[2]));
                growth.add(s);
                continue;
            }
            Map<String, String> consts = new LinkedHashMap<>();
            consts.put("Threads", threadSet(threads));
            consts.put("MaxBuffers", Integer.toString(c[1]));
            consts.put("MaxRefs", Integer.toString(c[2]));
            String derived = safetyOnly(base, mainTla, symmetric ? sym : null, consts);
            Path cfg = cfgDir.resolve(String.format("growth-t%d-b%d-r%d%s.cfg", threads, c[1], c[2],
                    symmetric ? "-sym" : ""));
            Files.writeString(cfg, derived);
            TlcResult r = tlc.check(MAIN_SPEC, cfg, 2);
            Map<String, Object> row = row(m, variant, constantsText(threads, c[1], c[2]), r);
            row.put("threads", threads);
            row.put("maxBuffers", c[1]);
            row.put("maxRefs", c[2]);
            row.put("symmetry", symmetric);
            growth.add(row);
            log(cfg.toString(), r);
        }

        out.put("historyChecker", historyCheckerStatus());
        out.put("elapsedSeconds", (System.nanoTime() - start) / 1_000_000_000L);
        JmhSuite.json().writeValue(dir.resolve("tlc.json").toFile(), out);
    }

    /** {threads, MaxBuffers, MaxRefs, symmetry 0/1}: one constant grows at a time. */
    static List<int[]> growthSeries(boolean full) {
        List<int[]> s = new ArrayList<>();
        if (!full) {
            s.add(new int[] {1, 2, 2, 0});
            s.add(new int[] {2, 2, 2, 1});
            return s;
        }
        for (int t = 1; t <= 3; t++) {             // threads, without symmetry
            s.add(new int[] {t, 2, 2, 0});
        }
        for (int t = 2; t <= 4; t++) {             // threads, with symmetry
            s.add(new int[] {t, 2, 2, 1});
        }
        for (int b : new int[] {1, 3, 4}) {         // buffers (2 is above)
            s.add(new int[] {2, b, 2, 1});
        }
        for (int r : new int[] {1, 3, 4}) {         // reference counts (2 is above)
            s.add(new int[] {2, 2, r, 1});
        }
        return s;
    }

    private static String historyCheckerStatus() {
        try {
            Class.forName(HISTORY_CHECKER, false, TlcStateSpace.class.getClassLoader());
            return "present";
        } catch (ClassNotFoundException e) {
            return "absent";
        }
    }

    private static void log(String what, TlcResult r) {
        System.out.println("TLC " + what + ": " + r.summary());
    }

    private static Map<String, Object> row(Model m, String variant, String constants, TlcResult r) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("spec", m.spec().toString());
        row.put("cfg", m.cfg().toString());
        row.put("variant", variant);
        row.put("constants", constants);
        row.put("expected", m.expected());
        row.put("outcome", r.outcome().toString());
        row.put("violation", r.violation());
        row.put("distinctStates", r.distinctStates());
        row.put("generatedStates", r.generatedStates());
        row.put("depth", r.depth());
        row.put("seconds", r.elapsed().toMillis() / 1000.0);
        return row;
    }

    private static Map<String, Object> skipped(Model m, String variant) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("spec", m.spec().toString());
        row.put("cfg", m.cfg().toString());
        row.put("variant", variant);
        row.put("outcome", "SKIPPED (time budget)");
        return row;
    }

    static String threadSet(int n) {
        List<String> ts = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ts.add("t" + i);
        }
        return "{" + String.join(", ", ts) + "}";
    }

    private static String constantsText(int threads, int buffers, int refs) {
        return "Threads = " + threadSet(threads) + ", MaxBuffers = " + buffers + ", MaxRefs = " + refs;
    }

    private static String stem(Path cfg) {
        String f = cfg.getFileName().toString();
        return f.endsWith(".cfg") ? f.substring(0, f.length() - 4) : f;
    }

    // ------------------------------------------------------------ configuration rewriting

    /** A cfg line without its {@code \*} comment. Block comments are rare in .cfg files. */
    private static String uncomment(String line) {
        int c = line.indexOf("\\*");
        return c >= 0 ? line.substring(0, c) : line;
    }

    /** Whether the cfg (comments aside) already declares a SYMMETRY. */
    static boolean hasSymmetry(String cfg) {
        for (String raw : cfg.split("\n")) {
            if (uncomment(raw).strip().startsWith("SYMMETRY")) {
                return true;
            }
        }
        return false;
    }

    /** The constant assignments of a cfg, "Name = value" joined by ", ". */
    static String constants(String cfg) {
        List<String> out = new ArrayList<>();
        String section = "";
        for (String raw : cfg.split("\n")) {
            String line = uncomment(raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            String first = line.split("\\s+", 2)[0];
            if (SECTION_KEYWORDS.contains(first)) {
                section = first;
                line = line.substring(first.length()).strip();
            }
            if (section.startsWith("CONSTANT") && !line.isEmpty()) {
                out.add(line.replaceAll("\\s+", " "));
            }
        }
        return String.join(", ", out);
    }

    /** The names listed under PROPERTY/PROPERTIES. */
    private static List<String> properties(String cfg) {
        List<String> out = new ArrayList<>();
        String section = "";
        for (String raw : cfg.split("\n")) {
            String line = uncomment(raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            String first = line.split("\\s+", 2)[0];
            if (SECTION_KEYWORDS.contains(first)) {
                section = first;
                line = line.substring(first.length()).strip();
            }
            if (section.startsWith("PROPERT") && !line.isEmpty()) {
                out.addAll(List.of(line.split("\\s+")));
            }
        }
        return out;
    }

    /** The listed properties that are not of the form {@code [][A]_v}. */
    static List<String> livenessProperties(String cfg, String tla) {
        List<String> out = new ArrayList<>();
        for (String p : properties(cfg)) {
            if (!isActionProperty(p, tla)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Whether {@code name}'s definition is a box-action formula without fairness or leads-to. */
    static boolean isActionProperty(String name, String tla) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\s*==").matcher(tla);
        if (!m.find()) {
            return false;
        }
        String rest = tla.substring(m.end());
        Matcher next = Pattern.compile("(?m)^(\\w+(\\(.*?\\))?\\s*==|-{4,}|={4,})").matcher(rest);
        String body = (next.find() ? rest.substring(0, next.start()) : rest).strip();
        body = body.replaceAll("\\(\\*.*?\\*\\)", "").replaceAll("\\\\\\*.*", "").strip();
        return body.startsWith("[][") && !body.contains("~>") && !body.contains("<>")
                && !body.contains("WF_") && !body.contains("SF_");
    }

    /** The operator defined as {@code Permutations(Threads)}, or null. */
    static String symmetryOperator(String tla) {
        Matcher m = SYMMETRY_DEF.matcher(tla);
        return m.find() ? m.group(1) : null;
    }

    /**
     * {@code cfg} with only its invariants and action properties, optionally a SYMMETRY, and
     * optionally some constants replaced.
     */
    static String safetyOnly(String cfg, String tla, String symmetry, Map<String, String> constants) {
        StringBuilder out = new StringBuilder("\\* Generated by org.memallocator.bench.TlcStateSpace: safety only"
                + (symmetry != null ? ", with SYMMETRY" : "") + ".\n");
        String section = "";
        Set<String> replaced = new LinkedHashSet<>();
        for (String raw : cfg.split("\n")) {
            String line = uncomment(raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            String first = line.split("\\s+", 2)[0];
            if (SECTION_KEYWORDS.contains(first)) {
                section = first;
                line = line.substring(first.length()).strip();
                if (section.startsWith("PROPERT") || section.equals("SYMMETRY")) {
                    // rewritten below
                } else {
                    out.append(section).append('\n');
                }
            }
            if (line.isEmpty() || section.startsWith("PROPERT") || section.equals("SYMMETRY")) {
                continue;
            }
            if (section.startsWith("CONSTANT") && constants != null) {
                String name = line.split("\\s*(=|<-)\\s*", 2)[0].strip();
                if (constants.containsKey(name)) {
                    out.append("    ").append(name).append(" = ").append(constants.get(name)).append('\n');
                    replaced.add(name);
                    continue;
                }
            }
            out.append("    ").append(line).append('\n');
        }
        if (constants != null && !replaced.containsAll(constants.keySet())) {
            throw new IllegalStateException("constants " + constants.keySet() + " not all in the base cfg");
        }
        List<String> safe = new ArrayList<>(properties(cfg));
        safe.removeAll(livenessProperties(cfg, tla));
        if (!safe.isEmpty()) {
            out.append("PROPERTIES\n");
            for (String p : safe) {
                out.append("    ").append(p).append('\n');
            }
        }
        if (symmetry != null) {
            out.append("SYMMETRY ").append(symmetry).append('\n');
        }
        return out.toString();
    }

    // ------------------------------------------------------------ manifest

    /**
     * Every configuration the manifest names, with its module: a string ending in ".cfg" anywhere
     * in the JSON, the module being a ".tla" string in the same object or an enclosing one (else
     * the .tla of the same name). Paths are tried relative to the repository, then to spec/.
     */
    static List<Model> fromManifest(Path manifest) throws IOException {
        JsonNode root = JmhSuite.json().readTree(manifest.toFile());
        List<Model> out = new ArrayList<>();
        walk(root, new ArrayList<>(), out);
        return out;
    }

    private static void walk(JsonNode node, List<JsonNode> ancestors, List<Model> out) {
        if (node.isObject()) {
            String cfg = null;
            String expected = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isTextual() && e.getValue().asText().endsWith(".cfg")) {
                    cfg = e.getValue().asText();
                }
                if (e.getKey().equals("result") || e.getKey().equals("expected")
                        || e.getKey().equals("expectedResult")) {
                    expected = e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString();
                }
            }
            if (cfg != null) {
                Path cfgPath = resolve(cfg);
                Path spec = findTla(node, ancestors, cfgPath);
                if (cfgPath != null && spec != null) {
                    out.add(new Model(spec, cfgPath, expected));
                }
            }
            List<JsonNode> inner = new ArrayList<>(ancestors);
            inner.add(node);
            node.elements().forEachRemaining(child -> walk(child, inner, out));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> walk(child, ancestors, out));
        }
    }

    private static Path findTla(JsonNode node, List<JsonNode> ancestors, Path cfg) {
        List<JsonNode> chain = new ArrayList<>(ancestors);
        chain.add(node);
        for (int i = chain.size() - 1; i >= 0; i--) {
            for (Iterator<JsonNode> it = chain.get(i).elements(); it.hasNext(); ) {
                JsonNode v = it.next();
                if (v.isTextual() && v.asText().endsWith(".tla")) {
                    Path p = resolve(v.asText());
                    if (p != null) {
                        return p;
                    }
                }
            }
        }
        if (cfg == null) {
            return null;
        }
        String stem = stem(cfg);
        for (String candidate : new String[] {stem, stem.split("[_-]", 2)[0]}) {
            Path p = cfg.resolveSibling(candidate + ".tla");
            if (Files.exists(p)) {
                return p;
            }
        }
        return null;
    }

    private static Path resolve(String path) {
        for (Path p : new Path[] {Path.of(path), Path.of("spec").resolve(path)}) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
