package org.memallocator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class TlaValueParserTest {

    /** The initial state's label as TLC 2.18 wrote it in a -dump dot file (dot escapes undone). */
    private static final String TLC_INIT_LABEL = "/\\ selfRef = FALSE\n/\\ decommitPending = FALSE\n"
            + "/\\ refs = <<0, 0>>\n/\\ pc = (t1 :> \"idle\" @@ t2 :> \"idle\")\n/\\ clientRef = TRUE\n"
            + "/\\ buffers = {}\n/\\ committed = FALSE\n/\\ props = [count |-> 0, layout |-> \"sizeNotSet\"]\n"
            + "/\\ result = (t1 :> \"NONE\" @@ t2 :> \"NONE\")\n/\\ freeList = {}\n"
            + "/\\ timed = (t1 :> FALSE @@ t2 :> FALSE)";

    @Test
    void theModelsInitialStateRendersLikeTlcsLabel() {
        State init = new MemAllocatorModel(List.of("t1", "t2"), 2, 2).init();
        assertEquals(TlaValue.renderState(TlaValueParser.parseState(TLC_INIT_LABEL)), init.render());
    }

    @Test
    void canonicalRenderingSortsVariablesAndIgnoresLineBreaks() {
        String wrapped = "/\\ y = {2,\n      1}\n/\\ x = [b |-> 1,\n  a |-> <<>>]";
        assertEquals("/\\ x = [a |-> <<>>, b |-> 1]\n/\\ y = {1, 2}",
                TlaValue.renderState(TlaValueParser.parseState(wrapped)));
        assertEquals("/\\ x = 1", TlaValue.renderState(TlaValueParser.parseState("x = 1")));
    }

    /** TLC's notation, and the canonical form. */
    private static final String[][] VALUES = {
        {"TRUE", "TRUE"},
        {"-17", "-17"},
        {"\"a \\\"q\\\" \\\\ b\"", "\"a \\\"q\\\" \\\\ b\""},
        {"t1", "t1"},
        {"<<1, <<>>, {}>>", "<<1, <<>>, {}>>"},
        {"{3, 1, 2, 1}", "{1, 2, 3}"},
        {"1..3", "{1, 2, 3}"},
        {"{1..2, {2, 1}}", "{{1, 2}}"},
        {"3..1", "{}"},
        {"(1 :> \"a\" @@ 2 :> \"b\")", "<<\"a\", \"b\">>"},
        {"(2 :> \"b\" @@ 1 :> \"a\")", "<<\"a\", \"b\">>"},
        {"(\"y\" :> 1 @@ \"x\" :> 2)", "[x |-> 2, y |-> 1]"},
        {"[y |-> 1, x |-> 2]", "[x |-> 2, y |-> 1]"},
        {"(t2 :> \"idle\" @@ t1 :> \"blocked\")", "(t1 :> \"blocked\" @@ t2 :> \"idle\")"},
        {"(0 :> TRUE @@ 1 :> FALSE)", "(0 :> TRUE @@ 1 :> FALSE)"},
        {"{t2, \"s\", 1, FALSE, <<1>>}", "{FALSE, 1, \"s\", t2, <<1>>}"},
    };

    @Test
    void valuesAreReadIntoCanonicalForm() {
        for (String[] v : VALUES) {
            TlaValue value = TlaValueParser.parseValue(v[0]);
            assertEquals(v[1], value.toString(), v[0]);
            assertEquals(value, TlaValueParser.parseValue(v[1]), "printing and reading again gives the same value");
        }
    }

    @Test
    void equalValuesAreEqualWhateverTheirNotation() {
        assertEquals(TlaValueParser.parseValue("1..2"), TlaValueParser.parseValue("{2, 1}"));
        assertEquals(TlaValueParser.parseValue("<<7>>"), TlaValueParser.parseValue("(1 :> 7)"));
        assertNotEquals(TlaValueParser.parseValue("<<7>>"), TlaValueParser.parseValue("(2 :> 7)"));
        assertNotEquals(TlaValueParser.parseValue("\"t1\""), TlaValueParser.parseValue("t1"));
    }

    /** Malformed input, and the start of the message. */
    private static final String[][] MALFORMED = {
        {"", "expected a value at line 1, column 1, found the end of the input"},
        {"{1, 2", "expected ',' or '}' at line 1, column 6, found the end of the input"},
        {"<<1 2>>", "expected ',' or '>>' at line 1, column 5, found '2>>'"},
        {"\"open", "expected a closing '\"' for this string at line 1, column 1"},
        {"\"bad \\q\"", "expected one of"},
        {"[a |-> 1, a |-> 2]", "expected a field other than a (given twice) at line 1, column 11"},
        {"(1 :> 2 @@ 1 :> 3)", "expected an argument other than 1 (given twice) at line 1, column 12"},
        {"(1 :> 2", "expected '@@' or ')'"},
        {"1 2", "expected the end of the input at line 1, column 3, found '2'"},
        {"99999999999999999999", "expected an integer that fits 64 bits"},
        {"{1,\n  ]}", "expected a value at line 2, column 3, found ']}'"},
        {"%", "expected a value at line 1, column 1, found '%'"},
        {"[1 |-> 2]", "expected a field name at line 1, column 2"},
    };

    @Test
    void malformedValuesAreRejectedWithTheirPosition() {
        for (String[] m : MALFORMED) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TlaValueParser.parseValue(m[0]), m[0]);
            assertTrue(e.getMessage().startsWith(m[1]), m[0] + ": " + e.getMessage());
        }
    }

    @Test
    void malformedStatesAreRejectedWithTheirPosition() {
        assertEquals("expected variable x given twice at line 2, column 4, found 'x = 2'",
                assertThrows(IllegalArgumentException.class,
                        () -> TlaValueParser.parseState("/\\ x = 1\n/\\ x = 2")).getMessage());
        assertEquals("expected '=' at line 1, column 6, found '1'",
                assertThrows(IllegalArgumentException.class, () -> TlaValueParser.parseState("/\\ x 1")).getMessage());
        assertEquals("expected '/\\' at line 1, column 10, found 'y = 2'",
                assertThrows(IllegalArgumentException.class,
                        () -> TlaValueParser.parseState("/\\ x = 1 y = 2")).getMessage());
    }

    @Test
    void statesAreSortedByVariable() {
        SortedMap<String, TlaValue> vars = TlaValueParser.parseState(TLC_INIT_LABEL);
        assertEquals(List.of("buffers", "clientRef", "committed", "decommitPending", "freeList", "pc", "props",
                "refs", "result", "selfRef", "timed"), List.copyOf(vars.keySet()));
        assertEquals(TlaValue.record(Map.of("count", TlaValue.integer(0), "layout", TlaValue.string("sizeNotSet"))),
                vars.get("props"));
    }

    @Test
    void identifiers() {
        assertTrue(TlaValueParser.isIdentifier("t1"));
        assertTrue(TlaValueParser.isIdentifier("_a9"));
        assertTrue(!TlaValueParser.isIdentifier("1"));
        assertTrue(!TlaValueParser.isIdentifier("TRUE"));
        assertTrue(!TlaValueParser.isIdentifier("a-b"));
        assertThrows(IllegalArgumentException.class, () -> TlaValue.modelValue("FALSE"));
    }
}
