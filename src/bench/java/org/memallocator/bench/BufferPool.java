package org.memallocator.bench;

/**
 * The tiny adapter every pool under test sits behind: take a buffer (blocking while none is
 * free), touch it, give it back. One adapter instance is shared by all benchmark threads.
 *
 * <p>{@link #release} may be called from a thread other than the one that called {@link #get}
 * (the cross-thread benchmark does so); every pool here allows it.
 */
public interface BufferPool extends AutoCloseable {

    /** A buffer, waiting as long as it takes for one to be free. */
    Object get() throws InterruptedException;

    /** Gives back a buffer obtained from {@link #get}. */
    void release(Object buffer);

    /** Writes one byte into the buffer's memory, as a producer filling it would. */
    void touch(Object buffer, byte value);

    /** Frees the pool; called once, after every buffer is back. */
    @Override
    void close();
}
