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
 * Checks a monitor-level trace with TLC: writes it as {@code TraceData.tla} beside copies of
 * {@code spec/MemAllocatorMonitorTrace.tla} and its configuration, and forks TLC on them with
 * {@code spec/} on the module path (for {@code MemAllocatorMonitor.tla} and {@code MemAllocator.tla}).
 *
 * <p>Verdicts as the contract's TLC checker gives them ({@link TlcTraceChecker#verdict}: accepted,
 * malformed, error), with the monitor's own rejection rule: exit 0 is rejected at the event after
 * the last one TLC printed as matched (the search depth counts the unreported steps too, so it is
 * no position here). TLC's output stays in the directory ({@code tlc.out}).
 */
final class MonitorTlcTraceChecker {

    private static final Pattern MATCHED = Pattern.compile("<<\"matched\",\\s*(\\d+)>>");

    private final Path specDir;
    private final Path workDir;
    private final Duration timeout;

    MonitorTlcTraceChecker(Path specDir, Path workDir, Duration timeout) {
        this.specDir = specDir.toAbsolutePath();
        this.workDir = workDir.toAbsolutePath();
        this.timeout = timeout;
    }

    /** The text of {@code TraceData.tla} for a monitor trace. */
    static String traceData(List<String> threads, List<MonitorTraceEvent> trace) {
        TraceModule.Constants c = TraceModule.constants(threads, trace.stream().map(MonitorTraceEvent::event).toList());
        return TraceModule.text("a recorded run of the implementation, with its monitor steps", threads, c,
                trace.stream().map(MonitorTraceEvent::toTla).toList());
    }

    TraceVerdict check(String name, List<String> threads, List<MonitorTraceEvent> trace) throws IOException {
        Files.createDirectories(workDir);
        Path dir = Files.createTempDirectory(workDir, name + "-");
        Files.writeString(dir.resolve("TraceData.tla"), traceData(threads, trace));
        for (String f : List.of("MemAllocatorMonitorTrace.tla", "MemAllocatorMonitorTrace.cfg")) {
            Files.copy(specDir.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        TlcResult r = new TlcLauncher(workDir.resolve("tlc"), timeout).withLibrary(specDir)
                .check(dir.resolve("MemAllocatorMonitorTrace.tla"), dir.resolve("MemAllocatorMonitorTrace.cfg"), 1);
        Files.writeString(dir.resolve("tlc.out"), r.output());
        return TlcTraceChecker.verdict(r, dir, trace, where -> rejection(r, trace, where));
    }

    /**
     * The monitor's rejection rule: exit 0, at the event after the last one TLC printed as
     * matched; if every event matched, the trace ends inside a locked region.
     */
    private static Optional<TraceVerdict> rejection(TlcResult r, List<MonitorTraceEvent> trace, String where) {
        if (r.exitCode() != 0) {
            return Optional.empty();
        }
        int matched = 0;
        for (Matcher k = MATCHED.matcher(r.output()); k.find(); ) {
            matched = Math.max(matched, Integer.parseInt(k.group(1)));
        }
        int position = Math.min(matched + 1, trace.size());
        return Optional.of(new TraceVerdict("TLC", TraceVerdict.Outcome.REJECTED, position,
                trace.isEmpty() ? null : trace.get(position - 1),
                matched == trace.size() ? "every event matched, but the trace ends inside a locked region" + where
                        : "no behaviour of the monitor spec matches it, after the first " + matched + " events"
                        + where, trace.size()));
    }
}
