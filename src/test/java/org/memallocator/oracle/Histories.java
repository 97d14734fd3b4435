package org.memallocator.oracle;

/**
 * Hand-written histories for the checker's tests: one JSON line per call or return, in the order
 * the test writes them.
 */
final class Histories {

    private final StringBuilder text = new StringBuilder();

    static Histories history() {
        return new Histories();
    }

    /** A raw line, as is. */
    Histories line(String json) {
        text.append(json).append('\n');
        return this;
    }

    Histories call(String thread, String op, String fields) {
        return line("{\"thread\":\"" + thread + "\",\"event\":\"call\",\"op\":\"" + op + "\"" + fields + "}");
    }

    Histories ret(String thread, String op, String hr, String fields) {
        return line("{\"thread\":\"" + thread + "\",\"event\":\"return\",\"op\":\"" + op + "\",\"hr\":\"" + hr + "\""
                + fields + "}");
    }

    // ------------------------------------------------------------ calls

    /** SetProperties {count, size, align, 0} with its rounded S_OK return. */
    Histories setProperties(String t, int count, int size, int align) {
        int rounded = (size + align - 1) / align * align;
        return call(t, "SetProperties", ",\"request\":" + props(count, size, align, 0))
                .ret(t, "SetProperties", "S_OK", ",\"props\":" + props(count, rounded, align, 0));
    }

    Histories commit(String t) {
        return call(t, "Commit", "").ret(t, "Commit", "S_OK", "");
    }

    Histories decommit(String t) {
        return call(t, "Decommit", "").ret(t, "Decommit", "S_OK", "");
    }

    /** SetProperties {count, 64, 8, 0} and Commit, by t1. */
    Histories committed(int count) {
        return setProperties("t1", count, 64, 8).commit("t1");
    }

    Histories getCall(String t, int flags) {
        return call(t, "GetBuffer", ",\"flags\":" + flags);
    }

    Histories getReturns(String t, long sample) {
        return ret(t, "GetBuffer", "S_OK", ",\"sample\":" + sample);
    }

    Histories getFails(String t, String hr) {
        return ret(t, "GetBuffer", hr, "");
    }

    /** A GetBuffer that returns {@code sample} at once. */
    Histories get(String t, long sample) {
        return getCall(t, 0).getReturns(t, sample);
    }

    Histories addRef(String t, long sample, int refs) {
        return call(t, "AddRef", ",\"sample\":" + sample).ret(t, "AddRef", "S_OK", ",\"refs\":" + refs);
    }

    Histories release(String t, long sample, int refs) {
        return call(t, "Release", ",\"sample\":" + sample).ret(t, "Release", "S_OK", ",\"refs\":" + refs);
    }

    /** The end-of-recording marker: no event for {@code settleMs} ms. */
    Histories end(long settleMs) {
        return line("{\"event\":\"end\",\"settleMs\":" + settleMs + "}");
    }

    static String props(int count, int size, int align, int prefix) {
        return "{\"cBuffers\":" + count + ",\"cbBuffer\":" + size + ",\"cbAlign\":" + align + ",\"cbPrefix\":"
                + prefix + "}";
    }

    String text() {
        return text.toString();
    }

    History parse() {
        return History.parse(text());
    }

    Verdict check() {
        return HistoryChecker.check(parse());
    }

    @Override
    public String toString() {
        return text();
    }
}
