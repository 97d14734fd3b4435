package org.memallocator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.memallocator.oracle.HistoryChecker;
import org.memallocator.oracle.HistoryFormatException;
import org.memallocator.oracle.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code memallocator check-history FILE}: is a recorded history linearizable against the spec? */
@Command(name = "check-history", mixinStandardHelpOptions = true,
        description = {"Check that a recorded history (JSON Lines, docs/history.schema.json) is linearizable "
                + "against spec/MemAllocator.tla. The file is streamed: its length does not bound the memory used. "
                + "If it ends with the end-of-recording marker, a call still pending that the spec would have let "
                + "return is rejected as a lost wake-up.",
                "Exit 0: linearizable; 1: not; 2: the file is missing or malformed, or out of memory; "
                        + "3: undecided (a budget ran out)."})
public final class CheckHistoryCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "FILE", description = "The history.")
    Path file;

    @Option(names = "--budget", paramLabel = "N",
            description = "Give up (undecided, exit 3) when the search holds more than N configurations at once "
                    + "(default: as many as a quarter of the heap holds, at an estimated size per configuration).")
    Long budget;

    @Option(names = "--budget-ms", paramLabel = "MS", defaultValue = "600000",
            description = "Give up (undecided, exit 3) after MS milliseconds (default: ${DEFAULT-VALUE}).")
    long budgetMs;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        InputFile.requireRegularFile(file, "history");
        if (budget != null && budget < 1) {
            throw new Main.UsageError("--budget must be at least 1, not " + budget);
        }
        if (budgetMs < 1) {
            throw new Main.UsageError("--budget-ms must be at least 1, not " + budgetMs);
        }
        Verdict v = check(file, budget == null ? HistoryChecker.AUTO_BUDGET : budget, Duration.ofMillis(budgetMs));
        out.println(v);
        return exitCode(v);
    }

    /** Checks {@code file}, streamed; a malformed or unreadable file is a one-line usage error (running out of memory is Main's: exit 2, naming -Xmx). */
    static Verdict check(Path file, long budget, Duration time) {
        try {
            return new HistoryChecker(budget, time).verdict(file);
        } catch (HistoryFormatException e) {
            throw new Main.UsageError(e.getMessage());
        } catch (IOException e) {
            throw InputFile.readError(file, e);
        }
    }

    /** 0 linearizable, 1 not, {@value Main#EXIT_UNDECIDED} undecided. */
    static int exitCode(Verdict v) {
        return switch (v.outcome()) {
            case LINEARIZABLE -> 0;
            case NOT_LINEARIZABLE -> Main.EXIT_VIOLATION;
            case UNDECIDED -> Main.EXIT_UNDECIDED;
        };
    }
}
