package org.memallocator.modeltests.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.memallocator.AllocatorProperties;
import org.memallocator.MonitorEvent;
import org.memallocator.MonitorTrace;
import org.memallocator.SpecAction;
import org.memallocator.SpecEvent;
import org.memallocator.model.Request;

/**
 * Records an implementation's spec steps as {@link TraceEvent}s, in the order the implementation
 * reports them: under its lock, so in the order the steps took effect.
 *
 * <p>Each Java thread of a workload is given its spec thread's name ({@link #name}); a thread
 * about to call {@code getBuffer} says how ({@link #mode}), which the recorder reads on that
 * thread when the call's steps are reported (the implementation reports every step on the thread
 * whose call takes it, wake-ups included). One recorder per run: nothing here is static.
 *
 * <p>It is a {@link MonitorTrace}: an implementation that reports the monitor's condition steps
 * and wait queue ({@code MonitorMemAllocator}) gives it those too. {@link #events()} is the
 * contract trace; {@link #monitorEvents()} the monitor trace, contract and condition steps in
 * lock order, each with the wait queue (null from an implementation that does not report it).
 */
final class TraceRecorder implements MonitorTrace {

    private final Map<Thread, String> names = new ConcurrentHashMap<>();
    private final ThreadLocal<String> mode = ThreadLocal.withInitial(() -> "none");
    private final List<TraceEvent> events = new ArrayList<>();
    private final List<MonitorTraceEvent> monitorEvents = new ArrayList<>();

    /** {@code thread} plays spec thread {@code name}. */
    void name(Thread thread, String name) {
        names.put(thread, name);
    }

    /** The current thread's next calls are getBuffer calls made this way ({@code none} after). */
    void mode(String how) {
        mode.set(how);
    }

    @Override
    public void step(SpecEvent e) {
        record(e, null);
    }

    @Override
    public void step(SpecEvent e, List<Thread> waitQueue) {
        record(e, waitQueue);
    }

    @Override
    public void monitorStep(MonitorEvent e) {
        TraceEvent event = new TraceEvent(String.valueOf(e.action()), name(e.thread()), 0, "NONE", 0, 0, "valid",
                true, "none");
        synchronized (events) {
            monitorEvents.add(new MonitorTraceEvent(event, names(e.waitQueue())));
        }
    }

    private void record(SpecEvent e, List<Thread> waitQueue) {
        TraceEvent event = of(e, name(e.thread()), mode.get());
        synchronized (events) {
            events.add(event);
            monitorEvents.add(new MonitorTraceEvent(event, waitQueue == null ? null : names(waitQueue)));
        }
    }

    private String name(Thread t) {
        return names.getOrDefault(t, "unknown thread " + t);
    }

    private List<String> names(List<Thread> threads) {
        return threads.stream().map(this::name).toList();
    }

    List<TraceEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    List<MonitorTraceEvent> monitorEvents() {
        synchronized (events) {
            return List.copyOf(monitorEvents);
        }
    }

    /** The trace event of a spec event, written down as reported (see {@link TraceEvent}). */
    static TraceEvent of(SpecEvent e, String thread, String mode) {
        SpecAction action = e.action();
        String result;
        if (e.result() != null) {
            result = e.result().name();
        } else if (action == SpecAction.GetBufferBlocks) {
            result = "NONE";
        } else if (action == SpecAction.WaitInterrupted) {
            result = "INTERRUPTED";
        } else {
            result = "null";
        }
        int count = 0;
        String layout = "valid";
        boolean alignOk = true;
        if (action == SpecAction.SetProperties) {
            AllocatorProperties request = e.request();
            if (request == null) {
                count = -1;
            } else {
                Request r = Request.of(request);
                count = r.count();
                layout = r.layout().tla();
                alignOk = r.alignOk();
            }
        }
        boolean get = action != null && action.name().contains("GetBuffer") || action == SpecAction.WakeWithSample
                || action == SpecAction.WakeNotCommitted || action == SpecAction.WaitTimedOut
                || action == SpecAction.WaitInterrupted;
        return new TraceEvent(String.valueOf(action), thread, e.buffer(), result, e.refs(), count, layout, alignOk,
                get ? mode : "none");
    }
}
