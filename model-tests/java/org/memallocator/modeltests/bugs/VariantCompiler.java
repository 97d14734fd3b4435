package org.memallocator.modeltests.bugs;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.memallocator.MemAllocator;
import org.memallocator.MonitorMemAllocator;

/**
 * Builds a seeded-bug variant at test time: patches the real {@code MonitorMemAllocator.java},
 * compiles it in-process with {@link JavaCompiler} against the main classes, and defines the
 * result in the test class loader. The variant is used through the ordinary API
 * ({@link MemAllocator}, {@code MediaSample}, ...), which stays the one of the main classes.
 *
 * <p><b>Why the variant gets its own class name</b> (not {@code org.memallocator.MonitorMemAllocator}
 * in a child-first class loader): Lincheck 3.7 instruments lazily, looking classes up by name,
 * and caches transformed bytecode by class name. A second class named
 * {@code org.memallocator.MonitorMemAllocator} in another loader is therefore either never
 * instrumented (its {@code Condition.await()} escapes the model: a false "Concurrent test has
 * hung", measured) or, if the real class was transformed first, given the real class's bytes
 * (the seeded bug silently vanishes). So the patched source is moved into this package and the
 * class renamed {@code SeededBug_<name>} (its nested {@code Sample} follows), and the classes are
 * defined with {@link MethodHandles.Lookup#defineClass} into the test class loader, where
 * Lincheck finds them by name. All the types the implementation uses are public, so nothing else
 * changes. A small factory class is compiled with each variant so that instances are allocated
 * by an ordinary {@code new}, which Lincheck sees (a lambda or reflection would hide it).
 *
 * <p>The patched source and its classes are kept under {@code target/seeded-bugs/<name>/} for
 * inspection. Each variant is built once per JVM.
 */
public final class VariantCompiler {

    static final String CLASS = MonitorMemAllocator.class.getName();
    private static final String SIMPLE = MonitorMemAllocator.class.getSimpleName();
    private static final String PACKAGE = VariantCompiler.class.getPackageName();

    private static final Map<String, Supplier<MemAllocator>> BUILT = new ConcurrentHashMap<>();

    private VariantCompiler() {
    }

    /** The repository root (Surefire sets {@code memallocator.repo}; else the working directory). */
    static Path repo() {
        return Path.of(System.getProperty("memallocator.repo", ".")).toAbsolutePath();
    }

    /** The clean source of the implementation. */
    public static Path sourceFile() {
        return repo().resolve("src/main/java/" + CLASS.replace('.', '/') + ".java");
    }

    public static String cleanSource() {
        try {
            return Files.readString(sourceFile(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sourceFile(), e);
        }
    }

    /** A factory of {@code bug}'s variant, built on first use. */
    public static Supplier<MemAllocator> factory(SeededBug bug) {
        return build(bug.name(), bug.apply(cleanSource()));
    }

    /** The class name a variant gets. */
    static String variantClassName(String name) {
        return "SeededBug_" + name.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /**
     * Compiles {@code source} (a version of {@code MonitorMemAllocator.java}) as the class
     * {@link #variantClassName(String)} of this package, defines it, and returns a factory of its
     * instances. Built once per name and JVM.
     */
    public static Supplier<MemAllocator> build(String name, String source) {
        return BUILT.computeIfAbsent(name, n -> compileAndDefine(n, source));
    }

    private static Supplier<MemAllocator> compileAndDefine(String name, String source) {
        String simple = variantClassName(name);
        String moved = relocate(source, simple);
        Path dir = repo().resolve("target/seeded-bugs").resolve(name);
        Path src = dir.resolve("src/" + PACKAGE.replace('.', '/') + "/" + simple + ".java");
        Path classes = dir.resolve("classes");
        try {
            deleteRecursively(dir);
            Files.createDirectories(src.getParent());
            Files.createDirectories(classes);
            Files.writeString(src, moved, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no system Java compiler: run the tests on a JDK");
        }
        StringWriter diagnostics = new StringWriter();
        List<String> options = List.of("-d", classes.toString(), "-classpath", mainClasses().toString(),
                "--release", "17", "-proc:none", "-nowarn", "-encoding", "UTF-8");
        boolean ok = javac.getTask(diagnostics, null, null, options, null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(src)).call();
        if (!ok) {
            throw new IllegalStateException("seeded bug " + name + " does not compile:\n" + diagnostics);
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Path packageDir = classes.resolve(PACKAGE.replace('.', '/'));
            List<Path> files;
            try (Stream<Path> list = Files.list(packageDir)) {
                files = list.filter(f -> f.getFileName().toString().startsWith(simple)).sorted().toList();
            }
            for (Path f : files) {
                lookup.defineClass(Files.readAllBytes(f));
            }
            Class<?> type = Class.forName(PACKAGE + "." + simple);
            if (!MemAllocator.class.isAssignableFrom(type)) {
                throw new IllegalStateException("variant " + name + " is not a MemAllocator: " + type);
            }
            Constructor<?> constructor = Class.forName(PACKAGE + "." + simple + "_Factory").getDeclaredConstructor();
            @SuppressWarnings("unchecked")
            Supplier<MemAllocator> factory = (Supplier<MemAllocator>) constructor.newInstance();
            if (factory.get().getClass() != type) {
                throw new IllegalStateException("variant " + name + ": its factory makes another class");
            }
            return factory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code source} moved into this package as class {@code simple}, with a factory class
     * {@code simple_Factory} appended.
     */
    static String relocate(String source, String simple) {
        String header = "package org.memallocator;";
        if (!source.contains(header)) {
            throw new IllegalStateException(sourceFile() + " no longer starts with " + header);
        }
        String body = source.replace(header, "package " + PACKAGE + ";\n\nimport org.memallocator.*;")
                .replaceAll("\\b" + SIMPLE + "\\b", simple);
        return body + """

                /** Added by the kill matrix's VariantCompiler: allocates this variant with {@code new}. */
                final class %1$s_Factory implements java.util.function.Supplier<MemAllocator> {
                    @Override
                    public MemAllocator get() {
                        return new %1$s();
                    }
                }
                """.formatted(simple);
    }

    /** Where {@code org.memallocator.MonitorMemAllocator} was loaded from: {@code target/classes}. */
    static Path mainClasses() {
        try {
            return Path.of(MemAllocator.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }
}
