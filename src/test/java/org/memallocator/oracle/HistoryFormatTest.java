package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memallocator.oracle.Histories.history;

import org.junit.jupiter.api.Test;
import org.memallocator.AllocatorProperties;
import org.memallocator.oracle.HistoryFormatException.Kind;

/** Reading histories: what is parsed, and each kind of malformed line with its line number. */
class HistoryFormatTest {

    private static final String CALL = "{\"thread\":\"t1\",\"event\":\"call\",\"op\":\"Commit\"}";
    private static final String RETURN = "{\"thread\":\"t1\",\"event\":\"return\",\"op\":\"Commit\",\"hr\":\"S_OK\"}";

    /** The line {@code bad} after two good events, so it is line 3; the error must say so. */
    private static HistoryFormatException malformed(Kind kind, String bad, String detail) {
        HistoryFormatException e = assertThrows(HistoryFormatException.class,
                () -> History.parse(CALL + "\n" + RETURN + "\n" + bad + "\n"));
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(3, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith("<history>:3: " + kind + ": "), e.getMessage());
        assertTrue(e.detail().contains(detail), "'" + detail + "' not in " + e.detail());
        return e;
    }

    @Test
    void aHistoryIsParsedIntoOperations() {
        History h = history().committed(2).getCall("t1", 4).line("").line("  ")
                .call("t2", "GetBuffer", ",\"flags\":0,\"timeoutMs\":7,\"time\":123").getFails("t1", "VFW_E_TIMEOUT")
                .parse();
        assertEquals(7, h.events());
        assertEquals(4, h.operations().size());
        History.Operation nowait = h.operations().get(2);
        assertEquals(Op.GetBuffer, nowait.op());
        assertTrue(nowait.call().noWait());
        assertEquals(5, nowait.callLine());
        assertEquals(9, nowait.returnLine(), "blank lines count as lines");
        assertEquals("VFW_E_TIMEOUT", nowait.outcome().hr());
        History.Operation timed = h.operations().get(3);
        assertTrue(timed.pending());
        assertEquals(7L, timed.call().timeoutMs());
        assertEquals(new AllocatorProperties(2, 64, 8, 0), h.operations().get(0).outcome().props());
        assertEquals(java.util.List.of("t1", "t2"), h.threads());
        History prefix = h.prefix(5);
        assertTrue(prefix.operations().get(2).pending(), "its return is after the prefix");
        assertEquals(3, prefix.operations().size());
        assertNull(prefix.operations().get(2).outcome());
    }

    @Test
    void badJson() {
        malformed(Kind.BAD_JSON, "{\"thread\":\"t1\",", "Unexpected end-of-input");
        malformed(Kind.BAD_JSON, "[1, 2]", "not a JSON object");
        malformed(Kind.BAD_JSON, CALL + " {}", "Trailing token");
        malformed(Kind.BAD_JSON, "{\"thread\":\"t1\",\"thread\":\"t2\",\"event\":\"call\",\"op\":\"Commit\"}", "Duplicate field");
    }

    @Test
    void unknownOp() {
        malformed(Kind.UNKNOWN_OP, "{\"thread\":\"t1\",\"event\":\"call\",\"op\":\"Frobnicate\"}", "unknown op \"Frobnicate\"");
    }

    @Test
    void unknownEvent() {
        malformed(Kind.UNKNOWN_EVENT, "{\"thread\":\"t1\",\"event\":\"invoke\",\"op\":\"Commit\"}", "\"invoke\"");
    }

    @Test
    void unknownHresult() {
        HistoryFormatException e = assertThrows(HistoryFormatException.class,
                () -> History.parse(CALL + "\n" + RETURN.replace("S_OK", "E_BOGUS") + "\n"));
        assertEquals(Kind.UNKNOWN_HRESULT, e.kind());
        assertEquals(2, e.line());
        assertTrue(e.detail().contains("unknown \"hr\" \"E_BOGUS\""), e.detail());
    }

    @Test
    void returnWithoutCall() {
        malformed(Kind.RETURN_WITHOUT_CALL, RETURN, "thread t1, which has no open call");
    }

    @Test
    void twoOpenCallsOnOneThread() {
        HistoryFormatException e = assertThrows(HistoryFormatException.class,
                () -> History.parse(CALL + "\n" + RETURN + "\n" + CALL + "\n" + CALL + "\n"));
        assertEquals(Kind.TWO_OPEN_CALLS, e.kind());
        assertEquals(4, e.line());
        assertTrue(e.detail().contains("its Commit call of line 3 has not returned"), e.detail());
    }

    @Test
    void returnOfAnotherOp() {
        HistoryFormatException e = assertThrows(HistoryFormatException.class,
                () -> History.parse(CALL + "\n" + RETURN.replace("Commit", "Decommit") + "\n"));
        assertEquals(Kind.RETURN_MISMATCH, e.kind());
        assertEquals(2, e.line());
    }

    @Test
    void missingFields() {
        malformed(Kind.MISSING_FIELD, "{\"event\":\"call\",\"op\":\"Commit\"}", "missing \"thread\"");
        malformed(Kind.MISSING_FIELD, "{\"thread\":\"t1\",\"op\":\"Commit\"}", "missing \"event\"");
        malformed(Kind.MISSING_FIELD, "{\"thread\":\"t1\",\"event\":\"call\"}", "missing \"op\"");
        malformed(Kind.MISSING_FIELD, "{\"thread\":\"t1\",\"event\":\"call\",\"op\":\"GetBuffer\"}", "missing \"flags\"");
        malformed(Kind.MISSING_FIELD, "{\"thread\":\"t1\",\"event\":\"call\",\"op\":\"SetProperties\"}", "missing \"request\"");
        malformed(Kind.MISSING_FIELD, "{\"thread\":\"t1\",\"event\":\"call\",\"op\":\"SetProperties\",\"request\":"
                + "{\"cBuffers\":1,\"cbBuffer\":1,\"cbAlign\":1}}", "in \"request\": missing \"cbPrefix\"");
        malformed(Kind.MISSING_FIELD, "{\"thread\":\"t1\",\"event\":\"call\",\"op\":\"Release\"}", "missing \"sample\"");
        HistoryFormatException noSample = assertThrows(HistoryFormatException.class, () -> History.parse(
                history().getCall("t1", 0).ret("t1", "GetBuffer", "S_OK", "").text()));
        assertEquals(Kind.MISSING_FIELD, noSample.kind());
        assertEquals(2, noSample.line());
        HistoryFormatException noRefs = assertThrows(HistoryFormatException.class, () -> History.parse(
                history().call("t1", "AddRef", ",\"sample\":1").ret("t1", "AddRef", "S_OK", "").text()));
        assertEquals(Kind.MISSING_FIELD, noRefs.kind());
        HistoryFormatException noHr = assertThrows(HistoryFormatException.class, () -> History.parse(
                CALL + "\n{\"thread\":\"t1\",\"event\":\"return\",\"op\":\"Commit\"}\n"));
        assertEquals(Kind.MISSING_FIELD, noHr.kind());
        assertEquals(2, noHr.line());
    }

    @Test
    void badFields() {
        malformed(Kind.BAD_FIELD, "{\"thread\":7,\"event\":\"call\",\"op\":\"Commit\"}", "\"thread\" must be a string");
        malformed(Kind.BAD_FIELD, "{\"thread\":\"\",\"event\":\"call\",\"op\":\"Commit\"}", "\"thread\" is empty");
        malformed(Kind.BAD_FIELD, "{\"thread\":\"t1\",\"event\":\"call\",\"op\":\"GetBuffer\",\"flags\":\"4\"}",
                "\"flags\" must be an integer");
        malformed(Kind.BAD_FIELD, "{\"thread\":\"t1\",\"event\":\"call\",\"op\":\"GetBuffer\",\"flags\":0,\"timeoutMs\":-1}",
                "\"timeoutMs\" must be an integer from 0");
        malformed(Kind.BAD_FIELD, "{\"thread\":\"t1\",\"event\":\"call\",\"op\":\"AddRef\",\"sample\":1.5}",
                "\"sample\" must be an integer");
        malformed(Kind.BAD_FIELD, "{\"thread\":\"t1\",\"event\":\"call\",\"op\":\"SetProperties\",\"request\":[1,2,3,4]}",
                "must be an object");
        HistoryFormatException negativeRefs = assertThrows(HistoryFormatException.class, () -> History.parse(
                history().call("t1", "Release", ",\"sample\":1").ret("t1", "Release", "S_OK", ",\"refs\":-1").text()));
        assertEquals(Kind.BAD_FIELD, negativeRefs.kind());
    }

    @Test
    void tooManyBuffersForTheChecker() {
        History h = history().call("t1", "SetProperties", ",\"request\":" + Histories.props(100_000, 64, 8, 0))
                .ret("t1", "SetProperties", "S_OK", ",\"props\":" + Histories.props(100_000, 64, 8, 0)).parse();
        HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> HistoryChecker.check(h));
        assertEquals(Kind.UNSUPPORTED, e.kind());
        assertEquals(1, e.line());
        // a count that can never be laid out is cut to 1: it only matters whether it is 0
        History hopeless = history().call("t1", "SetProperties", ",\"request\":" + Histories.props(100_000, 0, 8, 0))
                .ret("t1", "SetProperties", "S_OK", ",\"props\":" + Histories.props(100_000, 0, 8, 0))
                .call("t1", "Commit", "").ret("t1", "Commit", "VFW_E_SIZENOTSET", "").parse();
        assertTrue(HistoryChecker.check(hopeless).linearizable());
    }
}
