package org.memallocator;

/**
 * The condition-variable steps of {@code spec/MemAllocatorMonitor.tla} that the contract's
 * {@link SpecAction}s do not show, by the names of the spec's operators. {@link MonitorMemAllocator}
 * reports each one to a {@link MonitorTrace}, under its lock, where it happens:
 * <ul>
 * <li>{@link #Await}: a blocked {@code getBuffer} is about to wait on the condition (every time
 *     round its wait loop; the spec's {@code Await});</li>
 * <li>{@link #Signal}: a final release has just called {@code signal()} (the spec's
 *     {@code Signal}, the {@code ReleaseWake} of {@code Release});</li>
 * <li>{@link #SignalAll}: a decommit or close has just called {@code signalAll()} (the spec's
 *     {@code SignalAll}, the {@code DecommitWake} of {@code Decommit} and {@code Close});</li>
 * <li>{@link #AwaitReturns}: the wait ended normally and the thread holds the lock again, before
 *     it re-checks the state (the start of the spec's {@code AwaitReturns});</li>
 * <li>{@link #AwaitThrows}: the wait ended by an interrupt, and the thread holds the lock again
 *     (the spec's {@code AwaitThrows}, inside {@code AwaitReturns}).</li>
 * </ul>
 * Tests check that these names are operators of the monitor spec.
 */
public enum MonitorAction {
    Await,
    Signal,
    SignalAll,
    AwaitReturns,
    AwaitThrows
}
