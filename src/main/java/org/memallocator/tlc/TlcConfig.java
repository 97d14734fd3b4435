package org.memallocator.tlc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a TLC configuration file asks for: the specification, invariants, properties and
 * constant assignments, read well enough to report what a run checked. TLC itself remains the
 * judge of the file's syntax.
 */
public record TlcConfig(String specification, List<String> invariants, List<String> properties,
                        Map<String, String> constants, boolean symmetry) {

    private static final Set<String> KEYWORDS = Set.of("CONSTANT", "CONSTANTS", "INIT", "NEXT",
            "SPECIFICATION", "INVARIANT", "INVARIANTS", "PROPERTY", "PROPERTIES", "SYMMETRY", "VIEW",
            "CHECK_DEADLOCK", "CONSTRAINT", "CONSTRAINTS", "ACTION_CONSTRAINT", "ACTION_CONSTRAINTS",
            "ALIAS", "POSTCONDITION");

    public static TlcConfig read(Path cfg) throws IOException {
        return parse(Files.readString(cfg));
    }

    public static TlcConfig parse(String text) {
        String spec = null;
        List<String> invariants = new ArrayList<>();
        List<String> properties = new ArrayList<>();
        Map<String, String> constants = new LinkedHashMap<>();
        boolean symmetry = false;
        String section = "";
        for (String rawLine : stripComments(text).split("\n")) {
            String line = rawLine.strip();
            if (line.isEmpty()) {
                continue;
            }
            String first = line.split("\\s+", 2)[0];
            if (KEYWORDS.contains(first)) {
                section = first;
                line = line.substring(first.length()).strip();
                if (section.equals("SYMMETRY")) {
                    symmetry = true;
                }
                if (line.isEmpty()) {
                    continue;
                }
            }
            switch (section) {
                case "SPECIFICATION" -> spec = line;
                case "INVARIANT", "INVARIANTS" -> invariants.addAll(List.of(line.split("\\s+")));
                case "PROPERTY", "PROPERTIES" -> properties.addAll(List.of(line.split("\\s+")));
                case "CONSTANT", "CONSTANTS" -> {
                    int eq = line.indexOf('=');
                    int arrow = line.indexOf("<-");
                    int sep = eq >= 0 && (arrow < 0 || eq < arrow) ? eq : arrow;
                    if (sep > 0) {
                        constants.put(line.substring(0, sep).strip(),
                                line.substring(sep + (sep == arrow ? 2 : 1)).strip());
                    }
                }
                default -> { }
            }
        }
        return new TlcConfig(spec, List.copyOf(invariants), List.copyOf(properties),
                java.util.Collections.unmodifiableMap(constants), symmetry);
    }

    /** Removes {@code \* line} and {@code (* block *)} comments. */
    static String stripComments(String text) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char next = i + 1 < text.length() ? text.charAt(i + 1) : '\0';
            if (c == '(' && next == '*') {
                depth++;
                i++;
            } else if (depth > 0 && c == '*' && next == ')') {
                depth--;
                i++;
            } else if (depth > 0) {
                if (c == '\n') {
                    out.append('\n');
                }
            } else if (c == '\\' && next == '*') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
                out.append('\n');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
