package org.memallocator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the gnuplot data and scripts for the report's two figures; {@link Report} runs gnuplot
 * on them. Each script draws the same plot twice: SVG for the Markdown, PNG for quick viewing.
 */
final class Plots {

    /** One colour per pool, in {@link PoolKind} order; ours stands out, the peers are muted. */
    private static final String[] COLOURS = {"#d62728", "#1f77b4", "#9ecae1", "#2ca02c", "#7f7f7f", "#ff9f1c"};
    /** Top of figure 1's y axis, ns. */
    private static final double AVGT_CAP = 1e6;
    /** Gap between clusters in figure 1, in bar widths. */
    private static final int GAP = 2;
    private static final String[] PCT_COLOURS = {"#9ecae1", "#4292c6", "#08519c", "#08306b"};

    private Plots() {
    }

    /** Figure 1: AverageTime of every pool, clustered by regime and thread count. */
    static void avgt(Report report, Path dir) throws IOException {
        List<String> runs = new ArrayList<>();
        runs.addAll(report.runs("large-"));
        runs.addAll(report.runs("small-"));
        runs.addAll(report.runs("cross-"));
        StringBuilder data = new StringBuilder("# cluster, then per pool (PoolKind order): score, low, high (ns)\n");
        for (String run : runs) {
            data.append('"').append(label(report, run)).append('"');
            for (PoolKind k : PoolKind.values()) {
                Report.Result r = report.result(run, k.id, "avgt");
                if (r == null) {
                    data.append(" NaN NaN NaN");
                    continue;
                }
                double err = Double.isNaN(r.error()) ? 0 : r.error();
                data.append(String.format(Locale.ROOT, " %.3f %.3f %.3f", r.score(),
                        Math.max(r.score() - err, 1.0), r.score() + err));
            }
            data.append('\n');
        }
        Files.writeString(dir.resolve("avgt.dat"), data);
        PoolKind[] kinds = PoolKind.values();
        // Bars above the cap (a pool that starves threads reaches seconds) would squash the rest:
        // they are cut at the cap and labelled with their value.
        StringBuilder offScale = new StringBuilder();
        int n = kinds.length;
        for (int i = 0; i < runs.size(); i++) {
            for (int j = 0; j < n; j++) {
                Report.Result r = report.result(runs.get(i), kinds[j].id, "avgt");
                if (r != null && r.score() > AVGT_CAP) {
                    double x = i + (j - (n - 1) / 2.0) / (n + GAP);
                    offScale.append(String.format(Locale.ROOT, "set label \"%s ↑\" at %.4f, %.0f "
                                    + "rotate by 90 right front font \",10\" textcolor rgb \"#000000\"%n",
                            Report.ns(r.score()).replace(" ", " "), x, AVGT_CAP * 0.8));
                }
            }
        }
        StringBuilder plot = new StringBuilder("plot ");
        for (int i = 0; i < kinds.length; i++) {
            int c = 2 + 3 * i;
            plot.append(i == 0 ? "'avgt.dat'" : ", ''")
                    .append(String.format(" using %d:%d:%d%s title \"%s\" lc rgb \"%s\"", c, c + 1, c + 2,
                            i == 0 ? ":xtic(twoLines(strcol(1)))" : "", title(kinds[i]), COLOURS[i]));
        }
        String body = String.join("\n",
                "set title \"get + release: mean time per operation per thread (AverageTime; lower is better)\"",
                "set ylabel \"ns per operation (log scale; bars above 1 ms are cut and labelled)\"",
                "twoLines(s) = strstrt(s, \"|\") > 0 ? s[1:strstrt(s, \"|\") - 1] . \"\\n\" . s[strstrt(s, \"|\") + 1:] : s",
                "set logscale y",
                String.format(Locale.ROOT, "set yrange [5:%.0f]", AVGT_CAP),
                "set bmargin 4",
                offScale.toString(),
                "set format y \"%.0s%c\"",
                "set grid ytics mytics lc rgb \"#dddddd\"",
                "set style data histogram",
                "set style histogram errorbars gap " + GAP + " lw 1",
                "set style fill solid 0.9 border rgb \"#444444\"",
                "set boxwidth 0.9",
                "set key outside right top vertical Left reverse noenhanced",
                "set xtics nomirror noenhanced",
                "set ytics nomirror",
                "set border 3",
                plot.toString());
        writeScript(dir, report.docs(), "avgt", body, 1280, 560);
    }

    /** Figure 2: SampleTime percentiles of every pool with 1 buffer, one panel per thread count. */
    static void tail(Report report, Path dir) throws IOException {
        List<String> runs = report.runs("small-");
        StringBuilder panels = new StringBuilder();
        for (String run : runs) {
            StringBuilder data = new StringBuilder("# pool, p50, p99, p99.9, max (ns)\n");
            for (PoolKind k : PoolKind.values()) {
                Report.Result r = report.result(run, k.id, "sample");
                data.append('"').append(k.id).append('"');
                for (String p : new String[] {"50.0", "99.0", "99.9", "100.0"}) {
                    Double v = r == null ? null : r.percentiles().get(p);
                    data.append(v == null ? " NaN" : String.format(Locale.ROOT, " %.1f", Math.max(v, 1.0)));
                }
                data.append('\n');
            }
            String file = "tail-" + run + ".dat";
            Files.writeString(dir.resolve(file), data);
            panels.append(String.format("set title \"1 buffer, %d threads\"%n", report.threadCount(run)));
            panels.append(String.format("plot '%s' using 2:xtic(1) title \"p50\" lc rgb \"%s\", "
                            + "'' using 3 title \"p99\" lc rgb \"%s\", '' using 4 title \"p99.9\" lc rgb \"%s\", "
                            + "'' using 5 title \"max\" lc rgb \"%s\"%n", file, PCT_COLOURS[0], PCT_COLOURS[1],
                    PCT_COLOURS[2], PCT_COLOURS[3]));
        }
        String body = String.join("\n",
                String.format("set multiplot layout 1,%d title \"One get + release with a pool of 1 buffer: "
                        + "latency percentiles (SampleTime; log scale)\"", Math.max(runs.size(), 1)),
                "set ylabel \"ns (log scale)\"",
                "set logscale y",
                "set yrange [10:*]",
                "set format y \"%.0s%c\"",
                "set grid ytics lc rgb \"#dddddd\"",
                "set style data histogram",
                "set style histogram clustered gap 1",
                "set style fill solid 0.9 border rgb \"#444444\"",
                "set boxwidth 0.9",
                "set key top left horizontal noenhanced",
                "set xtics nomirror rotate by -30 noenhanced",
                "set ytics nomirror",
                "set border 3",
                panels.toString(),
                "unset multiplot");
        writeScript(dir, report.docs(), "tail", body, 1280, 560);
    }

    private static String title(PoolKind k) {
        return k == PoolKind.MEMALLOCATOR ? "memallocator (ours)" : k.id;
    }

    /** A two-line cluster label; the plot script turns the '|' into a line break. */
    private static String label(Report report, String run) {
        return report.shortLabel(run);
    }

    /** A script that draws {@code body} as docs/benchmarks-NAME.svg and .png. */
    private static void writeScript(Path dir, Path docsDir, String name, String body, int width,
                                    int height) throws IOException {
        Path docs = docsDir.toAbsolutePath();
        String script = "# Generated by org.memallocator.bench.Plots; run from any directory.\n"
                + "cd '" + dir.toAbsolutePath() + "'\n"
                + String.format("set terminal svg size %d,%d dynamic font \"Helvetica,13\" background rgb \"white\"%n",
                width, height)
                + "set output '" + docs.resolve("benchmarks-" + name + ".svg") + "'\n"
                + body + "\n"
                + "unset output\n"
                + String.format("set terminal pngcairo size %d,%d font \"Helvetica,11\" background rgb \"white\"%n",
                width, height)
                + "set output '" + docs.resolve("benchmarks-" + name + ".png") + "'\n"
                + body + "\n"
                + "unset output\n";
        Files.writeString(dir.resolve(name + ".gp"), script);
    }
}
