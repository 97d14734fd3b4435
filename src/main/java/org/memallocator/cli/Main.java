package org.memallocator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code memallocator}: the command line of the reference implementation. */
@Command(name = "memallocator", mixinStandardHelpOptions = true, version = "memallocator 0.1.0",
        description = "The formally checked reference implementation of DirectShow's IMemAllocator.",
        subcommands = {CheckCommand.class, VectorsCommand.class, RunVectorsCommand.class, RecordCommand.class,
                CheckHistoryCommand.class})
public final class Main implements Runnable {

    /** Exit code for a check that found a violation (or a rejected history). */
    public static final int EXIT_VIOLATION = 1;
    /** Exit code for bad arguments or unusable input files. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
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
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof UsageError) {
                cmd.getErr().println("memallocator: " + ex.getMessage());
                return EXIT_USAGE;
            }
            throw ex;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    /** An input problem reported in one line with exit code 2, never as a stack trace. */
    public static final class UsageError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageError(String message) {
            super(message);
        }
    }
}
