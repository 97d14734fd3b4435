package org.memallocator.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.memallocator.oracle.History;
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
                + "against spec/MemAllocator.tla.",
                "Exit 0: linearizable; 1: not (or undecided); 2: the file is missing or malformed."})
public final class CheckHistoryCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "FILE", description = "The history.")
    Path file;

    @Option(names = "--budget", paramLabel = "N", defaultValue = "20000000",
            description = "Give up (undecided) after exploring N configurations in one search (default: ${DEFAULT-VALUE}).")
    long budget;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        InputFile.requireRegularFile(file, "history");
        if (budget < 1) {
            throw new Main.UsageError("--budget must be at least 1, not " + budget);
        }
        Verdict v;
        try (BufferedReader in = InputFile.open(file)) {
            v = new HistoryChecker(budget).verdict(History.parse(in, file.toString()));
        } catch (HistoryFormatException e) {
            throw new Main.UsageError(e.getMessage());
        } catch (IOException e) {
            throw InputFile.readError(file, e);
        }
        out.println(v);
        return v.linearizable() ? 0 : Main.EXIT_VIOLATION;
    }
}
