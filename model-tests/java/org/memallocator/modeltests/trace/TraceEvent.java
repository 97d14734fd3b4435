package org.memallocator.modeltests.trace;

import java.util.Locale;

/**
 * One recorded spec step, as the trace module and the model checker read it: the fields of a
 * {@code Trace} record of {@code spec/MemAllocatorTrace.tla}. Built from a
 * {@link org.memallocator.SpecEvent} by {@link TraceRecorder} without judging it: whatever the
 * implementation reported is written down, and the checkers report a malformed event with its
 * position instead of skipping it.
 *
 * @param action the spec action's name ({@code "null"} if the event had none)
 * @param thread the spec thread ({@code t1}..), or a description of an unknown Java thread
 * @param buffer the buffer of sample steps and successful gets, else 0
 * @param result the result the call returned: an HRESULT name, {@code NONE} for
 *               GetBufferBlocks, {@code INTERRUPTED} for WaitInterrupted
 * @param refs   the sample's new reference count for AddRef and Release, else 0
 * @param count  SetProperties' {@code c}, else 0 ({@code -1}: the event carried no request)
 * @param layout SetProperties' {@code l} as the spec writes it, else {@code "valid"}
 * @param alignOk SetProperties' {@code alignOk}, else true
 * @param mode   how a GetBuffer was called: {@code wait}, {@code nowait}, {@code timed}; else
 *               {@code none}
 */
public record TraceEvent(String action, String thread, int buffer, String result, int refs, int count,
                         String layout, boolean alignOk, String mode) {

    /** The event as a TLA+ record, fields in a fixed order. */
    public String toTla() {
        return String.format(Locale.ROOT, "[action |-> %s, t |-> %s, b |-> %d, hr |-> %s, refs |-> %d, c |-> %d,"
                        + " lay |-> %s, align |-> %s, mode |-> %s]", str(action), str(thread), buffer, str(result), refs,
                count, str(layout), alignOk ? "TRUE" : "FALSE", str(mode));
    }

    private static String str(String s) {
        return "\"" + String.valueOf(s).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** {@code GetBufferOk(t1, 2) -> S_OK}: for messages. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(action).append('(');
        switch (action) {
            case "AddRef", "Release" -> s.append(buffer).append(") -> refs ").append(refs).append(" [on ")
                    .append(thread).append(']');
            case "SetProperties" -> s.append(thread).append(", ").append(count).append(", \"").append(layout)
                    .append("\", ").append(alignOk ? "TRUE" : "FALSE").append(") -> ").append(result);
            case "GetBufferOk", "WakeWithSample" -> s.append(thread).append(", ").append(buffer).append(") -> ")
                    .append(result).append(" [").append(mode).append(']');
            default -> s.append(thread).append(") -> ").append(result)
                    .append("none".equals(mode) ? "" : " [" + mode + "]");
        }
        return s.toString();
    }
}
