package org.memallocator.model;

/** The spec's {@code pc[t]}: whether thread {@code t} is between calls or blocked in GetBuffer. */
public enum Pc {
    IDLE("idle"),
    BLOCKED("blocked");

    private final String tla;

    Pc(String tla) {
        this.tla = tla;
    }

    /** The spec's string, {@code "idle"} or {@code "blocked"}. */
    public String tla() {
        return tla;
    }
}
