package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The threads a test starts, each running one call and keeping its outcome. {@link #assertAllDone()}
 * (from {@code @AfterEach}) fails if any is still alive after {@link Fixtures#PATIENCE_MILLIS}.
 */
final class TestThreads {

    /** One call on its own thread. */
    static final class Call<T> {
        private final Thread thread;
        private volatile T value;
        private volatile Throwable thrown;
        private volatile boolean interruptedAtEnd;

        private Call(String name, Callable<T> body) {
            thread = new Thread(() -> {
                try {
                    value = body.call();
                } catch (Throwable t) {
                    thrown = t;
                }
                interruptedAtEnd = Thread.currentThread().isInterrupted();
            }, name);
            thread.setDaemon(true);
        }

        Thread thread() {
            return thread;
        }

        void interrupt() {
            thread.interrupt();
        }

        /** Waits for the call to end, failing after the patience. */
        Call<T> join() {
            try {
                thread.join(Fixtures.PATIENCE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("test thread interrupted");
            }
            assertFalse(thread.isAlive(), thread.getName() + " did not finish: " + thread.getState());
            return this;
        }

        /** The call's result; fails if it threw. */
        T value() {
            join();
            if (thrown != null) {
                throw new AssertionError(thread.getName() + " threw", thrown);
            }
            return value;
        }

        /** What the call threw; fails if it returned. */
        <X extends Throwable> X thrown(Class<X> type) {
            join();
            assertNotNull(thrown, thread.getName() + " returned " + value);
            return assertInstanceOf(type, thrown);
        }

        /** Asserts the call failed with {@code expected}. */
        void assertHResult(HResult expected) {
            assertEquals(expected, thrown(MemAllocatorException.class).hresult());
        }

        /** Whether the thread's interrupt status was set when the call ended. */
        boolean interruptedAtEnd() {
            join();
            return interruptedAtEnd;
        }
    }

    private final List<Call<?>> started = new ArrayList<>();

    /** Starts {@code body} on a new thread named {@code name}. */
    <T> Call<T> start(String name, Callable<T> body) {
        Call<T> call = new Call<>(name, body);
        started.add(call);
        call.thread.start();
        return call;
    }

    /** Asserts every started thread has ended (waiting up to the patience for each). */
    void assertAllDone() {
        for (Call<?> call : started) {
            call.join();
        }
    }
}
