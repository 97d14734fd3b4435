package org.memallocator.modeltests.trace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.memallocator.tlc.TlcLauncher;
import org.memallocator.tlc.TlcResult;

/**
 * Checks a monitor-level trace with TLC: writes it as {@code TraceData.tla} beside copies of
 * {@code spec/MemAllocatorMonitorTrace.tla} and its configuration, and forks TLC on them with
 * {@code spec/} on the module path (for {@code MemAllocatorMonitor.tla} and {@code MemAllocator.tla}).
 *
 * <p>Verdicts: exit 12 with "Invariant NotDone is violated" is accepted; exit 0 is rejected at
 * the event after the last one TLC printed as matched (the search depth counts the unreported
 * steps too, so it is no position here); an Assert failure naming "malformed trace event" is
 * malformed at its position; anything else is an error of the checker. TLC's output stays in the
 * directory ({@code tlc.out}).
 */
final class MonitorTlcTraceChecker {

    private static final Pattern MALFORMED = Pattern.compile("\"malformed trace event\",\\s*(\\d+)");
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
        if (r.exitCode() == 0) {
            int matched = 0;
            for (Matcher k = MATCHED.matcher(r.output()); k.find(); ) {
                matched = Math.max(matched, Integer.parseInt(k.group(1)));
            }
            int position = Math.min(matched + 1, trace.size());
            return new TraceVerdict("TLC", TraceVerdict.Outcome.REJECTED, position,
                    trace.isEmpty() ? null : trace.get(position - 1),
                    matched == trace.size() ? "every event matched, but the trace ends inside a locked region" + where
                            : "no behaviour of the monitor spec matches it, after the first " + matched + " events"
                            + where, trace.size());
        }
        return new TraceVerdict("TLC", TraceVerdict.Outcome.ERROR, 0, null,
                "TLC did not reach a verdict" + where + "\n" + r.errorTrace(), trace.size());
    }
}
