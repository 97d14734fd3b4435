package org.memallocator.modeltests.support;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.memallocator.MemAllocator;
import org.memallocator.MonitorMemAllocator;

/**
 * The implementation every checker in model-tests runs against. Normally
 * {@link MonitorMemAllocator}; the kill matrix swaps in each seeded-bug variant in turn, so one
 * checker serves the clean implementation and every broken one alike.
 */
public final class Implementations {

    private static final String CLEAN = "MonitorMemAllocator";
    private static final Supplier<MemAllocator> CLEAN_FACTORY = new Clean();
    private static volatile Supplier<MemAllocator> factory = CLEAN_FACTORY;
    private static volatile String name = CLEAN;

    private Implementations() {
    }

    /** A new allocator of the implementation under test. */
    public static MemAllocator create() {
        return factory.get();
    }

    /** The name of the implementation under test ("MonitorMemAllocator" or a seeded bug's name). */
    public static String name() {
        return name;
    }

    /** Whether the clean implementation is under test. */
    public static boolean isClean() {
        return CLEAN.equals(name);
    }

    /** Runs {@code body} with {@code variant} as the implementation under test, then restores the clean one. */
    public static synchronized <T> T with(String variant, Supplier<MemAllocator> variantFactory, Callable<T> body)
            throws Exception {
        factory = Objects.requireNonNull(variantFactory);
        name = Objects.requireNonNull(variant);
        try {
            return body.call();
        } finally {
            factory = CLEAN_FACTORY;
            name = CLEAN;
        }
    }

    /** The factory of the clean implementation. */
    public static Supplier<MemAllocator> clean() {
        return CLEAN_FACTORY;
    }

    /**
     * {@code new MonitorMemAllocator()} in an ordinary class, not a lambda or method reference:
     * Lincheck 3.7 does not instrument a lambda's hidden class, and an allocator allocated there
     * escapes its model ({@code Condition.await()} then really parks, and the run ends as a false
     * "Concurrent test has hung"; measured on JDK 17). The seeded-bug factories are ordinary
     * classes for the same reason.
     */
    private static final class Clean implements Supplier<MemAllocator> {
        @Override
        public MemAllocator get() {
            return new MonitorMemAllocator();
        }
    }
}
