package org.memallocator.oracle;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.memallocator.AllocatorProperties;
import org.memallocator.HResult;

/**
 * A concurrent history of allocator calls: the JSON Lines format of {@code docs/history.schema.json},
 * parsed and paired into {@link Operation}s.
 *
 * <p>One event per line, in real-time order (the order in which the events happened, as one
 * global sequence): {@code {"thread":"t1","event":"call","op":"GetBuffer","flags":0}}, then later
 * {@code {"thread":"t1","event":"return","op":"GetBuffer","hr":"S_OK","sample":3}}. A return answers
 * the same thread's open call; a thread has at most one open call; a call without a return is
 * <em>pending</em> (it may or may not have taken effect). Blank lines are skipped; fields the
 * format does not name (a timestamp, say) are allowed and ignored.
 *
 * <p>The last line may be the end-of-recording marker {@code {"event":"end","settleMs":N}}: the
 * recorder saw no event for N ms before it wrote it. A call still pending then had N ms to return;
 * the checker holds it to that ({@link HistoryChecker}: a "lost wake-up"). Without the marker a
 * pending call may simply not have returned yet.
 *
 * <p>Outcomes are named by {@code "hr"}: the HRESULT names of {@link HResult}, plus
 * {@value #INTERRUPTED} (a Java {@code getBuffer} that threw {@link InterruptedException}, the spec's
 * name for it) and {@value #EXCEPTION} (a call that threw something that is no HRESULT, with the
 * text in {@code "exception"}; no spec step does that, so such a history is never linearizable).
 */
public final class History {

    /** The outcome of a blocked Java {@code getBuffer} that threw {@link InterruptedException}. */
    public static final String INTERRUPTED = "INTERRUPTED";

    /** The outcome of a call that threw an exception that carries no HRESULT. */
    public static final String EXCEPTION = "EXCEPTION";

    /** The value that stands for "no sample id"; not a valid id in a history. */
    static final long NO_SAMPLE = Long.MIN_VALUE;

    private static final Set<String> OUTCOMES = outcomes();

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Whether an event opens or closes a call. */
    public enum Kind { CALL, RETURN }

    /**
     * The arguments of a call; those its op does not take are null (or {@link #NO_SAMPLE}).
     *
     * @param request   SetProperties' request
     * @param flags     GetBuffer's flags
     * @param timeoutMs the timeout of a timed GetBuffer (the Java {@code getBuffer(flags, Duration)}), or null
     * @param startTime GetBuffer's start time, or null; ignored, as by the allocator
     * @param endTime   GetBuffer's end time, or null; ignored
     * @param sample    the sample of AddRef and Release
     */
    public record Call(AllocatorProperties request, int flags, Long timeoutMs, Long startTime, Long endTime,
                       long sample) {

        /** Whether the flags include {@code AM_GBF_NOWAIT}. */
        public boolean noWait() {
            return (flags & org.memallocator.MemAllocator.AM_GBF_NOWAIT) != 0;
        }

        /** Whether this is the timed Java getBuffer. */
        public boolean timed() {
            return timeoutMs != null;
        }
    }

    /**
     * What a call returned; results its op or HRESULT does not have are null (or {@link #NO_SAMPLE}).
     *
     * @param hr        the HRESULT name, {@value #INTERRUPTED} or {@value #EXCEPTION}
     * @param props     the properties SetProperties or GetProperties returned with S_OK
     * @param sample    the sample GetBuffer returned with S_OK
     * @param refs      the new count AddRef or Release returned with S_OK
     * @param exception the text of an {@value #EXCEPTION} outcome
     */
    public record Outcome(String hr, AllocatorProperties props, long sample, Integer refs, String exception) {

        public boolean ok() {
            return "S_OK".equals(hr);
        }
    }

    /**
     * A call and its return, if any.
     *
     * @param index       its position among the history's operations (in the order of their calls)
     * @param thread      the thread that made it
     * @param op          what was called
     * @param callEvent   the position of its call event among the history's events, from 0
     * @param callLine    the line of its call, from 1
     * @param call        the arguments
     * @param returnEvent the position of its return event, or -1 while pending
     * @param returnLine  the line of its return, or -1
     * @param outcome     what it returned, or null while pending
     */
    public record Operation(int index, String thread, Op op, int callEvent, int callLine, Call call,
                            int returnEvent, int returnLine, Outcome outcome) {

        /** A call without a return: it may or may not have taken effect. */
        public boolean pending() {
            return outcome == null;
        }

        /** {@code "GetBuffer(AM_GBF_NOWAIT) by t2"}. */
        public String describe() {
            return Describe.call(this) + " by " + thread;
        }

        /** {@code "GetBuffer(AM_GBF_NOWAIT) by t2 (lines 7-9)"}. */
        @Override
        public String toString() {
            return describe() + (pending() ? " (line " + callLine + ", pending)"
                    : " (lines " + callLine + "-" + returnLine + ") -> " + Describe.outcome(this));
        }
    }

    /**
     * One line of a history in file order: a call or a return. The operation is the whole call as
     * far as the reader has seen it: a streamed call event ({@link Stream}) carries an operation
     * without an outcome until its return has been read; see {@link Stream} for when it is complete.
     *
     * @param index the position among the history's events, from 0
     * @param line  the line, from 1
     * @param kind  call or return
     * @param op    the operation it belongs to
     */
    public record Event(int index, int line, Kind kind, Operation op) {
    }

    /** The value of {@link #settleMs()} for a history without the end-of-recording marker. */
    public static final long NO_END_MARKER = -1;

    private final String source;
    private final List<Operation> operations;
    private final int[] eventLines;
    private final int[] eventOperation;
    private final long settleMs;

    private History(String source, List<Operation> operations, int[] eventLines, int[] eventOperation, long settleMs) {
        this.source = source;
        this.operations = Collections.unmodifiableList(operations);
        this.eventLines = eventLines;
        this.eventOperation = eventOperation;
        this.settleMs = settleMs;
    }

    // ------------------------------------------------------------ reading

    /** Reads a history file (UTF-8 JSON Lines) whole into memory; {@link Stream} reads one line at a time. */
    public static History read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            skipByteOrderMark(in);
            return parse(in, file.toString());
        }
    }

    /** Skips a leading UTF-8 byte-order mark, if there is one. */
    private static void skipByteOrderMark(BufferedReader reader) throws IOException {
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
    }

    /** Parses a history given as text; {@code "<history>"} names it in messages. */
    public static History parse(String text) {
        try {
            return parse(new StringReader(text), "<history>");
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringReader does not fail
        }
    }

    /**
     * Parses a history, line by line, into memory.
     *
     * @param source names the input in messages
     * @throws HistoryFormatException for the first malformed line
     */
    public static History parse(Reader in, String source) throws IOException {
        Stream events = new Stream(in, source);
        List<Operation> operations = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (Event e = events.next(); e != null; e = events.next()) {
            if (e.kind() == Kind.CALL) {
                operations.add(e.op());
            } else {
                operations.set(e.op().index(), e.op());
            }
            lines.add(e.line());
            owners.add(e.op().index());
        }
        return new History(source, operations, lines.stream().mapToInt(Integer::intValue).toArray(),
                owners.stream().mapToInt(Integer::intValue).toArray(), events.settleMs());
    }

    /**
     * A history read one event at a time, holding only the calls that are open: what lets the
     * checker read a file of any length in bounded memory. A call event's operation has no outcome
     * (it is read before its return); the return event's operation is the completed one.
     */
    public static final class Stream implements AutoCloseable {
        private final BufferedReader in;
        private final String source;
        private final Map<String, Operation> open = new HashMap<>();
        private int lineNo;
        private int events;
        private int operations;
        private long settleMs = NO_END_MARKER;
        private int endLine;

        public Stream(Reader in, String source) {
            this.in = in instanceof BufferedReader b ? b : new BufferedReader(in);
            this.source = source;
        }

        /** Opens a history file (UTF-8; a leading byte-order mark is skipped). */
        public static Stream open(Path file) throws IOException {
            BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            skipByteOrderMark(reader);
            return new Stream(reader, file.toString());
        }

        /**
         * The next event, or null at the end.
         *
         * @throws HistoryFormatException for a malformed line
         */
        public Event next() throws IOException {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                if (endLine > 0) {
                    throw error(HistoryFormatException.Kind.AFTER_END, "an event after the end-of-recording marker"
                            + " of line " + endLine + " (the marker must be the last line)");
                }
                Event e = event(line);
                if (e != null) {
                    return e;
                }
            }
            return null;
        }

        /** The settle period of the end-of-recording marker, or {@link #NO_END_MARKER}; known at the end. */
        public long settleMs() {
            return settleMs;
        }

        /** Where the history is read from, for messages. */
        public String source() {
            return source;
        }

        /** The calls open now; at the end, the calls that never returned. */
        public Collection<Operation> openCalls() {
            return Collections.unmodifiableCollection(open.values());
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        private Event event(String line) {
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw error(HistoryFormatException.Kind.BAD_JSON, e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw error(HistoryFormatException.Kind.BAD_JSON, "not a JSON object: " + abbreviate(line));
            }
            String eventName = text(node, "event");
            if (eventName.equals("end")) {
                settleMs = integer(node, "settleMs", 0, Long.MAX_VALUE);
                endLine = lineNo;
                return null;
            }
            String thread = text(node, "thread");
            if (thread.isEmpty()) {
                throw error(HistoryFormatException.Kind.BAD_FIELD, "\"thread\" is empty");
            }
            Kind kind = switch (eventName) {
                case "call" -> Kind.CALL;
                case "return" -> Kind.RETURN;
                default -> throw error(HistoryFormatException.Kind.UNKNOWN_EVENT,
                        "\"event\" is \"" + eventName + "\", not \"call\", \"return\" or \"end\"");
            };
            String opName = text(node, "op");
            Op op;
            try {
                op = Op.valueOf(opName);
            } catch (IllegalArgumentException e) {
                throw error(HistoryFormatException.Kind.UNKNOWN_OP, "unknown op \"" + opName + "\" (known: "
                        + java.util.Arrays.toString(Op.values()) + ")");
            }
            Operation o = kind == Kind.CALL ? call(node, thread, op) : ret(node, thread, op);
            return new Event(events++, lineNo, kind, o);
        }

        private Operation call(JsonNode node, String thread, Op op) {
            Operation openCall = open.get(thread);
            if (openCall != null) {
                throw error(HistoryFormatException.Kind.TWO_OPEN_CALLS, "thread " + thread + " calls " + op
                        + " while its " + openCall.op() + " call of line " + openCall.callLine() + " has not returned");
            }
            Call args = switch (op) {
                case SetProperties -> new Call(properties(node, "request"), 0, null, null, null, NO_SAMPLE);
                case GetBuffer -> new Call(null, flags(node), optionalTimeout(node), optionalLong(node, "startTime"),
                        optionalLong(node, "endTime"), NO_SAMPLE);
                case AddRef, Release -> new Call(null, 0, null, null, null, sampleId(node, "sample"));
                default -> new Call(null, 0, null, null, null, NO_SAMPLE);
            };
            Operation o = new Operation(operations++, thread, op, events, lineNo, args, -1, -1, null);
            open.put(thread, o);
            return o;
        }

        private Operation ret(JsonNode node, String thread, Op op) {
            Operation o = open.get(thread);
            if (o == null) {
                throw error(HistoryFormatException.Kind.RETURN_WITHOUT_CALL, "a return of " + op + " on thread "
                        + thread + ", which has no open call");
            }
            if (o.op() != op) {
                throw error(HistoryFormatException.Kind.RETURN_MISMATCH, "a return of " + op + " on thread " + thread
                        + ", whose open call (line " + o.callLine() + ") is " + o.op());
            }
            String hr = text(node, "hr");
            if (!OUTCOMES.contains(hr)) {
                throw error(HistoryFormatException.Kind.UNKNOWN_HRESULT, "unknown \"hr\" \"" + hr
                        + "\" (an HRESULT name such as VFW_E_TIMEOUT, or INTERRUPTED or EXCEPTION)");
            }
            boolean ok = hr.equals("S_OK");
            AllocatorProperties props = null;
            long sample = NO_SAMPLE;
            Integer refs = null;
            String exception = null;
            switch (op) {
                case SetProperties, GetProperties -> props = ok ? properties(node, "props") : null;
                case GetBuffer -> sample = ok ? sampleId(node, "sample") : NO_SAMPLE;
                case AddRef, Release -> {
                    if (ok) {
                        refs = nonNegativeInt(node, "refs");
                    }
                }
                default -> { }
            }
            if (hr.equals(EXCEPTION)) {
                JsonNode text = node.get("exception");
                exception = text != null && text.isTextual() ? text.asText() : "(no \"exception\" text)";
            }
            open.remove(thread);
            return new Operation(o.index(), thread, op, o.callEvent(), o.callLine(), o.call(), events, lineNo,
                    new Outcome(hr, props, sample, refs, exception));
        }

    // -------------------------------------------------------- fields

        private JsonNode field(JsonNode node, String name) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                throw error(HistoryFormatException.Kind.MISSING_FIELD, "missing \"" + name + "\"");
            }
            return value;
        }

        private String text(JsonNode node, String name) {
            JsonNode value = field(node, name);
            if (!value.isTextual()) {
                throw error(HistoryFormatException.Kind.BAD_FIELD, "\"" + name + "\" must be a string, not " + value);
            }
            return value.asText();
        }

        private long integer(JsonNode node, String name, long min, long max) {
            JsonNode value = field(node, name);
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
                throw error(HistoryFormatException.Kind.BAD_FIELD, "\"" + name + "\" must be an integer from " + min
                        + " to " + max + ", not " + value);
            }
            return value.asLong();
        }

        private int int32(JsonNode node, String name) {
            return (int) integer(node, name, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }

        private int nonNegativeInt(JsonNode node, String name) {
            return (int) integer(node, name, 0, Integer.MAX_VALUE);
        }

        /** A DWORD: any 32-bit pattern, written signed or unsigned. */
        private int flags(JsonNode node) {
            return (int) integer(node, "flags", Integer.MIN_VALUE, 0xFFFF_FFFFL);
        }

        private long sampleId(JsonNode node, String name) {
            return integer(node, name, Long.MIN_VALUE + 1, Long.MAX_VALUE);
        }

        private Long optionalLong(JsonNode node, String name) {
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? null : integer(node, name, Long.MIN_VALUE, Long.MAX_VALUE);
        }

        private Long optionalTimeout(JsonNode node) {
            JsonNode value = node.get("timeoutMs");
            return value == null || value.isNull() ? null : integer(node, "timeoutMs", 0, Long.MAX_VALUE);
        }

        private AllocatorProperties properties(JsonNode node, String name) {
            JsonNode value = field(node, name);
            if (!value.isObject()) {
                throw error(HistoryFormatException.Kind.BAD_FIELD, "\"" + name
                        + "\" must be an object {cBuffers, cbBuffer, cbAlign, cbPrefix}, not " + value);
            }
            try {
                return new AllocatorProperties(int32(value, "cBuffers"), int32(value, "cbBuffer"),
                        int32(value, "cbAlign"), int32(value, "cbPrefix"));
            } catch (HistoryFormatException e) {
                throw error(e.kind(), "in \"" + name + "\": " + e.detail());
            }
        }

        private HistoryFormatException error(HistoryFormatException.Kind kind, String detail) {
            return new HistoryFormatException(source, lineNo, kind, detail);
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 57) + "...";
    }

    private static Set<String> outcomes() {
        Set<String> all = new TreeSet<>();
        for (HResult hr : HResult.values()) {
            all.add(hr.name());
        }
        all.add(INTERRUPTED);
        all.add(EXCEPTION);
        return Collections.unmodifiableSet(all);
    }

    /** Whether {@code hr} may appear as an outcome: an HRESULT name, INTERRUPTED or EXCEPTION. */
    public static boolean isOutcomeName(String hr) {
        return OUTCOMES.contains(hr);
    }

    // ------------------------------------------------------------ queries

    /** Where the history was read from, for messages. */
    public String source() {
        return source;
    }

    /** The operations in the order of their calls. */
    public List<Operation> operations() {
        return operations;
    }

    /** The number of events (lines that are not blank). */
    public int events() {
        return eventLines.length;
    }

    /** The line of event {@code i} (from 0), from 1. */
    public int line(int event) {
        return eventLines[event];
    }

    /** The operation event {@code i} belongs to. */
    public Operation operationOf(int event) {
        return operations.get(eventOperation[event]);
    }

    /**
     * The settle period of the end-of-recording marker {@code {"event":"end","settleMs":N}}: N ms
     * passed after the last event with no event, or {@link #NO_END_MARKER} if the history has none.
     */
    public long settleMs() {
        return settleMs;
    }

    /** The events in file order, each with its operation complete (an in-memory history is read whole). */
    public List<Event> eventList() {
        List<Event> all = new ArrayList<>(eventLines.length);
        for (int e = 0; e < eventLines.length; e++) {
            Operation o = operationOf(e);
            all.add(new Event(e, eventLines[e], o.callEvent() == e ? Kind.CALL : Kind.RETURN, o));
        }
        return all;
    }

    /** The threads, in the order of their first event. */
    public List<String> threads() {
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (Operation o : operations) {
            seen.putIfAbsent(o.thread(), Boolean.TRUE);
        }
        return List.copyOf(seen.keySet());
    }

    /**
     * The history made of the first {@code n} events: calls whose return comes later are pending
     * in it.
     */
    public History prefix(int n) {
        if (n < 0 || n > events()) {
            throw new IllegalArgumentException("prefix of " + n + " events of " + events());
        }
        List<Operation> ops = new ArrayList<>();
        for (Operation o : operations) {
            if (o.callEvent() >= n) {
                break; // operations are in call order
            }
            ops.add(o.returnEvent() >= 0 && o.returnEvent() < n ? o
                    : new Operation(o.index(), o.thread(), o.op(), o.callEvent(), o.callLine(), o.call(), -1, -1, null));
        }
        return new History(source, ops, java.util.Arrays.copyOf(eventLines, n),
                java.util.Arrays.copyOf(eventOperation, n), n == events() ? settleMs : NO_END_MARKER);
    }

    @Override
    public String toString() {
        return source + ": " + events() + " events, " + operations.size() + " operations, "
                + threads().size() + " threads";
    }
}
