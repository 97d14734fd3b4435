package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memallocator.Fixtures.committed;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every call, whether it succeeds or is refused, leaves the allocator's lock free: right after it
 * returns on this thread, another thread takes a locked step. (The lock is reentrant, so a call
 * that forgot to unlock would go unnoticed by tests that stay on one thread.)
 */
@Timeout(30)
class LockReleaseTest {

    /** One call on an allocator with two buffers committed, one of them held as {@code held}. */
    @FunctionalInterface
    interface Call {
        void on(MonitorMemAllocator allocator, MediaSample held) throws Exception;
    }

    private final TestThreads threads = new TestThreads();

    @AfterEach
    void allThreadsDone() {
        threads.assertAllDone();
    }

    static Stream<Arguments> calls() {
        return Stream.of(
                call("getProperties", (a, s) -> a.getProperties()),
                call("setProperties refused", (a, s) -> a.setProperties(new AllocatorProperties(1, 8, 1, 0))),
                call("commit", (a, s) -> a.commit()),
                call("decommit", (a, s) -> a.decommit()),
                call("getBuffer", (a, s) -> a.getBuffer(0)),
                call("getBuffer refused", (a, s) -> {
                    a.getBuffer(0);
                    a.getBuffer(MemAllocator.AM_GBF_NOWAIT);
                }),
                call("releaseBuffer refused", (a, s) -> a.releaseBuffer(s)),
                call("freeCount", (a, s) -> a.freeCount()),
                call("outstandingCount", (a, s) -> a.outstandingCount()),
                call("waitingCount", (a, s) -> a.waitingCount()),
                call("isCommitted", (a, s) -> a.isCommitted()),
                call("isDecommitPending", (a, s) -> a.isDecommitPending()),
                call("setNotify", (a, s) -> a.setNotify(() -> { })),
                call("setSpecTrace", (a, s) -> a.setSpecTrace(e -> { })),
                call("addRef", (a, s) -> s.addRef()),
                call("release", (a, s) -> s.release()),
                call("close", (a, s) -> a.close()));
    }

    private static Arguments call(String name, Call call) {
        return Arguments.of(name, call);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    void callLeavesTheLockFree(String name, Call call) throws Exception {
        MonitorMemAllocator allocator = committed(2, 64);
        MediaSample held = allocator.getBuffer(0);
        try {
            call.on(allocator, held);
        } catch (MemAllocatorException refused) {
            // refused calls must unlock too
        }
        TestThreads.Call<Integer> other = threads.start("other", allocator::freeCount);
        assertEquals(Integer.valueOf(allocator.freeCount()), other.value(), name);
    }
}
