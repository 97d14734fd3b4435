package org.memallocator.model;

/**
 * The spec's {@code Layouts}: what {@code Commit} finds when it lays out the stored properties,
 * abstracting the size and prefix arithmetic (see {@link Request#of}).
 */
public enum Layout {
    /** The buffers can be laid out. */
    VALID("valid"),
    /** A rounded {@code cbBuffer <= 0}: {@code Commit} fails with {@code VFW_E_SIZENOTSET}. */
    SIZE_NOT_SET("sizeNotSet"),
    /** A negative prefix, or a block too large: {@code Commit} fails with {@code E_OUTOFMEMORY}. */
    OUT_OF_MEMORY("outOfMemory");

    private final String tla;

    Layout(String tla) {
        this.tla = tla;
    }

    /** The spec's string for this layout, e.g. {@code "sizeNotSet"}. */
    public String tla() {
        return tla;
    }
}
