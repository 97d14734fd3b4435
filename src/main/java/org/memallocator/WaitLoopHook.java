package org.memallocator;

import java.lang.reflect.Field;

/**
 * <b>Test seam, not API.</b> Two callbacks from {@link MonitorMemAllocator}'s wait loop, so that a
 * conformance runner can hold a woken {@code getBuffer} between its wake-up and its re-check, and
 * know where each blocked thread is from evidence rather than from timing. PORTING.md asks every
 * port for the same two hooks.
 *
 * <p>The allocator keeps the hook in a private field that is null unless a test installs one
 * through {@link #install}; unset, it costs one null check per trip round the wait loop. Nothing
 * else in the library calls or exposes it.
 *
 * <p>The protocol, for each trip round the wait loop of a blocked {@code getBuffer}:
 * <ol>
 * <li>{@link #beforePark}, with the allocator's lock held, immediately before the thread waits on
 *     the allocator's condition;</li>
 * <li>{@link #afterWake}, once the wait has ended (signalled, timed out, interrupted or spurious),
 *     with the lock dropped, before the thread retakes the lock and re-checks the state. The hook
 *     may block here for as long as the runner holds the thread; an interrupt that ended the wait
 *     is thrown only after the hook returns.</li>
 * </ol>
 */
public interface WaitLoopHook {

    /** {@code thread} is about to wait on the allocator's condition (the lock is held). */
    void beforePark(Thread thread);

    /** {@code thread}'s wait has ended; it will retake the lock and re-check (the lock is not held). */
    void afterWake(Thread thread);

    /**
     * Installs {@code hook} (or with null removes it) on {@code allocator}: a
     * {@link MonitorMemAllocator}, or a class compiled from its source (the seeded-bug variants),
     * found by its one field of type {@code WaitLoopHook}.
     *
     * @return false if {@code allocator} has no such field (an implementation without the seam)
     */
    static boolean install(MemAllocator allocator, WaitLoopHook hook) {
        for (Field f : allocator.getClass().getDeclaredFields()) {
            if (f.getType() == WaitLoopHook.class) {
                try {
                    f.setAccessible(true);
                    f.set(allocator, hook);
                    return true;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return false;
                }
            }
        }
        return false;
    }
}
