package org.memallocator.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotGraphTest {

    /** A file in TLC 2.18's format: edges before their target's line, a duplicate, a self-loop. */
    static final List<String> FILE = List.of(
            "strict digraph DiskGraph {",
            "nodesep=0.35;",
            "subgraph cluster_graph {",
            "color=\"white\";",
            "-5 [label=\"/\\\\ x = 0\\n/\\\\ s = \\\"a\\\"\",style = filled]",
            "-5 -> 7 [label=\"Inc\",color=\"black\",fontcolor=\"black\"];",
            "7 [label=\"/\\\\ x = 1\\n/\\\\ s = \\\"a\\\"\"];",
            "-5 -> 7 [label=\"Inc\",color=\"black\",fontcolor=\"black\"];",
            "7 -> 7 [label=\"Stay\",color=\"black\",fontcolor=\"black\"];",
            "7 -> -5 [label=\"Reset\",color=\"black\",fontcolor=\"black\"];",
            "{rank = same; -5;}",
            "{rank = same; 7;}",
            "}",
            "}");

    @Test
    void readsStatesInitialStateAndEveryEdge() {
        DotGraph g = DotGraph.parse("g.dot", FILE);
        assertEquals(List.of(-5L, 7L), List.copyOf(g.labels().keySet()));
        assertEquals("/\\ x = 1\n/\\ s = \"a\"", g.labels().get(7L));
        assertEquals(List.of(-5L), g.initial());
        assertEquals(List.of(
                new DotGraph.Edge(-5, 7, "Inc", 6),
                new DotGraph.Edge(-5, 7, "Inc", 8),
                new DotGraph.Edge(7, 7, "Stay", 9),
                new DotGraph.Edge(7, -5, "Reset", 10)), g.edges());
    }

    @Test
    void rejectsATruncatedFile() {
        assertEquals("g.dot:13: the file ends inside 1 open '{' (truncated?)",
                message(FILE.subList(0, FILE.size() - 1)));
        List<String> cut = new ArrayList<>(FILE.subList(0, 7));
        cut.set(6, "7 [label=\"/\\\\ x = 1\\n/\\\\ s = \\\"");
        assertEquals("g.dot:7: a string that starts at column 10 is not closed (truncated?)", message(cut));
        cut.set(6, "7 -> ");
        assertEquals("g.dot:7: expected a state fingerprint, found ''", message(cut));
        assertEquals("g.dot:0: no 'digraph' header: not a dot file", message(List.of()));
    }

    @Test
    void rejectsMalformedLines() {
        assertEquals("g.dot:1: expected 'strict digraph DiskGraph {', found 'digraph {'", message(List.of("digraph {")));
        assertEquals("g.dot:5: expected '[' and the attributes, found 'x [label=\"a\"]'",
                message(replace(4, "-5 x [label=\"a\"]")));
        assertEquals("g.dot:5: expected ',' or ']' in the attributes, found ';'",
                message(replace(4, "-5 [label=\"/\\\\ x = 0\";")));
        assertEquals("g.dot:6: an edge without an action label: run TLC with -dump dot,actionlabels",
                message(replace(5, "-5 -> 7 [color=\"black\"];")));
        assertEquals("g.dot:6: unknown escape '\\q' at column 19", message(replace(5, "-5 -> 7 [label=\"In\\q\"];")));
        assertEquals("g.dot:9: edge to or from state 8, which the file never declares",
                message(replace(8, "7 -> 8 [label=\"Stay\"];")));
        assertEquals("g.dot:8: state 7 has another label than on line 7",
                message(insert(7, "7 [label=\"/\\\\ x = 2\"];")));
        assertEquals("g.dot:15: text after the closing '}': 'x'", message(insert(14, "x")));
        assertEquals("g.dot:14: no initial state (a node with style = filled)",
                message(replace(4, "-5 [label=\"/\\\\ x = 0\"]")));
        assertEquals("g.dot:6: fingerprint 99999999999999999999 does not fit 64 bits",
                message(replace(5, "99999999999999999999 -> 7 [label=\"Inc\"];")));
    }

    /** Spaces may stand around every token, as dot allows; the graph read is the same. */
    @Test
    void toleratesSpacesAroundTokens() {
        List<String> spaced = replace(5, "-5  ->  7 [ label = \"Inc\" , color = black ] ;  ");
        assertEquals(DotGraph.parse("g.dot", FILE).edges(), DotGraph.parse("g.dot", spaced).edges());
        assertEquals(DotGraph.parse("g.dot", FILE).labels(),
                DotGraph.parse("g.dot", replace(4, "-5 [ label = \"/\\\\ x = 0\\n/\\\\ s = \\\"a\\\"\" , style = filled ]")).labels());
    }

    /** Text after a statement is refused, quoted whole up to 40 characters, cut after that. */
    @Test
    void rejectsTrailingTextQuotingAtMostFortyCharacters() {
        String forty = "x".repeat(40);
        assertEquals("g.dot:6: unexpected '" + forty + "'",
                message(replace(5, "-5 -> 7 [label=\"Inc\"]; " + forty)));
        assertEquals("g.dot:6: unexpected '" + forty + "...'",
                message(replace(5, "-5 -> 7 [label=\"Inc\"]; " + forty + "y")));
    }

    @Test
    void readsAFile(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("g.dot"), FILE);
        assertEquals(DotGraph.parse(file.toString(), FILE), DotGraph.read(file));
    }

    private static List<String> replace(int index, String line) {
        List<String> lines = new ArrayList<>(FILE);
        lines.set(index, line);
        return lines;
    }

    private static List<String> insert(int index, String line) {
        List<String> lines = new ArrayList<>(FILE);
        lines.add(index, line);
        return lines;
    }

    private static String message(List<String> lines) {
        return assertThrows(IllegalArgumentException.class, () -> DotGraph.parse("g.dot", lines)).getMessage();
    }
}
