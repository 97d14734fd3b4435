package org.memallocator.model;

/**
 * The spec's {@code props}: the properties in force, abstracted to the buffer count and whether
 * {@code Commit} can lay them out.
 *
 * @param count  {@code cBuffers}, 0 standing for {@code cBuffers <= 0}
 * @param layout what {@code Commit} would find
 */
public record Props(int count, Layout layout) {

    /** The spec's initial {@code [count |-> 0, layout |-> "sizeNotSet"]}: all zero. */
    public static final Props NONE = new Props(0, Layout.SIZE_NOT_SET);

    public Props {
        if (count < 0 || layout == null) {
            throw new IllegalArgumentException("count " + count + ", layout " + layout);
        }
    }
}
