package org.memallocator.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads TLA+ values and states as TLC 2.18 prints them (in error traces and in the node labels of
 * {@code -dump dot}) into canonical {@link TlaValue}s. Malformed input is rejected with an
 * {@link IllegalArgumentException} giving the line, column and what was expected.
 *
 * <p>Grammar (white space, including line breaks, separates tokens):
 * <pre>
 *   state    ::= conjunct+ | name "=" value
 *   conjunct ::= "/\" name "=" value
 *   value    ::= "TRUE" | "FALSE" | int [".." int] | string | name       (a model value)
 *              | "&lt;&lt;" [value ("," value)*] "&gt;&gt;"                        (a tuple)
 *              | "{" [value ("," value)*] "}"                          (a set)
 *              | "[" name "|-&gt;" value ("," name "|-&gt;" value)* "]"       (a record)
 *              | "(" value ":&gt;" value ("@@" value ":&gt;" value)* ")"       (a function)
 *   int      ::= ["-"] digit+
 *   string   ::= '"' (any character but '"' and '\', or '\' one of '"' '\' 'n' 't')* '"'
 * </pre>
 */
public final class TlaValueParser {

    private final String text;
    private int pos;

    private TlaValueParser(String text) {
        this.text = text;
    }

    /** One value, such as {@code (t1 :> "idle" @@ t2 :> "idle")}, and nothing else. */
    public static TlaValue parseValue(String text) {
        TlaValueParser p = new TlaValueParser(text);
        TlaValue v = p.value();
        p.expectEnd();
        return v;
    }

    /**
     * A state, {@code /\ x = 1 /\ y = {}} (in any order, possibly over several lines), as its
     * variables sorted by name. A variable given twice is an error.
     */
    public static SortedMap<String, TlaValue> parseState(String text) {
        TlaValueParser p = new TlaValueParser(text);
        SortedMap<String, TlaValue> vars = new TreeMap<>();
        p.skipSpace();
        boolean conjunction = p.lookingAt("/\\");
        do {
            if (conjunction) {
                p.expect("/\\");
            }
            p.skipSpace();
            int at = p.pos;
            String name = p.name();
            p.expect("=");
            if (vars.put(name, p.value()) != null) {
                throw p.error(at, "variable " + name + " given twice");
            }
            p.skipSpace();
        } while (conjunction && !p.atEnd());
        p.expectEnd();
        return vars;
    }

    /** Whether {@code s} is a TLA+ identifier that is not a keyword TLC prints as a value. */
    public static boolean isIdentifier(String s) {
        if (s == null || s.isEmpty() || s.equals("TRUE") || s.equals("FALSE")) {
            return false;
        }
        boolean letter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isNameChar(c)) {
                return false;
            }
            letter |= Character.isLetter(c);
        }
        return letter;
    }

    // ------------------------------------------------------------ values

    private TlaValue value() {
        skipSpace();
        if (atEnd()) {
            throw error(pos, "a value");
        }
        char c = text.charAt(pos);
        if (lookingAt("<<")) {
            return TlaValue.tuple(list("<<", ">>"));
        } else if (c == '{') {
            return TlaValue.set(list("{", "}"));
        } else if (c == '[') {
            return record();
        } else if (c == '(') {
            return function();
        } else if (c == '"') {
            return TlaValue.string(string());
        } else if (c == '-' || isDigit(c)) {
            return integerOrInterval();
        } else if (isNameChar(c)) {
            int at = pos;
            String name = name();
            if (name.equals("TRUE") || name.equals("FALSE")) {
                return TlaValue.bool(name.equals("TRUE"));
            }
            if (!isIdentifier(name)) {
                throw error(at, "a value");
            }
            return TlaValue.modelValue(name);
        }
        throw error(pos, "a value");
    }

    /** {@code open [value ("," value)*] close}. */
    private List<TlaValue> list(String open, String close) {
        expect(open);
        List<TlaValue> elements = new ArrayList<>();
        skipSpace();
        if (lookingAt(close)) {
            expect(close);
            return elements;
        }
        do {
            elements.add(value());
        } while (accept(","));
        expect(close, "',' or '" + close + "'");
        return elements;
    }

    private TlaValue record() {
        expect("[");
        Map<String, TlaValue> fields = new LinkedHashMap<>();
        do {
            skipSpace();
            int at = pos;
            String field = name();
            if (!isIdentifier(field)) {
                throw error(at, "a field name");
            }
            expect("|->");
            if (fields.put(field, value()) != null) {
                throw error(at, "a field other than " + field + " (given twice)");
            }
        } while (accept(","));
        expect("]", "',' or ']'");
        return TlaValue.record(fields);
    }

    private TlaValue function() {
        expect("(");
        Map<TlaValue, TlaValue> mapping = new LinkedHashMap<>();
        do {
            skipSpace();
            int at = pos;
            TlaValue arg = value();
            expect(":>");
            if (mapping.put(arg, value()) != null) {
                throw error(at, "an argument other than " + arg + " (given twice)");
            }
        } while (accept("@@"));
        expect(")", "'@@' or ')'");
        return TlaValue.function(mapping);
    }

    private TlaValue integerOrInterval() {
        long lo = integer();
        if (!accept("..")) {
            return TlaValue.integer(lo);
        }
        skipSpace();
        return TlaValue.interval(lo, integer());
    }

    private long integer() {
        int start = pos;
        if (pos < text.length() && text.charAt(pos) == '-') {
            pos++;
        }
        int digits = pos;
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos == digits) {
            throw error(start, "an integer");
        }
        try {
            return Long.parseLong(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error(start, "an integer that fits 64 bits");
        }
    }

    private String string() {
        int start = pos;
        pos++; // the opening quote
        StringBuilder s = new StringBuilder();
        while (true) {
            if (atEnd()) {
                throw error(start, "a closing '\"' for this string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return s.toString();
            }
            if (c != '\\') {
                s.append(c);
                continue;
            }
            char escaped = atEnd() ? '\0' : text.charAt(pos++);
            switch (escaped) {
                case '"', '\\' -> s.append(escaped);
                case 'n' -> s.append('\n');
                case 't' -> s.append('\t');
                default -> throw error(pos - 2, "one of \\\" \\\\ \\n \\t");
            }
        }
    }

    // ------------------------------------------------------------ tokens

    private String name() {
        skipSpace();
        int start = pos;
        while (pos < text.length() && isNameChar(text.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw error(start, "a name");
        }
        return text.substring(start, pos);
    }

    private void expect(String token) {
        expect(token, "'" + token + "'");
    }

    private void expect(String token, String what) {
        skipSpace();
        if (!lookingAt(token)) {
            throw error(pos, what);
        }
        pos += token.length();
    }

    private boolean accept(String token) {
        skipSpace();
        if (lookingAt(token)) {
            pos += token.length();
            return true;
        }
        return false;
    }

    private void expectEnd() {
        skipSpace();
        if (!atEnd()) {
            throw error(pos, "the end of the input");
        }
    }

    private boolean lookingAt(String token) {
        return text.startsWith(token, pos);
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isNameChar(char c) {
        return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c);
    }

    /** "expected X at line L, column C, found 'excerpt'". */
    private IllegalArgumentException error(int at, String expected) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < at && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        String found = at >= text.length() ? "the end of the input"
                : "'" + text.substring(at, Math.min(text.length(), at + 20)).replace("\n", "\\n") + "'";
        return new IllegalArgumentException(
                "expected " + expected + " at line " + line + ", column " + column + ", found " + found);
    }
}
