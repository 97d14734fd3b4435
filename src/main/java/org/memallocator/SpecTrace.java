package org.memallocator;

/**
 * Receives the implementation's spec-level steps, for trace validation and history recording.
 *
 * <p>{@link #step} is called while the allocator's lock is held, at the linearization point of
 * the step, right after its effect, so the order of calls is the order in which the steps took
 * effect. It must be quick and must not block or change the allocator; it may read the
 * allocator's counters ({@code freeCount()}, {@code isCommitted()}, ...: the lock is reentrant),
 * which show the state just after the step. With no trace installed the implementation pays one
 * null check per step and allocates nothing.
 */
@FunctionalInterface
public interface SpecTrace {
    void step(SpecEvent event);
}
