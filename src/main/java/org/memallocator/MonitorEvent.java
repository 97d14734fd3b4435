package org.memallocator;

import java.util.List;

/**
 * One condition-variable step of {@link MonitorMemAllocator}, as reported to a {@link MonitorTrace}.
 *
 * @param action    the step
 * @param thread    the thread taking it (the waiter for {@code Await} and the wake-ups'
 *                  returns, the releasing or decommitting thread for the signals)
 * @param waitQueue the threads waiting on the condition when the step is reported, longest
 *                  waiter first (see {@link MonitorTrace})
 */
public record MonitorEvent(MonitorAction action, Thread thread, List<Thread> waitQueue) {
}
