package org.memallocator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code memallocator}: the command line of the reference implementation.
 *
 * <p>One exit-code contract for every subcommand: {@value #EXIT_OK} accepted, {@value #EXIT_VIOLATION}
 * a violation found, {@value #EXIT_USAGE} bad arguments, bad input or a resource limit hit (one line
 * naming the limit and the flag that raises it), {@value #EXIT_UNDECIDED} undecided (a checker's budget
 * ran out before a verdict). Never a stack trace: whatever a command throws ends here as one line.
 */
@Command(name = "memallocator", mixinStandardHelpOptions = true, version = "memallocator 0.1.0",
        description = "The formally checked reference implementation of DirectShow's IMemAllocator.",
        subcommands = {CheckCommand.class, VectorsCommand.class, RunVectorsCommand.class, RecordCommand.class,
                CheckHistoryCommand.class},
        exitCodeListHeading = "%nExit codes (every subcommand):%n",
        exitCodeList = {"0:accepted", "1:a violation found", "2:bad arguments, bad input, or a resource limit hit",
                "3:undecided: the checker's budget ran out before a verdict"})
public final class Main implements Runnable {

    /** Exit code for accepted input: the check passed. */
    public static final int EXIT_OK = 0;
    /** Exit code for a check that found a violation (or a rejected history). */
    public static final int EXIT_VIOLATION = 1;
    /** Exit code for bad arguments, unusable input files, or a resource limit hit. */
    public static final int EXIT_USAGE = 2;
    /** Exit code for a check that ran out of budget before it could decide. */
    public static final int EXIT_UNDECIDED = 3;

    /** Options that take a whole number of seconds, in every subcommand: 1 to one year. */
    static final String TIMEOUT = "--timeout";
    static final long MAX_TIMEOUT_SECONDS = 366L * 24 * 3600;
    /** Options that take a settle time in milliseconds, in every subcommand: 1 to one hour. */
    static final String SETTLE = "--settle-ms";
    static final long MAX_SETTLE_MS = 3_600_000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Thread.setDefaultUncaughtExceptionHandler(Main::uncaughtInOtherThread);
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (for tests: no System.exit). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((ex, a) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("memallocator: " + ex.getMessage());
            cmd.usage(cmd.getErr());
            return EXIT_USAGE;
        });
        cli.setExecutionStrategy(parsed -> {
            try {
                checkTimingOptions(parsed);
            } catch (UsageError e) {
                throw new CommandLine.ExecutionException(cli, e.getMessage(), e); // to the handler below
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> failure(ex, cmd.getErr()));
        try {
            return cli.execute(args);
        } catch (RuntimeException | Error e) { // what picocli lets through: errors, and the strategy's refusals
            return failure(e, cli.getErr());
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    /**
     * Every timing option of the subcommand being run, checked before it runs: {@value #TIMEOUT}
     * from 1 to {@value #MAX_TIMEOUT_SECONDS} seconds, {@value #SETTLE} from 1 to
     * {@value #MAX_SETTLE_MS} ms (0 and negative values are meaningless, and larger ones overflow the
     * deadlines computed from them).
     */
    private static void checkTimingOptions(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            for (OptionSpec option : p.commandSpec().options()) {
                if (option.longestName().equals(TIMEOUT)) {
                    requireRange(option, 1, MAX_TIMEOUT_SECONDS, "seconds");
                } else if (option.longestName().equals(SETTLE)) {
                    requireRange(option, 1, MAX_SETTLE_MS, "milliseconds");
                }
            }
        }
    }

    private static void requireRange(OptionSpec option, long min, long max, String unit) {
        long value = ((Number) option.getValue()).longValue();
        if (value < min || value > max) {
            throw new UsageError(option.longestName() + " must be from " + min + " to " + max + " " + unit
                    + ", not " + value);
        }
    }

    /** Reports what a command threw in one line and returns its exit code. */
    static int failure(Throwable e, PrintWriter err) {
        err.println("memallocator: " + oneLine(describe(e)));
        err.flush();
        return EXIT_USAGE;
    }

    /** {@code text} with its line breaks (and the blanks around them) made single spaces. */
    static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * One line for a failure: the usage error's message; for a resource limit, which limit and the
     * flag that raises it; for anything else (a bug), the exception and where it was thrown.
     */
    static String describe(Throwable e) {
        if (e instanceof UsageError) {
            return e.getMessage();
        }
        if (e instanceof VirtualMachineError) {
            return resourceLimit(e);
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            return "input/output error: " + (e.getCause() instanceof IOException c ? c : e).getMessage();
        }
        StackTraceElement[] at = e.getStackTrace();
        return "internal error: " + e + (at.length == 0 ? "" : " at " + at[0]);
    }

    /** The limit a {@link VirtualMachineError} hit, and how to raise it. */
    static String resourceLimit(Throwable e) {
        String m = String.valueOf(e.getMessage());
        if (e instanceof StackOverflowError) {
            return "out of thread stack (raise it with -Xss, e.g. java -Xss8m -jar memallocator.jar ...)";
        }
        if (!(e instanceof OutOfMemoryError)) {
            return "the JVM failed: " + e;
        }
        if (m.contains("native thread")) {
            return "cannot create a thread: the system's limit on threads or processes (ulimit -u) or its "
                    + "memory for thread stacks is reached (raise the limit, or lower -Xss): " + m;
        }
        if (m.contains("Direct buffer memory")) {
            return "out of direct memory (raise it with -XX:MaxDirectMemorySize, e.g. -XX:MaxDirectMemorySize=4g)";
        }
        if (m.contains("Metaspace")) {
            return "out of metaspace (raise it with -XX:MaxMetaspaceSize)";
        }
        return "out of heap memory (" + m + "; raise the limit with -Xmx, e.g. java -Xmx4g -jar memallocator.jar ...)";
    }

    /**
     * A failure in a thread of the command's own (a recorder's worker, a runner's spec thread) that
     * nothing caught: a resource limit ends the run with exit {@value #EXIT_USAGE} and its one line;
     * anything else is reported in one line and left to the command, which sees the thread's calls
     * unfinished. One thread at a time, so that a limit hit by several threads gives one line.
     */
    private static synchronized void uncaughtInOtherThread(Thread thread, Throwable e) {
        System.err.println("memallocator: in thread " + thread.getName() + ": " + oneLine(describe(e)));
        System.err.flush();
        if (e instanceof VirtualMachineError) {
            System.out.flush();
            Runtime.getRuntime().halt(EXIT_USAGE);
        }
    }

    /** An input problem reported in one line with exit code 2, never as a stack trace. */
    public static final class UsageError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageError(String message) {
            super(message);
        }
    }
}
