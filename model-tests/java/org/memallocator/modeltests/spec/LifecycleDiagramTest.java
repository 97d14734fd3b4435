package org.memallocator.modeltests.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.memallocator.graph.DotGraph;
import org.memallocator.tlc.TlcLauncher;
import org.memallocator.tlc.TlcOutcome;
import org.memallocator.tlc.TlcResult;

/**
 * {@code docs/lifecycle.dot} is what {@link LifecycleDiagram} makes of a fresh TLC state graph of
 * the lifecycle model; otherwise the test fails with the difference. With
 * {@code -Dmemallocator.regenerate=true} it rewrites the file instead (and, where Graphviz's
 * {@code dot} is installed, {@code docs/lifecycle.svg}).
 */
class LifecycleDiagramTest {

    private static final String REGENERATE =
            "mvn -o -q test-compile && mvn -o surefire:test@model-tests"
                    + " -Dtest=LifecycleDiagramTest -Dmemallocator.regenerate=true";

    @Test
    void committedDiagramIsTheOneTheSpecGives() throws IOException, InterruptedException {
        Path repo = SpecManifest.repo();
        Path spec = SpecManifest.specDir();
        Path work = Files.createDirectories(repo.resolve("target/lifecycle"));
        Path dump = work.resolve("lifecycle-states.dot");
        Files.deleteIfExists(dump);
        TlcResult r = new TlcLauncher(repo.resolve("target/tlc"), Duration.ofMinutes(5))
                .check(spec.resolve(LifecycleDiagram.MODULE), spec.resolve(LifecycleDiagram.CONFIG), 1,
                        "-cleanup", "-dump", "dot,actionlabels", dump.toString());
        assertEquals(TlcOutcome.SUCCESS, r.outcome(), r.summary() + "\n" + r.output());

        String fresh = LifecycleDiagram.render(DotGraph.read(dump));
        Path committed = repo.resolve("docs/lifecycle.dot");
        if (Boolean.getBoolean("memallocator.regenerate")) {
            Files.createDirectories(committed.getParent());
            Files.writeString(committed, fresh, StandardCharsets.UTF_8);
            System.out.println("wrote " + committed);
            renderSvg(committed, repo.resolve("docs/lifecycle.svg"));
            return;
        }
        String old = Files.exists(committed) ? Files.readString(committed, StandardCharsets.UTF_8) : "";
        if (!fresh.equals(old)) {
            fail("docs/lifecycle.dot is not what the spec gives now (TLC: " + r.summary() + ").\n"
                    + "---- diff (- committed, + fresh) ----\n" + diff(old, fresh)
                    + "---- end ----\n"
                    + "If the change is intended, regenerate it and render the picture:\n  " + REGENERATE
                    + "\n  dot -Tsvg docs/lifecycle.dot -o docs/lifecycle.svg\n");
        }
    }

    /** Renders the SVG if Graphviz is installed (CI does not need it). */
    private static void renderSvg(Path dot, Path svg) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("dot", "-Tsvg", dot.toString(), "-o", svg.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.println(p.waitFor() == 0 ? "wrote " + svg : "dot failed: " + out);
        } catch (IOException noGraphviz) {
            System.out.println("Graphviz's dot is not installed; render by hand:\n  dot -Tsvg " + dot
                    + " -o " + svg);
        }
    }

    /** A line diff (longest common subsequence), enough for a file of a few dozen lines. */
    static String diff(String a, String b) {
        String[] x = a.split("\n", -1);
        String[] y = b.split("\n", -1);
        int[][] lcs = new int[x.length + 1][y.length + 1];
        for (int i = x.length - 1; i >= 0; i--) {
            for (int j = y.length - 1; j >= 0; j--) {
                lcs[i][j] = x[i].equals(y[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < x.length || j < y.length) {
            if (i < x.length && j < y.length && x[i].equals(y[j])) {
                i++;
                j++;
            } else if (i < x.length && (j == y.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                out.add("- " + x[i++]);
            } else {
                out.add("+ " + y[j++]);
            }
        }
        return out.isEmpty() ? "" : String.join("\n", out) + "\n";
    }
}
