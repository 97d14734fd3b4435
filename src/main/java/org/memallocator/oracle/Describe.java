package org.memallocator.oracle;

import org.memallocator.AllocatorProperties;
import org.memallocator.MemAllocator;

/** Short texts for calls, outcomes and properties, as the checker's messages use them. */
final class Describe {

    private Describe() {
    }

    /** {@code {cBuffers, cbBuffer, cbAlign, cbPrefix}} as {@code "{2, 104, 8, 0}"}. */
    static String props(AllocatorProperties p) {
        return p == null ? "null" : "{" + p.cBuffers() + ", " + p.cbBuffer() + ", " + p.cbAlign() + ", " + p.cbPrefix() + "}";
    }

    /** {@code "GetBuffer(AM_GBF_NOWAIT)"}, {@code "Release(sample 3)"}, {@code "SetProperties({2, 100, 8, 0})"}. */
    static String call(History.Operation o) {
        History.Call c = o.call();
        return switch (o.op()) {
            case SetProperties -> "SetProperties(" + props(c.request()) + ")";
            case GetBuffer -> "GetBuffer(" + flags(c.flags()) + (c.timed() ? ", timeout " + c.timeoutMs() + " ms" : "") + ")";
            case AddRef, Release -> o.op() + "(sample " + c.sample() + ")";
            default -> o.op() + "()";
        };
    }

    /** {@code "sample 3"}, {@code "count 2"}, {@code "S_OK with {2, 104, 8, 0}"}, {@code "VFW_E_TIMEOUT"}. */
    static String outcome(History.Operation o) {
        History.Outcome r = o.outcome();
        if (r == null) {
            return "nothing yet";
        }
        if (r.hr().equals(History.EXCEPTION)) {
            return "an exception (" + r.exception() + ")";
        }
        if (!r.ok()) {
            return r.hr();
        }
        return switch (o.op()) {
            case GetBuffer -> "sample " + r.sample();
            case AddRef, Release -> "count " + r.refs();
            case SetProperties, GetProperties -> "S_OK with " + props(r.props());
            default -> "S_OK";
        };
    }

    /** The GetBuffer flags by name: {@code "0"}, {@code "AM_GBF_NOWAIT"}, {@code "AM_GBF_NOWAIT|0x10"}. */
    static String flags(int flags) {
        if (flags == 0) {
            return "0";
        }
        StringBuilder s = new StringBuilder();
        String[] names = {"AM_GBF_PREVFRAMESKIPPED", "AM_GBF_NOTASYNCPOINT", "AM_GBF_NOWAIT", "AM_GBF_NODDSURFACELOCK"};
        int[] bits = {MemAllocator.AM_GBF_PREVFRAMESKIPPED, MemAllocator.AM_GBF_NOTASYNCPOINT,
                MemAllocator.AM_GBF_NOWAIT, MemAllocator.AM_GBF_NODDSURFACELOCK};
        int rest = flags;
        for (int i = 0; i < bits.length; i++) {
            if ((flags & bits[i]) != 0) {
                s.append(s.length() > 0 ? "|" : "").append(names[i]);
                rest &= ~bits[i];
            }
        }
        if (rest != 0) {
            s.append(s.length() > 0 ? "|" : "").append(String.format("0x%X", rest));
        }
        return s.toString();
    }
}
