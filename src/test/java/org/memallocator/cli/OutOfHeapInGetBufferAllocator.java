package org.memallocator.cli;

import java.time.Duration;
import org.memallocator.ForwardingMemAllocator;
import org.memallocator.MediaSample;
import org.memallocator.MonitorMemAllocator;

/**
 * An {@code --implementation} that runs out of heap in every {@code getBuffer}: in a recorder's
 * worker threads, not in the command's own thread.
 */
public final class OutOfHeapInGetBufferAllocator extends ForwardingMemAllocator {

    public OutOfHeapInGetBufferAllocator() {
        super(new MonitorMemAllocator());
    }

    @Override
    public MediaSample getBuffer(int flags) {
        throw new OutOfMemoryError("Java heap space");
    }

    @Override
    public MediaSample getBuffer(long startTime, long endTime, int flags) {
        throw new OutOfMemoryError("Java heap space");
    }

    @Override
    public MediaSample getBuffer(int flags, Duration timeout) {
        throw new OutOfMemoryError("Java heap space");
    }
}
