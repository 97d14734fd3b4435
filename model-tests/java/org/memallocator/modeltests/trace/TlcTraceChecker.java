package org.memallocator.modeltests.trace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.memallocator.tlc.TlcLauncher;
import org.memallocator.tlc.TlcResult;

/**
 * Checks a trace with TLC: writes it as {@code TraceData.tla} into a fresh directory beside
 * copies of {@code spec/MemAllocatorTrace.tla} and its configuration, and forks TLC on them with
 * {@code spec/} on the module path for {@code MemAllocator.tla}.
 *
 * <p>Verdicts ({@link #verdict}, shared with {@link MonitorTlcTraceChecker}): exit 12 with
 * "Invariant NotDone is violated" is accepted (a behaviour consumed the whole trace); an Assert
 * failure naming "malformed trace event" is malformed, with the position the Assert gives; a
 * rejection is what each checker's own rule says, here: exit 0, and the depth of the complete
 * search is the position of the first event no step matched (depth 1 is the initial state,
 * before event 1); anything else is an error of the checker. TLC's output stays in the directory
 * ({@code tlc.out}).
 */
final class TlcTraceChecker {

    private static final Pattern MALFORMED = Pattern.compile("\"malformed trace event\",\\s*(\\d+)");

    private final Path specDir;
    private final Path workDir;
    private final Duration timeout;

    /**
     * @param specDir the repository's {@code spec/}
     * @param workDir where trace directories and TLC's state go, under {@code target/}
     */
    TlcTraceChecker(Path specDir, Path workDir, Duration timeout) {
        this.specDir = specDir.toAbsolutePath();
        this.workDir = workDir.toAbsolutePath();
        this.timeout = timeout;
    }

    TraceVerdict check(String name, List<String> threads, List<TraceEvent> trace) throws IOException {
        Files.createDirectories(workDir);
        Path dir = Files.createTempDirectory(workDir, name + "-");
        TraceModule.write(dir, threads, trace);
        for (String f : List.of("MemAllocatorTrace.tla", "MemAllocatorTrace.cfg")) {
            Files.copy(specDir.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        TlcResult r = new TlcLauncher(workDir.resolve("tlc"), timeout).withLibrary(specDir)
                .check(dir.resolve("MemAllocatorTrace.tla"), dir.resolve("MemAllocatorTrace.cfg"), 1);
        Files.writeString(dir.resolve("tlc.out"), r.output());
        return verdict(r, dir, trace, where -> rejection(r, trace, where));
    }

    /**
     * The contract's rejection rule: exit 0 with a search depth inside the trace, which is the
     * position of the first event no step matched.
     */
    private static Optional<TraceVerdict> rejection(TlcResult r, List<TraceEvent> trace, String where) {
        if (r.exitCode() != 0 || r.depth() < 1 || r.depth() > trace.size()) {
            return Optional.empty();
        }
        int position = r.depth();
        return Optional.of(new TraceVerdict("TLC", TraceVerdict.Outcome.REJECTED, position, trace.get(position - 1),
                "no behaviour of the spec matches it: the search ended at depth " + r.depth()
                        + ", after the first " + (position - 1) + " events" + where, trace.size()));
    }

    /** A trace checker's own reading of a TLC run as a rejection, or empty when the run is no rejection. */
    interface RejectionRule {
        /** @param where the run's summary and directory, to end the verdict's reason with */
        Optional<TraceVerdict> rejection(String where);
    }

    /**
     * TLC's result {@code r} on the trace checked in {@code dir} as a verdict, the same way for the
     * contract's and the monitor's trace: accepted when TLC reports {@code NotDone} violated (exit
     * 12); malformed when the trace spec's Assert names "malformed trace event", at the position it
     * gives; rejected when {@code rule} says so; otherwise an error of the checker, with TLC's
     * error trace.
     */
    static TraceVerdict verdict(TlcResult r, Path dir, List<?> trace, RejectionRule rule) {
        String where = " (" + r.summary() + "; " + dir + ")";
        if (r.exitCode() == 12 && "Invariant NotDone".equals(r.violation())) {
            return TraceVerdict.accepted("TLC", trace.size());
        }
        Matcher m = MALFORMED.matcher(r.output());
        if (m.find()) {
            int position = Integer.parseInt(m.group(1));
            return new TraceVerdict("TLC", TraceVerdict.Outcome.MALFORMED, position,
                    position >= 1 && position <= trace.size() ? trace.get(position - 1) : null,
                    "the trace spec's WellFormed failed" + where, trace.size());
        }
        Optional<TraceVerdict> rejected = rule.rejection(where);
        if (rejected.isPresent()) {
            return rejected.get();
        }
        return new TraceVerdict("TLC", TraceVerdict.Outcome.ERROR, 0, null,
                "TLC did not reach a verdict" + where + "\n" + r.errorTrace(), trace.size());
    }
}
