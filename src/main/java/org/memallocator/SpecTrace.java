package org.memallocator;

/**
 * Receives the implementation's spec-level steps, for trace validation and history recording.
 *
 * <p>{@link #step} is called while the allocator's lock is held, at the linearization point of
 * the step, so the order of calls is the order in which the steps took effect. It must be quick
 * and must not call back into the allocator. With no trace installed the implementation pays one
 * null check per step and allocates nothing.
 */
@FunctionalInterface
public interface SpecTrace {
    void step(SpecEvent event);
}
