package org.memallocator.modeltests.trace;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One event of a monitor-level trace ({@code spec/MemAllocatorMonitorTrace.tla}): a contract step
 * or a condition step ({@link org.memallocator.MonitorAction}: {@code Await}, {@code Signal},
 * {@code SignalAll}, {@code AwaitReturns}, {@code AwaitThrows}), with the condition's wait queue
 * when it was reported.
 *
 * @param event the step, in the contract trace's fields (a condition step has buffer 0, result
 *              {@code NONE} and mode {@code none})
 * @param queue the spec threads waiting on the condition, longest waiter first; null if the
 *              implementation did not report it (it is no {@link org.memallocator.MonitorTrace}
 *              reporter), which the checkers call malformed
 */
public record MonitorTraceEvent(TraceEvent event, List<String> queue) {

    public String action() {
        return event.action();
    }

    public String thread() {
        return event.thread();
    }

    /** The event as a record of the monitor trace spec. */
    public String toTla() {
        String contract = event.toTla();
        String q = queue == null ? "\"unknown\""
                : queue.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(", ", "<<", ">>"));
        return contract.substring(0, contract.length() - 1) + ", q |-> " + q + "]";
    }

    /** {@code Release(2) -> refs 0 [on t1] queue [t3]}: for messages. */
    @Override
    public String toString() {
        return event + " queue " + queue;
    }
}
