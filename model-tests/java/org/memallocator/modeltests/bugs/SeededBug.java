package org.memallocator.modeltests.bugs;

import java.util.Objects;

/**
 * One seeded bug: a broken variant of {@code MonitorMemAllocator}, described as a single edit of
 * the real source file. {@code find} must occur exactly once in the current source (so a seed
 * cannot silently go stale when the implementation changes); {@link #apply} replaces it.
 *
 * @param name        short identifier, used as the implementation's name in the kill matrix
 * @param description the bug, and why it is one
 * @param find        the exact text of the clean source to replace
 * @param replace     the broken text
 */
public record SeededBug(String name, String description, String find, String replace) {

    public SeededBug {
        Objects.requireNonNull(name);
        Objects.requireNonNull(description);
        if (find.isEmpty() || find.equals(replace)) {
            throw new IllegalArgumentException(name + ": empty or no-op edit");
        }
    }

    /** How often {@code find} occurs in {@code source} (overlapping occurrences counted). */
    public int occurrences(String source) {
        int n = 0;
        for (int i = source.indexOf(find); i >= 0; i = source.indexOf(find, i + 1)) {
            n++;
        }
        return n;
    }

    /** The patched source. Throws unless {@code find} occurs exactly once. */
    public String apply(String source) {
        int n = occurrences(source);
        if (n != 1) {
            throw new IllegalStateException("seeded bug " + name + ": the snippet to replace occurs "
                    + n + " times in MonitorMemAllocator.java (must be exactly once); update the "
                    + "seed to the current source:\n" + find);
        }
        return source.replace(find, replace);
    }
}
