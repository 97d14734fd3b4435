package org.memallocator.modeltests.bugs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.memallocator.AllocatorProperties;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MonitorMemAllocator;

/**
 * The seeded bugs are well-formed against the current source: each snippet occurs exactly once
 * in {@code MonitorMemAllocator.java} (a seed that went stale fails here, naming itself), each
 * variant is a single contiguous edit, compiles, and is a class distinct from the real one but
 * usable through {@link MemAllocator}.
 */
class SeededBugsTest {

    static Stream<SeededBug> bugs() {
        return Stream.of(SeededBugs.ALL, SeededBugs.MORE_CLASSES, SeededBugs.MONITOR_LOST_WAKEUPS).flatMap(List::stream);
    }

    @Test
    void thereAreAtLeastEightSeededBugsWithDistinctNames() {
        Set<String> names = new HashSet<>();
        bugs().forEach(b -> assertTrue(names.add(b.name()), "duplicate name " + b.name()));
        assertTrue(names.size() >= 8, "only " + names.size() + " seeded bugs");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bugs")
    void snippetOccursExactlyOnceInTheCurrentSource(SeededBug bug) {
        assertEquals(1, bug.occurrences(VariantCompiler.cleanSource()),
                bug.name() + ": the snippet must occur exactly once in " + VariantCompiler.sourceFile()
                        + " (update the seed to the current source):\n" + bug.find());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bugs")
    void variantIsOneContiguousEdit(SeededBug bug) {
        List<String> clean = VariantCompiler.cleanSource().lines().toList();
        List<String> broken = bug.apply(VariantCompiler.cleanSource()).lines().toList();
        int head = 0;
        while (head < Math.min(clean.size(), broken.size()) && clean.get(head).equals(broken.get(head))) {
            head++;
        }
        int tail = 0;
        while (tail < Math.min(clean.size(), broken.size()) - head
                && clean.get(clean.size() - 1 - tail).equals(broken.get(broken.size() - 1 - tail))) {
            tail++;
        }
        int removed = clean.size() - head - tail;
        int added = broken.size() - head - tail;
        assertTrue(removed + added > 0, bug.name() + " changes nothing");
        assertTrue(removed <= 8 && added <= 8, bug.name() + " is not a small edit: -" + removed + " +" + added);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bugs")
    void variantCompilesAndIsUsableThroughTheInterface(SeededBug bug) throws InterruptedException {
        MemAllocator variant = VariantCompiler.factory(bug).get();
        assertNotSame(MonitorMemAllocator.class, variant.getClass());
        assertEquals(VariantCompiler.variantClassName(bug.name()), variant.getClass().getSimpleName());
        smoke(variant); // a seeded bug is subtle: the plain single-threaded path still works
    }

    /** The unpatched source through the same compile-and-load path behaves like the real class. */
    @Test
    void cleanSourceThroughTheVariantCompilerWorks() throws InterruptedException {
        MemAllocator recompiled = VariantCompiler.build("clean-recompiled", VariantCompiler.cleanSource()).get();
        assertNotSame(MonitorMemAllocator.class, recompiled.getClass());
        smoke(recompiled);
    }

    private static void smoke(MemAllocator a) throws InterruptedException {
        a.setProperties(new AllocatorProperties(2, 16, 1, 0));
        a.commit();
        MediaSample s = a.getBuffer(0);
        assertEquals(1, a.outstandingCount());
        assertEquals(2, s.addRef());
        assertEquals(1, s.release());
        assertEquals(0, s.release());
        assertEquals(2, a.freeCount());
        a.decommit();
        assertEquals(0, a.freeCount());
        a.close();
    }
}
