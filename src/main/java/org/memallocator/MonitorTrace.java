package org.memallocator;

import java.util.List;

/**
 * A {@link SpecTrace} that also receives the monitor's own steps, for trace validation against
 * {@code spec/MemAllocatorMonitor.tla}: the waits, signals and wake-ups of the allocator's one
 * condition ({@link MonitorAction}), and with every step the condition's wait queue.
 *
 * <p>{@link MonitorMemAllocator} calls the two methods below instead of
 * {@link SpecTrace#step(SpecEvent)} when the installed trace is a {@code MonitorTrace}; any other
 * allocator calls only {@code step(SpecEvent)}. The rules of {@link SpecTrace} apply: called under
 * the allocator's lock, in the order the steps took effect; quick; whatever is thrown is contained.
 *
 * <p>The wait queue is the list of threads still waiting on the condition: neither signalled nor
 * gone by interrupt or timeout. It is read when the step is reported: after the step's effect,
 * except that a waiter reports {@link MonitorAction#Await} (and a blocking call its
 * {@code GetBufferBlocks}) just before it joins the queue. Its order is the JDK's
 * ({@code ReentrantLock.getWaitingThreads}, longest waiter first in the JDK's implementation; the
 * order the JDK documents is none). With no trace installed, or a plain {@code SpecTrace}, the
 * allocator never reads the queue and its monitor steps cost one null check each.
 */
public interface MonitorTrace extends SpecTrace {

    /** A contract step, with the wait queue just after it (before the park of GetBufferBlocks). */
    void step(SpecEvent event, List<Thread> waitQueue);

    /** A condition-variable step. */
    void monitorStep(MonitorEvent event);

    /** A contract step without the wait queue (from an allocator that cannot read it). */
    @Override
    void step(SpecEvent event);
}
