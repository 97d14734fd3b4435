package org.memallocator.modeltests.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The TLC figures written in {@code README.md} and {@code spec/README.md} are the manifest's:
 * every "{@code `X.cfg`: N distinct states, depth D}" (or {@code `spec/X.cfg`}) in either file names a model of
 * {@code spec/manifest.json} and gives its distinct states (and depth), and the results table of
 * {@code spec/README.md} (between {@code <!-- results:begin -->} and {@code <!-- results:end -->})
 * has one row per manifest model with the manifest's size, result, violations, distinct states,
 * depth and time. The last two tests feed the checks doctored texts.
 */
class ReadmeFiguresTest {

    /** "`MemAllocatorMonitor.cfg`: 14,944 distinct states, depth 23" (the depth is optional). */
    private static final Pattern FIGURE = Pattern.compile(
            "`([\\w/]+\\.cfg)`:\\s+([\\d,]+)\\s+distinct\\s+states(?:,\\s+depth\\s+(\\d+))?");

    /** Every figure in {@code text} that disagrees with the manifest; empty when all agree. */
    static List<String> figureProblems(String text, SpecManifest manifest) {
        List<String> problems = new ArrayList<>();
        Matcher m = FIGURE.matcher(text);
        while (m.find()) {
            String config = m.group(1).replaceFirst("^spec/", "");
            Optional<SpecManifest.Model> model = manifest.models().stream()
                    .filter(x -> x.config().equals(config) && !x.listsEveryViolation()).findFirst();
            if (model.isEmpty()) {
                problems.add("`" + config + "`: no model of spec/manifest.json has this configuration");
                continue;
            }
            long states = Long.parseLong(m.group(2).replace(",", ""));
            if (states != model.get().distinctStates()) {
                problems.add("`" + config + "`: " + m.group(2) + " distinct states, the manifest says "
                        + model.get().distinctStates());
            }
            if (m.group(3) != null && !Integer.valueOf(m.group(3)).equals(model.get().depth())) {
                problems.add("`" + config + "`: depth " + m.group(3) + ", the manifest says " + model.get().depth());
            }
        }
        return problems;
    }

    /** The number of figures {@link #figureProblems} checks in {@code text}. */
    static int figures(String text) {
        int n = 0;
        for (Matcher m = FIGURE.matcher(text); m.find(); ) {
            n++;
        }
        return n;
    }

    /** The results table's row for a model, as the manifest says it should read. */
    static String row(SpecManifest.Model m) {
        String violations = m.violations() != null ? String.join(", ", m.violations())
                : m.violation() == null ? "" : m.violation();
        String time = m.seconds() == null ? "" : String.format(Locale.ROOT, "%.1f s", m.seconds());
        return "| " + m.name() + " | " + m.size() + " | " + m.result() + " | " + violations + " | "
                + String.format(Locale.ROOT, "%,d", m.distinctStates()) + " | "
                + (m.depth() == null ? "" : m.depth()) + " | " + time + " |";
    }

    /** Every row of the results table that is missing, extra or differs from the manifest. */
    static List<String> tableProblems(String specReadme, SpecManifest manifest) {
        int begin = specReadme.indexOf("<!-- results:begin -->");
        int end = specReadme.indexOf("<!-- results:end -->");
        if (begin < 0 || end < begin) {
            return List.of("spec/README.md has no results table between its markers");
        }
        Set<String> rows = new TreeSet<>();
        for (String line : specReadme.substring(begin, end).split("\n")) {
            if (line.startsWith("| ") && !line.startsWith("| Model ") && !line.startsWith("| ---")) {
                rows.add(line.strip());
            }
        }
        List<String> problems = new ArrayList<>();
        Set<String> expected = new TreeSet<>();
        for (SpecManifest.Model m : manifest.models()) {
            expected.add(row(m));
        }
        for (String r : expected) {
            if (!rows.contains(r)) {
                problems.add("missing or different: " + r);
            }
        }
        for (String r : rows) {
            if (!expected.contains(r)) {
                problems.add("not the manifest's: " + r);
            }
        }
        return problems;
    }

    private static String read(String file) throws IOException {
        return Files.readString(SpecManifest.repo().resolve(file), StandardCharsets.UTF_8);
    }

    @Test
    void readmesFiguresAreTheManifests() throws IOException {
        SpecManifest manifest = SpecManifest.read();
        String readme = read("README.md");
        String specReadme = read("spec/README.md");
        System.out.printf("ReadmeFiguresTest: %d figures in README.md, %d in spec/README.md, %d table rows%n",
                figures(readme), figures(specReadme), manifest.models().size());
        assertTrue(figures(readme) >= 4, "README.md gives the default, closed-world and starvation models' figures");
        assertEquals(List.of(), figureProblems(readme, manifest), "README.md against spec/manifest.json");
        assertEquals(List.of(), figureProblems(specReadme, manifest), "spec/README.md against spec/manifest.json");
        assertEquals(List.of(), tableProblems(specReadme, manifest), "spec/README.md's results table");
    }

    @Test
    void aFigureThatIsNotTheManifestsIsReported() throws IOException {
        SpecManifest manifest = SpecManifest.read();
        long states = manifest.model("MemAllocatorMonitor").distinctStates();
        String doctored = "monitor model (`MemAllocatorMonitor.cfg`: 7,195 distinct states, depth 23)";
        assertEquals(List.of("`MemAllocatorMonitor.cfg`: 7,195 distinct states, the manifest says " + states),
                figureProblems(doctored, manifest));
        assertEquals(List.of("`Nowhere.cfg`: no model of spec/manifest.json has this configuration"),
                figureProblems("`Nowhere.cfg`: 1 distinct states", manifest));
    }

    @Test
    void aTableRowThatIsNotTheManifestsIsReported() throws IOException {
        SpecManifest manifest = SpecManifest.read();
        String specReadme = read("spec/README.md");
        String good = row(manifest.model("MemAllocator"));
        assertTrue(specReadme.contains(good), "the table has the row " + good);
        long states = manifest.model("MemAllocator").distinctStates();
        String bad = good.replace(String.format(Locale.ROOT, "| %,d |", states),
                String.format(Locale.ROOT, "| %,d |", states + 1));
        List<String> problems = tableProblems(specReadme.replace(good, bad), manifest);
        assertEquals(List.of("missing or different: " + good, "not the manifest's: " + bad), problems);
    }
}
