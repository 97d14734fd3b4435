package org.memallocator.graph;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The state graph TLC 2.18 writes with {@code -dump dot,actionlabels FILE}, as it is in the file:
 * states by fingerprint with their labels, the initial states, and every edge with its action
 * name, duplicates and self-loops kept.
 *
 * <p>The format, one item per line:
 * <pre>
 *   strict digraph DiskGraph {
 *   nodesep=0.35;
 *   subgraph cluster_graph {
 *   color="white";
 *   -8548828 [label="/\\ x = 1\n/\\ y = {}",style = filled]         (an initial state)
 *   -8548828 -&gt; 3534820 [label="Commit",color="black",fontcolor="black"];
 *   3534820 [label="/\\ x = 2\n/\\ y = {}"];                        (a state, after its first edge)
 *   {rank = same; 3534820;-5710287;}
 *   }
 *   }
 * </pre>
 * Edge labels carry the action name only, never its parameters: two parameterisations of one
 * action between the same states are two identical lines. A state's line may come after edges
 * that lead to it.
 *
 * <p>Anything else, an unbalanced brace at the end (a truncated file), an edge without an action
 * label or to an undeclared state, or one fingerprint with two labels, is rejected with an
 * {@link IllegalArgumentException} naming the file and line.
 *
 * @param file    where the graph was read from, for messages
 * @param labels  each state's label (TLC's unescaped text) by fingerprint, in file order
 * @param initial the fingerprints of the initial states, in file order
 * @param edges   every edge, in file order
 */
public record DotGraph(String file, Map<Long, String> labels, List<Long> initial, List<Edge> edges) {

    /**
     * One line {@code from -> to [label="action",...]}.
     *
     * @param line the line number in the file, from 1
     */
    public record Edge(long from, long to, String action, int line) {
    }

    public DotGraph {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        initial = List.copyOf(initial);
        edges = List.copyOf(edges);
    }

    /** Reads and checks a dot file written by TLC. */
    public static DotGraph read(Path file) throws IOException {
        return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** Parses the lines of a dot file; {@code file} names it in messages. */
    public static DotGraph parse(String file, List<String> lines) {
        return new Reader(file).read(lines);
    }

    /** The line-by-line reader; one instance per file. */
    private static final class Reader {
        private static final Pattern HEADER = Pattern.compile("(strict\\s+)?digraph\\s+\\w+\\s*\\{");
        private static final Pattern SUBGRAPH = Pattern.compile("subgraph\\s+\\w+\\s*\\{");
        private static final Pattern GRAPH_ATTRIBUTE = Pattern.compile("\\w+\\s*=\\s*(\"[^\"]*\"|[\\w.]+)\\s*;");
        private static final Pattern RANK = Pattern.compile("\\{rank\\s*=\\s*same;[-0-9;\\s]*}");

        private final String file;
        private final Map<Long, String> labels = new LinkedHashMap<>();
        private final Map<Long, Integer> declaredAt = new LinkedHashMap<>();
        private final List<Long> initial = new ArrayList<>();
        private final List<Edge> edges = new ArrayList<>();
        private int depth;
        private boolean started;
        private int lineNo;

        Reader(String file) {
            this.file = file;
        }

        DotGraph read(List<String> lines) {
            for (String raw : lines) {
                lineNo++;
                line(raw.strip());
            }
            if (!started) {
                throw error("no 'digraph' header: not a dot file");
            }
            if (depth != 0) {
                throw error("the file ends inside " + depth + " open '{' (truncated?)");
            }
            for (Edge e : edges) {
                for (long end : new long[] {e.from(), e.to()}) {
                    if (!labels.containsKey(end)) {
                        lineNo = e.line();
                        throw error("edge to or from state " + end + ", which the file never declares");
                    }
                }
            }
            if (initial.isEmpty()) {
                throw error("no initial state (a node with style = filled)");
            }
            return new DotGraph(file, labels, initial, edges);
        }

        private void line(String line) {
            if (line.isEmpty()) {
                return;
            }
            if (!started) {
                if (!HEADER.matcher(line).matches()) {
                    throw error("expected 'strict digraph DiskGraph {', found '" + excerpt(line) + "'");
                }
                started = true;
                depth = 1;
            } else if (depth == 0) {
                throw error("text after the closing '}': '" + excerpt(line) + "'");
            } else if (line.equals("}")) {
                depth--;
            } else if (SUBGRAPH.matcher(line).matches()) {
                depth++;
            } else if (GRAPH_ATTRIBUTE.matcher(line).matches()) {
                return; // a graph attribute: nodesep=0.35; color="white";
            } else if (RANK.matcher(line).matches()) {
                return; // layout hint: the states of one BFS level
            } else {
                nodeOrEdge(new Tokens(line));
            }
        }

        /** {@code id [attrs]} or {@code id -> id [attrs]}, optionally followed by ';'. */
        private void nodeOrEdge(Tokens in) {
            long from = fingerprint(in);
            if (in.accept("->")) {
                long to = fingerprint(in);
                Map<String, String> attrs = attributes(in);
                String action = attrs.get("label");
                if (action == null || action.isEmpty()) {
                    throw error("an edge without an action label: run TLC with -dump dot,actionlabels");
                }
                edges.add(new Edge(from, to, action, lineNo));
            } else {
                Map<String, String> attrs = attributes(in);
                String label = attrs.get("label");
                if (label == null) {
                    throw error("a state without a label");
                }
                String earlier = labels.putIfAbsent(from, label);
                if (earlier != null && !earlier.equals(label)) {
                    throw error("state " + from + " has another label than on line " + declaredAt.get(from));
                }
                declaredAt.putIfAbsent(from, lineNo);
                if ("filled".equals(attrs.get("style")) && !initial.contains(from)) {
                    initial.add(from);
                }
            }
            in.accept(";");
            if (!in.atEnd()) {
                throw error("unexpected '" + excerpt(in.rest()) + "'");
            }
        }

        private long fingerprint(Tokens in) {
            String id = in.number();
            if (id == null) {
                throw error("expected a state fingerprint, found '" + excerpt(in.rest()) + "'");
            }
            try {
                return Long.parseLong(id);
            } catch (NumberFormatException e) {
                throw error("fingerprint " + id + " does not fit 64 bits");
            }
        }

        /** {@code [key = value, ...]} with quoted or bare values; the quoted ones unescaped. */
        private Map<String, String> attributes(Tokens in) {
            Map<String, String> attrs = new LinkedHashMap<>();
            if (!in.accept("[")) {
                throw error("expected '[' and the attributes, found '" + excerpt(in.rest()) + "'");
            }
            do {
                String key = in.word();
                if (key == null || !in.accept("=")) {
                    throw error("expected 'name = value' in the attributes, found '" + excerpt(in.rest()) + "'");
                }
                String value = in.peek() == '"' ? quoted(in) : in.word();
                if (value == null) {
                    throw error("expected a value for " + key + ", found '" + excerpt(in.rest()) + "'");
                }
                attrs.put(key, value);
            } while (in.accept(","));
            if (!in.accept("]")) {
                throw error("expected ',' or ']' in the attributes, found '" + excerpt(in.rest()) + "'");
            }
            return attrs;
        }

        /** A dot string: {@code \"} is a quote, {@code \\} a backslash, {@code \n} a line break. */
        private String quoted(Tokens in) {
            StringBuilder s = new StringBuilder();
            int start = in.pos;
            in.pos++;
            while (true) {
                if (in.atEndRaw()) {
                    throw error("a string that starts at column " + (start + 1) + " is not closed (truncated?)");
                }
                char c = in.text.charAt(in.pos++);
                if (c == '"') {
                    return s.toString();
                }
                if (c != '\\') {
                    s.append(c);
                    continue;
                }
                char escaped = in.atEndRaw() ? '\0' : in.text.charAt(in.pos++);
                switch (escaped) {
                    case '"', '\\' -> s.append(escaped);
                    case 'n' -> s.append('\n');
                    default -> throw error("unknown escape '\\" + escaped + "' at column " + (in.pos - 1));
                }
            }
        }

        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException(file + ":" + lineNo + ": " + message);
        }

        private static String excerpt(String s) {
            return s.length() <= 40 ? s : s.substring(0, 40) + "...";
        }
    }

    /** A cursor over one line. */
    private static final class Tokens {
        final String text;
        int pos;

        Tokens(String text) {
            this.text = text;
        }

        boolean accept(String token) {
            skipSpace();
            if (text.startsWith(token, pos)) {
                pos += token.length();
                return true;
            }
            return false;
        }

        /** An optionally negative integer, or null. */
        String number() {
            skipSpace();
            int start = pos;
            if (pos < text.length() && text.charAt(pos) == '-') {
                pos++;
            }
            int digits = pos;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
            if (pos == digits) {
                pos = start;
                return null;
            }
            return text.substring(start, pos);
        }

        /** Letters, digits, '_' and '.', or null. */
        String word() {
            skipSpace();
            int start = pos;
            while (pos < text.length()
                    && (Character.isLetterOrDigit(text.charAt(pos)) || "_.".indexOf(text.charAt(pos)) >= 0)) {
                pos++;
            }
            return pos == start ? null : text.substring(start, pos);
        }

        char peek() {
            skipSpace();
            return atEndRaw() ? '\0' : text.charAt(pos);
        }

        boolean atEnd() {
            skipSpace();
            return atEndRaw();
        }

        boolean atEndRaw() {
            return pos >= text.length();
        }

        String rest() {
            return text.substring(pos);
        }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }
    }
}
