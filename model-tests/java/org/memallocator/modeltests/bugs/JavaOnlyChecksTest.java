package org.memallocator.modeltests.bugs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Backs the last column of PORTING.md section 5's table, "Java-only checks": the checkers a port
 * cannot reuse (jqwik's stateful properties, trace validation, the two Lincheck suites, the tests
 * generated from TLC's state graph; {@link Checkers}), in the kill matrix's order, cheapest first.
 * A cell says "caught: X", X being the first of them (in {@link #WORDS}' words) that catches the
 * bug class's seeded variant, or "not seen" when none does. Each checker runs as the kill matrix
 * runs it ({@link KillMatrixTest#run}: its test methods one at a time until the first failure, at
 * the kill budget, the cell stopped after 90 s); each passes the clean implementation in its own
 * test and in the kill matrix's clean row.
 *
 * <p>For a "caught: X" cell, every checker before X must pass the variant and X must fail it: in
 * every build. A "not seen" cell needs every checker to run to the end and pass the variant (a
 * checker with no verdict in 90 s fails the test: no verdict is not a pass); that takes minutes
 * (Lincheck), so every build runs only the first, jqwik, on such a row, and all of them run with
 * {@code -Dmemallocator.budget=long} ({@code -Plong}) or {@code -Dmemallocator.javaonly.full=true}.
 */
@Timeout(3600)
class JavaOnlyChecksTest {

    /** The Java-only checkers of {@link Checkers#ALL}, in its order, by the words the table uses for them. */
    static final Map<String, String> WORDS = words();

    private static final boolean FULL = "long".equals(System.getProperty("memallocator.budget"))
            || Boolean.getBoolean("memallocator.javaonly.full");

    private static Map<String, String> words() {
        Map<String, String> w = new LinkedHashMap<>();
        w.put("jqwik-stateful", "jqwik");
        w.put("trace-validation", "trace validation");
        w.put("lincheck-blocking", "Lincheck (blocking)");
        w.put("lincheck-linearizability", "Lincheck (linearizability)");
        w.put("state-graph", "graph-generated tests");
        return w;
    }

    /** The checker a cell names ("caught: X"), or null for "not seen"; fails on any other text. */
    static String named(String cell) {
        if (cell.equals("not seen")) {
            return null;
        }
        String word = cell.startsWith("caught: ") ? cell.substring("caught: ".length()) : "";
        return WORDS.entrySet().stream().filter(e -> e.getValue().equals(word))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("the cell \"" + cell + "\" should be \"not seen\" or"
                        + " \"caught: X\", X one of " + WORDS.values()));
    }

    private static SeededBug bug(String name) {
        return Stream.concat(SeededBugs.ALL.stream(), SeededBugs.MORE_CLASSES.stream())
                .filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no seeded bug " + name));
    }

    private static Checkers.Checker checker(String name) {
        return Checkers.ALL.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** The column: variant name to the cell's checker (null: "not seen"). */
    private static Map<String, String> column() throws IOException {
        Map<String, String> column = new LinkedHashMap<>();
        OracleVisibilityTest.table().forEach((variant, cells) -> {
            assertEquals(7, cells.size(), variant + ": " + cells);
            column.put(variant, named(cells.get(6)));
        });
        assertEquals(9, column.size(), column.keySet().toString());
        return column;
    }

    /**
     * Runs the Java-only checkers in order on the variant, up to and including {@code upTo} (all if
     * null); the first that catches it, or null if none did; a checker with no verdict is a problem.
     */
    private static String firstCatch(String variant, String upTo, List<String> problems) throws Exception {
        for (String name : WORDS.keySet()) {
            KillMatrixTest.Cell cell = KillMatrixTest.run(checker(name), variant, VariantCompiler.factory(bug(variant)));
            System.out.printf("java-only checks: %-40s x %-26s %-12s %5.1f s  %s%n", variant, name,
                    cell.shortText(), cell.seconds(), cell.detail());
            if (cell.caught()) {
                return name;
            }
            if (cell.verdict() != KillMatrixTest.Verdict.PASS) {
                problems.add(variant + " x " + name + ": no verdict (" + cell.shortText() + " " + cell.detail() + ")");
            }
            if (name.equals(upTo)) {
                break;
            }
        }
        return null;
    }

    @Test
    void eachCellNamesTheFirstJavaOnlyCheckerThatCatchesTheVariant() throws Exception {
        List<String> wrong = new ArrayList<>();
        int ran = 0;
        for (Map.Entry<String, String> row : column().entrySet()) {
            String upTo = row.getValue() != null || FULL ? row.getValue() : "jqwik-stateful";
            if (!java.util.Objects.equals(upTo, row.getValue())) {
                System.out.println("java-only checks: " + row.getKey() + ": \"not seen\", jqwik only (all with -Plong)");
            }
            ran++;
            String first = firstCatch(row.getKey(), upTo, wrong);
            if (!java.util.Objects.equals(first, row.getValue())) {
                wrong.add(row.getKey() + ": the table says " + (row.getValue() == null ? "not seen" : "caught: "
                        + WORDS.get(row.getValue())) + ", the first checker to catch it: "
                        + (first == null ? "none (of those run)" : WORDS.get(first)));
            }
        }
        assertTrue(ran > 0, "no row checked");
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }
}
