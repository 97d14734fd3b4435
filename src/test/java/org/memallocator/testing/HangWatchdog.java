package org.memallocator.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * The last line of defence against a test that blocks for ever: every test of every engine (Jupiter,
 * jqwik) gets a deadline, and a test still running at its deadline stops the whole test JVM with a
 * thread dump, so the build fails within minutes instead of stalling CI.
 *
 * <p>JUnit's own default timeout ({@code junit.jupiter.execution.timeout.default}, set per Surefire
 * execution in pom.xml) comes first: it interrupts a Jupiter test and fails just that test. It cannot
 * stop a thread that ignores interrupts (a {@code getBuffer} that swallows them, say), and it does not
 * apply to jqwik properties. This listener catches both: at {@value #DEADLINE_PROPERTY} seconds
 * (default {@value #DEFAULT_DEADLINE_SECONDS}) after a test started it prints which test hung and the
 * stack of every thread to standard error, writes the same to {@code target/hang-dumps/}, and halts
 * the JVM with exit code {@value #HALT_STATUS}. Surefire reports the lost fork and the build fails.
 *
 * <p>Registered for every test JVM through {@code META-INF/services}.
 */
public final class HangWatchdog implements TestExecutionListener {

    /** System property: seconds a single test may run before the JVM is stopped. */
    public static final String DEADLINE_PROPERTY = "memallocator.test.deadline.seconds";
    static final long DEFAULT_DEADLINE_SECONDS = 600;
    /** The exit status of a JVM stopped by the watchdog. */
    public static final int HALT_STATUS = 86;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "hang-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, ScheduledFuture<?>> deadlines = new ConcurrentHashMap<>();
    private final long deadlineSeconds = Long.getLong(DEADLINE_PROPERTY, DEFAULT_DEADLINE_SECONDS);

    @Override
    public void executionStarted(TestIdentifier test) {
        if (test.isTest()) {
            deadlines.put(test.getUniqueId(),
                    timer.schedule(() -> hung(test), deadlineSeconds, TimeUnit.SECONDS));
        }
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        ScheduledFuture<?> deadline = deadlines.remove(test.getUniqueId());
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    private void hung(TestIdentifier test) {
        String report = "HUNG: " + test.getDisplayName() + " [" + test.getUniqueId() + "] still running after "
                + deadlineSeconds + " s (" + DEADLINE_PROPERTY + "); stopping the test JVM.\n" + threadDump();
        PrintStream err = System.err;
        err.println(report);
        err.flush();
        try {
            Path dir = Path.of("target", "hang-dumps");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("hang-" + System.currentTimeMillis() + ".txt"), report,
                    StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            err.println("(could not write target/hang-dumps: " + e + ")");
        }
        Runtime.getRuntime().halt(HALT_STATUS);
    }

    /** Every live thread's state, lock and full stack. */
    static String threadDump() {
        StringBuilder out = new StringBuilder("Thread dump:\n");
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            out.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState());
            if (info.getLockName() != null) {
                out.append(" on ").append(info.getLockName());
            }
            if (info.getLockOwnerName() != null) {
                out.append(" owned by \"").append(info.getLockOwnerName()).append('"');
            }
            out.append('\n');
            for (StackTraceElement frame : info.getStackTrace()) {
                out.append("\tat ").append(frame).append('\n');
            }
            out.append('\n');
        }
        return out.toString();
    }
}
