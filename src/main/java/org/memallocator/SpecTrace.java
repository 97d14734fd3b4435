package org.memallocator;

/**
 * Receives the implementation's spec-level steps, for trace validation and history recording.
 *
 * <p>{@link #step} is called while the allocator's lock is held, at the linearization point of
 * the step, right after its effect, so the order of calls is the order in which the steps took
 * effect. It must be quick and must not block or change the allocator; it may read the
 * allocator's counters ({@code freeCount()}, {@code isCommitted()}, ...: the lock is reentrant),
 * which show the state just after the step.
 *
 * <p>A trace that throws cannot corrupt the allocator: the step has already taken effect and the
 * state is consistent when {@link #step} is called, and whatever it throws (an exception or an
 * error) is caught by the allocator, which finishes the call as if the trace had returned and
 * hands the throwable to the calling thread's
 * {@link Thread#getUncaughtExceptionHandler() uncaught-exception handler}. So a throwing trace
 * never loses a sample or leaves a waiter counted, and its failure is reported, not swallowed;
 * a test that checks something inside its trace must record the outcome and assert it after the
 * call. With no trace installed the implementation pays one
 * null check per step and allocates nothing.
 */
@FunctionalInterface
public interface SpecTrace {
    void step(SpecEvent event);
}
