package org.memallocator.oracle;

/**
 * A history that cannot be checked because it is malformed: which line, what kind of problem,
 * and what exactly is wrong. Nothing in a malformed history is guessed at or skipped.
 */
public final class HistoryFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the line. */
    public enum Kind {
        /** The line is not one JSON object. */
        BAD_JSON,
        /** {@code "op"} is not one of {@link Op}. */
        UNKNOWN_OP,
        /** {@code "event"} is neither {@code "call"}, {@code "return"} nor {@code "end"}. */
        UNKNOWN_EVENT,
        /** {@code "hr"} is not an HRESULT name of {@link org.memallocator.HResult}, nor INTERRUPTED or EXCEPTION. */
        UNKNOWN_HRESULT,
        /** A field the event needs is absent. */
        MISSING_FIELD,
        /** A field has the wrong type or an impossible value. */
        BAD_FIELD,
        /** A return on a thread that has no open call. */
        RETURN_WITHOUT_CALL,
        /** A call on a thread whose previous call has not returned. */
        TWO_OPEN_CALLS,
        /** A return whose op is not the op of the thread's open call. */
        RETURN_MISMATCH,
        /** An event after the end-of-recording marker, which must be the last line. */
        AFTER_END,
        /** Well formed, but beyond what the checker handles (e.g. an enormous buffer count). */
        UNSUPPORTED
    }

    private final int line;
    private final Kind kind;
    private final String detail;

    public HistoryFormatException(String source, int line, Kind kind, String detail) {
        super(source + ":" + line + ": " + kind + ": " + detail);
        this.line = line;
        this.kind = kind;
        this.detail = detail;
    }

    /** The line number, from 1. */
    public int line() {
        return line;
    }

    public Kind kind() {
        return kind;
    }

    /** What is wrong, without the file and line. */
    public String detail() {
        return detail;
    }
}
