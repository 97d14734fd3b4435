package org.memallocator.modeltests.lincheck;

import org.memallocator.MemAllocator;
import org.memallocator.MonitorMemAllocator;
import org.memallocator.modeltests.support.Implementations;

/**
 * The allocator under test, obtained so that Lincheck can model it.
 *
 * <p>An allocator must reach the test without passing through a lambda: allocated inside a
 * lambda (such as a {@code MonitorMemAllocator::new} supplier), or returned through one (a
 * counting wrapper), it comes out of a hidden class Lincheck cannot instrument, and a getter's
 * {@code Condition.await()} on it then escapes the model (the thread really parks, Lincheck waits
 * for it, and the run ends after a wall-clock timeout as a false "Concurrent test has hung").
 * Measured with Lincheck 3.7 on JDK 17: the same scenario passes with {@code new} in the test or
 * in an ordinary (anonymous or named) supplier class, and hangs with a lambda. Allocators
 * created before the run are no way out either: Lincheck snapshots objects that existed before
 * the run by walking their object graph, which reaches {@code java.lang} internals through the
 * waiting threads and fails without {@code --add-opens}.
 *
 * <p>So: {@link Implementations#create()} decides the implementation; if it is the clean
 * {@link MonitorMemAllocator} (whose default supplier is a method reference), the instance is
 * re-created here with a plain {@code new}. The seeded-bug variants come from an ordinary
 * factory class compiled with each variant, so their instances are used as they are.
 */
final class Allocators {

    private Allocators() {
    }

    static MemAllocator create() {
        MemAllocator a = Implementations.create();
        return a.getClass() == MonitorMemAllocator.class ? new MonitorMemAllocator() : a;
    }
}
