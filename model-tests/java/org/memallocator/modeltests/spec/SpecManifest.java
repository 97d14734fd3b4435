package org.memallocator.modeltests.spec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code spec/manifest.json}: every TLC model of the repository with the result TLC gives it.
 *
 * @param models the models, in file order
 */
public record SpecManifest(List<Model> models) {

    /**
     * One model: a module and a configuration, relative to {@code spec/}, and what TLC 2.18
     * reports for it.
     *
     * @param name           unique name, normally the configuration's file name without ".cfg"
     * @param module         the {@code .tla} file TLC checks
     * @param config         the {@code .cfg} file
     * @param size           {@code small} (under a minute on 2 cores, run in {@code mvn verify}),
     *                       {@code medium} or {@code large} (run with {@code memallocator.budget=long})
     * @param result         a {@link org.memallocator.tlc.TlcOutcome} name
     * @param violation      {@link org.memallocator.tlc.TlcResult#violation()}, or null
     * @param distinctStates distinct states TLC reports (at the violation, for a violating model
     *                       checked with one worker)
     * @param depth          the depth TLC reports with one worker; null where TLC reports none
     *                       (it prints no depth with a liveness counterexample)
     * @param mutant         whether the model is a deliberately broken variant (spec/mutants/)
     * @param features       what the configuration checks: safety, liveness, refinement, symmetry...
     * @param comment        what the model is for
     * @param options        extra TLC options ({@code -continue -deadlock}: list every violated
     *                       property, not just the first); null for none
     * @param violations     with {@code -continue}: every property TLC reports violated, in the
     *                       order it first reports them
     * @param trace          for a deadlock: the actions of TLC's (one-worker, shortest) trace
     * @param seconds        wall-clock seconds of the run that recorded the figures (see
     *                       spec/README.md for the machine and its load)
     */
    public record Model(String name, String module, String config, String size, String result,
                        String violation, long distinctStates, Integer depth, boolean mutant,
                        List<String> features, String comment, List<String> options,
                        List<String> violations, List<String> trace, Double seconds) {

        /** Whether TLC should report a violation. */
        public boolean expectsViolation() {
            return !"SUCCESS".equals(result);
        }

        /** The extra TLC options, never null. */
        public List<String> tlcOptions() {
            return options == null ? List.of() : options;
        }

        /** Whether TLC runs on after a violation ({@code -continue}) and lists them all. */
        public boolean listsEveryViolation() {
            return tlcOptions().contains("-continue");
        }
    }

    /** The sizes run under a budget: small always; medium and large with {@code long}. */
    public static Set<String> sizesFor(String budget) {
        return "long".equals(budget.toLowerCase(Locale.ROOT))
                ? Set.of("small", "medium", "large")
                : Set.of("small");
    }

    /** The repository root: Surefire sets {@code memallocator.repo}; else the working directory. */
    public static Path repo() {
        return Path.of(System.getProperty("memallocator.repo", ".")).toAbsolutePath().normalize();
    }

    /** {@code spec/} of the repository. */
    public static Path specDir() {
        return repo().resolve("spec");
    }

    /** Reads {@code spec/manifest.json}; unknown fields are ignored. */
    public static SpecManifest read() {
        Path file = specDir().resolve("manifest.json");
        try {
            return new ObjectMapper()
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .readValue(file.toFile(), SpecManifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The model called {@code name}. */
    public Model model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("spec/manifest.json has no model " + name));
    }
}
