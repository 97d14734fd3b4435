package org.memallocator.cli;

import java.lang.reflect.InvocationTargetException;
import java.util.function.Supplier;
import org.memallocator.MemAllocator;
import org.memallocator.MonitorMemAllocator;
import picocli.CommandLine.Option;

/**
 * {@code --implementation CLASS}: the {@link MemAllocator} that vectors and recorded workloads run
 * against, a class on the classpath with a public no-argument constructor. The default is
 * {@link MonitorMemAllocator}.
 */
public final class ImplementationOption {

    @Option(names = "--implementation", paramLabel = "CLASS",
            description = "The MemAllocator to test: a class on the classpath with a public no-argument "
                    + "constructor (default: org.memallocator.MonitorMemAllocator).")
    String className;

    /** The class's simple name, for summaries. */
    String name() {
        return className == null ? MonitorMemAllocator.class.getSimpleName()
                : className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
    }

    /** New allocators of the class; a usage error if it cannot be loaded or made. */
    Supplier<MemAllocator> factory() {
        if (className == null) {
            return MonitorMemAllocator::new;
        }
        Class<? extends MemAllocator> type;
        try {
            type = Class.forName(className).asSubclass(MemAllocator.class);
        } catch (ClassNotFoundException e) {
            throw new Main.UsageError("--implementation: no class " + className + " on the classpath");
        } catch (ClassCastException e) {
            throw new Main.UsageError("--implementation: " + className + " is not a " + MemAllocator.class.getName());
        }
        try {
            type.getConstructor().newInstance(); // fail now, as a usage error, not in the middle of a run
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
            throw new Main.UsageError("--implementation: " + className + " has no public no-argument constructor");
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof VirtualMachineError limit) {
                throw limit; // a resource limit, reported as one (exit 2, the flag that raises it)
            }
            throw new Main.UsageError("--implementation: new " + className + "() threw " + e.getCause());
        }
        return () -> {
            try {
                return type.getConstructor().newInstance();
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof VirtualMachineError limit) {
                    throw limit;
                }
                throw new IllegalStateException("new " + className + "() threw " + e.getCause(), e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
    }
}
