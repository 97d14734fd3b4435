package org.memallocator.cli;

import org.memallocator.ForwardingMemAllocator;
import org.memallocator.MonitorMemAllocator;

/**
 * An {@code --implementation} whose construction hits a resource limit once the command has
 * checked that it can be made: the first instance is made, every later one throws
 * {@link #limit} (a heap or thread limit, as a real run would hit it).
 */
public final class ExhaustedAllocator extends ForwardingMemAllocator {

    /** What every construction after the first throws. */
    static volatile OutOfMemoryError limit = new OutOfMemoryError("Java heap space");
    private static int made;

    public ExhaustedAllocator() {
        super(new MonitorMemAllocator());
        synchronized (ExhaustedAllocator.class) {
            if (made++ > 0) {
                throw limit;
            }
        }
    }

    /** Starts again: the next instance is made. */
    static synchronized void reset(OutOfMemoryError next) {
        made = 0;
        limit = next;
    }
}
