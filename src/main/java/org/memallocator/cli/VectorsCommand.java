package org.memallocator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.memallocator.oracle.VectorGenerator;
import org.memallocator.tlc.TlcOutcome;
import org.memallocator.tlc.TlcResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code memallocator vectors --out DIR}: write the language-neutral conformance vectors. */
@Command(name = "vectors", mixinStandardHelpOptions = true,
        description = {"Generate the conformance vectors (docs/vectors.schema.json) from TLC's state graph of the "
                + "generation model, plus the sample-surface cases. Same spec, same files, byte for byte.",
                "Exit 0; 1 if TLC finds a violation in the generation model (no vectors are written); 2 on bad "
                        + "arguments or input files (a malformed config or an unusable --out is refused before TLC "
                        + "runs), or TLC's --timeout hit."})
public final class VectorsCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Where to write index.json and the vector files (emptied of an earlier set's files).")
    Path out;

    @Option(names = "--spec", paramLabel = "FILE", defaultValue = "spec/MemAllocator.tla",
            description = "The spec (default: ${DEFAULT-VALUE}).")
    Path spec;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "spec/MemAllocatorGen.cfg",
            description = "The generation model (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
            description = "TLC worker threads (default: one per core).")
    int workers;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "1800",
            description = "Kill TLC after this many seconds (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws IOException {
        PrintWriter w = command.commandLine().getOut();
        requireWritableOut(out); // before TLC runs, not after
        VectorGenerator.VectorSet set;
        try {
            set = generate(spec, config, workers, Duration.ofSeconds(timeoutSeconds));
        } catch (VectorGenerator.TlcFailure e) {
            w.println("No vectors: " + e.getMessage());
            w.println(e.result().errorTrace());
            return Main.EXIT_VIOLATION;
        }
        try {
            prepare(out);
            set.write(out);
        } catch (IOException e) {
            throw new Main.UsageError("cannot write the vectors to --out " + out + ": " + e);
        }
        w.println("Wrote " + set.size() + " vectors to " + out);
        w.println(coverage(set));
        return 0;
    }

    /**
     * Generates the vectors, with TLC in a temporary directory. Input problems (files missing, TLC
     * cannot parse the spec or the config, an assumption or Assert fails) are usage errors; TLC
     * finding a violation or failing otherwise is a {@link VectorGenerator.TlcFailure}.
     */
    static VectorGenerator.VectorSet generate(Path spec, Path config, int workers, Duration timeout) throws IOException {
        InputFile.requireRegularFile(spec, "spec");
        InputFile.requireTlcConfig(config, "generation config");
        if (workers < 0) {
            throw new Main.UsageError("--workers must be 0 (one per core) or more, not " + workers);
        }
        int n = workers == 0 ? Runtime.getRuntime().availableProcessors() : workers;
        Path work = Files.createTempDirectory("memallocator-vectors-tlc");
        try {
            return VectorGenerator.fromTlc(spec, config, work, n, timeout);
        } catch (VectorGenerator.TlcFailure e) {
            refuseTimedOut(e.result(), timeout.toSeconds());
            if (configRejected(e.result())) {
                throw new Main.UsageError("cannot generate vectors from " + config + ": "
                        + firstLine(e.result().errorTrace()) + " (TLC exit " + e.result().exitCode() + ")");
            }
            switch (e.result().outcome()) {
                case PARSE_ERROR, CONFIG_ERROR, ASSUMPTION_VIOLATED, ASSERT_FAILED -> throw new Main.UsageError(
                        "cannot generate vectors from " + config + ": " + e.result().outcome() + ": "
                                + firstLine(e.result().errorTrace()) + " (TLC exit " + e.result().exitCode() + ")");
                default -> throw e;
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new Main.UsageError("cannot generate vectors from " + config + ": " + firstLine(e.getMessage()));
        } finally {
            deleteTree(work);
        }
    }

    /** One line: how much of the graph the vectors cover. */
    static String coverage(VectorGenerator.VectorSet set) {
        JsonNode graph = set.index().get("graph");
        JsonNode c = set.index().get("coverage");
        int held = 0;
        for (JsonNode v : set.index().get("vectors")) {
            held += v.get("file").asText().startsWith("hold-") ? 1 : 0;
        }
        return String.format("Coverage: %d of %d states, %d of %d transitions of TLC's graph: every macro step "
                        + "between its %d quiescent states (%d without interrupts), and in %d hold vectors the "
                        + "transitions out of transient states%s",
                c.get("statesCovered").asInt(), graph.get("states").asInt(), c.get("transitionsCovered").asInt(),
                graph.get("transitions").asInt(), graph.get("quiescentStatesReachableWithInterrupts").asInt(),
                graph.get("quiescentStatesReachable").asInt(), held,
                c.get("transitionsNotCovered").isEmpty() ? "" : "; not covered: see index.json");
    }

    /** Makes {@code dir} ready: created, or emptied of the JSON files of an earlier set. */
    private static void prepare(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new Main.UsageError("--out " + dir + " is not a directory");
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                boolean earlierSet = Files.exists(dir.resolve("index.json"));
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (!earlierSet) {
                        throw new Main.UsageError("--out " + dir + " is not empty and holds no vector set (no index.json)");
                    }
                    if (f.getFileName().toString().endsWith(".json")) {
                        Files.delete(f);
                    }
                }
            }
        }
        Files.createDirectories(dir);
    }

    /**
     * Refuses an {@code --out} that cannot take the vectors, before anything is generated: a file,
     * a directory that cannot be written or holds something else than a vector set, or a path whose
     * nearest existing ancestor is not a writable directory. Writability is tried, not guessed from
     * permissions (root may write anywhere but on a read-only or virtual file system): a probe file
     * is created there and deleted at once. Otherwise changes nothing on disk.
     */
    static void requireWritableOut(Path dir) {
        Path absolute = dir.toAbsolutePath();
        if (Files.exists(absolute)) {
            if (!Files.isDirectory(absolute)) {
                throw new Main.UsageError("--out " + dir + " is not a directory");
            }
            probeWrite(absolute, dir);
            try (Stream<Path> files = Files.list(absolute)) {
                if (files.findAny().isPresent() && !Files.exists(absolute.resolve("index.json"))) {
                    throw new Main.UsageError("--out " + dir + " is not empty and holds no vector set (no index.json)");
                }
            } catch (IOException e) {
                throw new Main.UsageError("--out " + dir + " cannot be listed: " + e.getMessage());
            }
            return;
        }
        Path ancestor = absolute.getParent();
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null || !Files.isDirectory(ancestor)) {
            throw new Main.UsageError("--out " + dir + " cannot be created: "
                    + (ancestor == null ? "no existing ancestor" : ancestor + " is not a directory"));
        }
        probeWrite(ancestor, dir);
    }

    private static void probeWrite(Path existingDir, Path out) {
        try {
            Files.delete(Files.createTempFile(existingDir, ".memallocator-probe", ".tmp"));
        } catch (IOException | SecurityException e) {
            throw new Main.UsageError("--out " + out + " cannot be written: no file can be created in " + existingDir
                    + " (" + (e instanceof AccessDeniedException ? "permission denied"
                            : e instanceof NoSuchFileException ? "no such file or directory"
                            : e.getMessage()) + ")");
        }
    }

    /** Whether TLC stopped at the configuration file (TLC 2.18 often exits 255 for it, not 151). */
    static boolean configRejected(TlcResult result) {
        return result.outcome() == TlcOutcome.CONFIG_ERROR || result.output().contains("ConfigFileException");
    }

    /** A TLC run killed at the launcher's timeout is a resource limit: exit 2, naming --timeout. */
    static void refuseTimedOut(TlcResult result, long timeoutSeconds) {
        if (result.exitCode() == -1 && result.output().contains("memallocator TLC launcher timeout")) {
            throw new Main.UsageError("TLC did not finish within --timeout " + timeoutSeconds
                    + " seconds (raise --timeout)");
        }
    }

    static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    static void deleteTree(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
