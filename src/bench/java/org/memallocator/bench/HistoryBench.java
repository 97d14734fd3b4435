package org.memallocator.bench;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.memallocator.MemAllocator;
import org.memallocator.MonitorMemAllocator;

/**
 * The history checker's cost: record a random concurrent workload on {@link MonitorMemAllocator}
 * ({@code org.memallocator.oracle.Workload}) of about 1k, 10k and 100k events at 2 and 4
 * threads, then check it ({@code org.memallocator.oracle.HistoryChecker}). Reached through
 * reflection, so that the benchmarks compile whether or not the oracle package is there (and
 * whatever else it grows); when it is absent the report keeps a TODO row. Each check gets
 * {@link #LIMIT}; results go to {@code target/bench/history.json}.
 */
final class HistoryBench {

    static final Duration LIMIT = Duration.ofMinutes(3);
    private static final String PKG = "org.memallocator.oracle.";

    private HistoryBench() {
    }

    static void run(Settings settings) throws IOException {
        Files.createDirectories(settings.out());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", Environment.capture(settings.command("history")));
        List<Map<String, Object>> rows = new ArrayList<>();
        out.put("results", rows);
        boolean present;
        try {
            Class.forName(PKG + "HistoryChecker");
            Class.forName(PKG + "Workload");
            present = true;
        } catch (ClassNotFoundException e) {
            present = false;
        }
        out.put("present", present);
        int[] sizes = settings.tlcFull() ? new int[] {1_000, 10_000, 100_000} : new int[] {1_000};
        ExecutorService exec = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "history-check");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int threads : new int[] {2, 4}) {
                for (int events : sizes) {
                    if (!present) {
                        break;
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("threads", threads);
                    row.put("targetEvents", events);
                    try {
                        Future<Map<String, Object>> f = exec.submit(() -> measure(threads, events));
                        row.putAll(f.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
                    } catch (TimeoutException e) {
                        row.put("outcome", "TIMEOUT (> " + LIMIT.toSeconds() + " s)");
                        exec.shutdownNow();
                        exec = Executors.newSingleThreadExecutor();
                    } catch (ExecutionException e) {
                        row.put("outcome", "ERROR: " + e.getCause());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    System.out.println("history " + row);
                    rows.add(row);
                }
            }
        } finally {
            exec.shutdownNow();
            JmhSuite.json().writeValue(settings.out().resolve("history.json").toFile(), out);
        }
    }

    /** Records one workload of about {@code events} events and checks it. */
    private static Map<String, Object> measure(int threads, int events) throws ReflectiveOperationException {
        Class<?> workload = Class.forName(PKG + "Workload");
        Class<?> settingsClass = Class.forName(PKG + "Workload$Settings");
        Class<?> historyClass = Class.forName(PKG + "History");
        Class<?> checker = Class.forName(PKG + "HistoryChecker");
        Constructor<?> settings = settingsClass.getConstructor(int.class, int.class, long.class);
        // an operation is a call and a return: two events
        Object s = settings.newInstance(threads, Math.max(1, events / 2), 7L);
        Method run = workload.getMethod("run", Supplier.class, settingsClass);
        Supplier<MemAllocator> factory = MonitorMemAllocator::new;
        long t0 = System.nanoTime();
        Object recording = run.invoke(null, factory, s);
        long recorded = System.nanoTime() - t0;
        Object history = recording.getClass().getMethod("parse").invoke(recording);
        int recordedEvents = (int) recording.getClass().getMethod("events").invoke(recording);
        long t1 = System.nanoTime();
        Object verdict = checker.getMethod("check", historyClass).invoke(null, history);
        long checked = System.nanoTime() - t1;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("events", recordedEvents);
        row.put("outcome", verdict.getClass().getMethod("outcome").invoke(verdict).toString());
        row.put("configurations", verdict.getClass().getMethod("configurations").invoke(verdict));
        row.put("recordSeconds", recorded / 1e9);
        row.put("checkSeconds", checked / 1e9);
        return row;
    }
}
