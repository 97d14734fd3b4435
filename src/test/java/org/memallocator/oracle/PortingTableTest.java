package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.memallocator.SpecAction;

/**
 * PORTING.md's table cannot go stale: every spec action has a row, and each row's links into
 * MonitorMemAllocator.java point at the method it names and at the line that reports the action
 * ({@code SpecAction.X}). On a mismatch the message gives the Java column as it should read.
 */
class PortingTableTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));
    private static final String JAVA = "src/main/java/org/memallocator/MonitorMemAllocator.java";
    private static final Pattern ROW = Pattern.compile("^\\| `(\\w+)` \\| `([\\w.]+)` \\[L(\\d+)]\\(" + Pattern.quote(JAVA)
            + "#L(\\d+)\\), step \\[L(\\d+)]\\(" + Pattern.quote(JAVA) + "#L(\\d+)\\) \\|");
    private static final Pattern METHOD = Pattern.compile("^\\s+(?:public|private|protected)[^=;(]*\\s(\\w+)\\(");

    @Test
    void everyActionHasARowWhoseLinksPointAtItsMethodAndItsStep() throws IOException {
        List<String> java = Files.readAllLines(REPO.resolve(JAVA));
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(REPO.resolve("PORTING.md"))) {
            if (line.startsWith("| `")) {
                rows.put(line.substring(3, line.indexOf('`', 3)), line);
            }
        }
        List<String> problems = new ArrayList<>();
        for (SpecAction a : SpecAction.values()) {
            String row = rows.get(a.name());
            String expected = expectedCell(java, a);
            if (row == null) {
                problems.add(a + ": no row; its Java column: " + expected);
                continue;
            }
            Matcher m = ROW.matcher(row);
            if (!m.find()) {
                problems.add(a + ": the Java column is not `method` [Ln](...#Ln), step [Lm](...#Lm): " + row);
                continue;
            }
            String method = m.group(2).substring(m.group(2).lastIndexOf('.') + 1);
            int methodLine = Integer.parseInt(m.group(3));
            int stepLine = Integer.parseInt(m.group(5));
            boolean ok = m.group(3).equals(m.group(4)) && m.group(5).equals(m.group(6))
                    && line(java, methodLine).contains(" " + method + "(")
                    && reports(line(java, stepLine), a);
            if (!ok) {
                problems.add(a + ": should read " + expected);
            }
        }
        assertTrue(problems.isEmpty(), "PORTING.md section 1 is stale:\n" + String.join("\n", problems));
        assertEquals(SpecAction.values().length, rows.size(), "rows for unknown actions: " + rows.keySet());
    }

    /** Whether the line names the action: {@code SpecAction.X} and not a longer name. */
    private static boolean reports(String line, SpecAction a) {
        return Pattern.compile("SpecAction\\." + a.name() + "\\b").matcher(line).find();
    }

    private static String line(List<String> java, int n) {
        return n >= 1 && n <= java.size() ? java.get(n - 1) : "";
    }

    /** The Java cell for {@code a}, from the file: the method around its first step report, and that line. */
    private static String expectedCell(List<String> java, SpecAction a) {
        for (int i = 0; i < java.size(); i++) {
            String l = java.get(i);
            if (reports(l, a) && !l.strip().startsWith("*")) {
                for (int j = i; j >= 0; j--) {
                    Matcher m = METHOD.matcher(java.get(j));
                    if (m.find()) {
                        String method = (java.get(j).startsWith("        ") ? "Sample." : "") + m.group(1);
                        return "`" + method + "` [L" + (j + 1) + "](" + JAVA + "#L" + (j + 1) + "), step [L" + (i + 1)
                                + "](" + JAVA + "#L" + (i + 1) + ")";
                    }
                }
            }
        }
        return "(no line reports SpecAction." + a.name() + ")";
    }
}
