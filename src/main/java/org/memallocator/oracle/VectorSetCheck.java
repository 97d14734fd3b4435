package org.memallocator.oracle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Validates a vector set before anything runs: the index, and every vector's shape. A tampered or
 * malformed set is bad input ({@link BadVectorSet}), never an implementation's failure: an index
 * whose {@code vectors} is not a non-empty list, an entry whose {@code file} is not a plain file
 * name in the set's directory (no path is followed out of it), a list that disagrees with the
 * files present or with the files' own step counts and features, and steps a runner cannot make
 * (an unknown op or thread, a missing or non-integer argument, a sample name no earlier step
 * gave).
 */
public final class VectorSetCheck {

    /** The set, or one of its files, is not a valid vector set; the message names the file and why. */
    public static final class BadVectorSet extends IOException {
        private static final long serialVersionUID = 1L;

        BadVectorSet(String message) {
            super(message);
        }
    }

    /** One vector the index lists: its file name, step count and features. */
    public record Entry(String file, int steps, List<String> requires) {

        /** The vector's name: its file name without {@code .json}. */
        public String name() {
            return file.substring(0, file.length() - ".json".length());
        }
    }

    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*\\.json");
    private static final Set<String> FEATURES = Set.of("timeout", "interrupt", "hold");
    private static final Set<String> CALLS = Set.of("SetProperties", "GetProperties", "Commit", "Decommit",
            "Close", "GetBuffer");
    private static final Set<String> SAMPLE_CALLS = Set.of("AddRef", "Release", "GetSize", "GetActualDataLength",
            "SetActualDataLength", "GetTime", "SetTime", "GetMediaTime", "SetMediaTime", "IsSyncPoint",
            "SetSyncPoint", "IsPreroll", "SetPreroll", "IsDiscontinuity", "SetDiscontinuity", "GetMediaType",
            "SetMediaType");
    private static final Set<String> MAIN_STEPS = Set.of("Interrupt", "InterruptHeld", "Let", "Recheck");

    private VectorSetCheck() {
    }

    /**
     * Reads and checks {@code dir}'s index, and checks that it agrees with the files present.
     *
     * @return the listed vectors, in order
     */
    public static List<Entry> index(Path dir) throws IOException {
        Path indexFile = dir.resolve("index.json");
        if (!Files.isRegularFile(indexFile)) {
            throw new BadVectorSet("not a vector set (no index.json): " + dir);
        }
        JsonNode index = parse(indexFile, "index.json");
        JsonNode vectors = index.get("vectors");
        if (vectors == null || !vectors.isArray()) {
            throw new BadVectorSet("index.json: \"vectors\" is not a list");
        }
        if (vectors.isEmpty()) {
            throw new BadVectorSet("index.json: \"vectors\" is empty: no vector to run");
        }
        Path root = dir.toRealPath();
        List<Entry> entries = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (int i = 0; i < vectors.size(); i++) {
            JsonNode e = vectors.get(i);
            String where = "index.json: vector " + (i + 1);
            String file = text(e.get("file"));
            if (file == null || !FILE_NAME.matcher(file).matches() || file.equals("index.json")) {
                throw new BadVectorSet(where + ": \"file\" must be the name of a .json file in the vector"
                        + " directory (no path)");
            }
            Path p = dir.resolve(file);
            if (!Files.isRegularFile(p) || !p.toRealPath().getParent().equals(root)) {
                throw new BadVectorSet(where + ": " + file + " is not a file of the vector directory");
            }
            if (!listed.add(file)) {
                throw new BadVectorSet(where + ": " + file + " is listed twice");
            }
            JsonNode steps = e.get("steps");
            if (steps == null || !steps.isInt() || steps.intValue() < 1) {
                throw new BadVectorSet(where + " (" + file + "): \"steps\" must be a positive integer");
            }
            entries.add(new Entry(file, steps.intValue(), features(e.get("requires"), where + " (" + file + ")")));
        }
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".json") && !f.equals("index.json"))
                    .forEach(present::add);
        }
        if (!present.equals(listed)) {
            Set<String> unlisted = new TreeSet<>(present);
            unlisted.removeAll(listed);
            throw new BadVectorSet("index.json lists " + listed.size() + " vectors, but the directory holds "
                    + present.size() + " vector files" + (unlisted.isEmpty() ? "" : " (not listed: "
                    + unlisted.iterator().next() + (unlisted.size() > 1 ? ", ..." : "") + ")"));
        }
        return entries;
    }

    /** Reads and checks the vector of {@code entry}: its shape, and that it agrees with the index. */
    public static JsonNode vector(Path dir, Entry entry) throws IOException {
        String f = entry.file();
        JsonNode v = parse(dir.resolve(f), f);
        if (!entry.name().equals(text(v.get("name")))) {
            throw new BadVectorSet(f + ": \"name\" must be " + entry.name());
        }
        List<String> requires = features(v.get("requires"), f);
        if (!new HashSet<>(requires).equals(new HashSet<>(entry.requires()))) {
            throw new BadVectorSet(f + ": requires " + requires + ", but index.json says " + entry.requires());
        }
        Set<String> threads = new HashSet<>(Set.of("main"));
        JsonNode t = v.get("threads");
        if (t == null || !t.isArray()) {
            throw new BadVectorSet(f + ": \"threads\" is not a list");
        }
        t.forEach(n -> threads.add(n.asText()));
        JsonNode steps = v.get("steps");
        if (steps == null || !steps.isArray() || steps.isEmpty()) {
            throw new BadVectorSet(f + ": \"steps\" is not a non-empty list");
        }
        if (steps.size() != entry.steps()) {
            throw new BadVectorSet(f + ": " + steps.size() + " steps, but index.json says " + entry.steps());
        }
        Set<String> samples = new HashSet<>();
        for (int i = 0; i < steps.size(); i++) {
            step(steps.get(i), i + 1, f + ": step " + (i + 1), threads, samples);
        }
        return v;
    }

    private static void step(JsonNode s, int number, String where, Set<String> threads, Set<String> samples)
            throws BadVectorSet {
        if (!s.isObject()) {
            throw new BadVectorSet(where + ": not an object");
        }
        JsonNode n = s.get("step");
        if (n == null || !n.isInt() || n.intValue() != number) {
            throw new BadVectorSet(where + ": \"step\" must be " + number);
        }
        String thread = text(s.get("thread"));
        if (thread == null || !threads.contains(thread)) {
            throw new BadVectorSet(where + ": \"thread\" must be main or one of the vector's threads");
        }
        String op = text(s.get("op"));
        JsonNode args = s.get("args");
        JsonNode expect = s.get("expect");
        if (op == null || !(CALLS.contains(op) || SAMPLE_CALLS.contains(op) || MAIN_STEPS.contains(op))) {
            throw new BadVectorSet(where + ": unknown op" + (op == null ? "" : " \"" + op + "\""));
        }
        if (args == null || !args.isObject() || expect == null || !expect.isObject()) {
            throw new BadVectorSet(where + ": \"args\" and \"expect\" must be objects");
        }
        if (op.equals("GetBuffer")) {
            integer(args, "flags", where, true);
            integer(args, "timeoutMs", where, false);
            integer(args, "startTime", where, false);
            integer(args, "endTime", where, false);
        } else if (op.equals("SetProperties")) {
            JsonNode r = args.get("request");
            if (r == null || !r.isObject()) {
                throw new BadVectorSet(where + ": args.request must be an object");
            }
            for (String field : List.of("cBuffers", "cbBuffer", "cbAlign", "cbPrefix")) {
                integer(r, field, where + ": args.request", true);
            }
        } else if (SAMPLE_CALLS.contains(op)) {
            String name = text(args.get("sample"));
            if (name == null || !samples.contains(name)) {
                throw new BadVectorSet(where + ": unknown sample name" + (name == null ? "" : " \"" + name + "\"")
                        + " (no earlier GetBuffer names it)");
            }
            if (op.equals("SetActualDataLength")) {
                integer(args, "length", where, true);
            }
        } else if (MAIN_STEPS.contains(op)) {
            String target = text(args.get("thread"));
            if (!thread.equals("main") || target == null || target.equals("main") || !threads.contains(target)) {
                throw new BadVectorSet(where + ": " + op + " is main's, on one of the vector's threads");
            }
        }
        if (!expect.has("blocks") && text(expect.get("hr")) == null) {
            throw new BadVectorSet(where + ": \"expect\" needs \"hr\" or \"blocks\"");
        }
        names(expect, samples);
        JsonNode wakes = s.get("wakes");
        if (wakes != null) {
            if (!wakes.isArray()) {
                throw new BadVectorSet(where + ": \"wakes\" is not a list");
            }
            for (JsonNode w : wakes) {
                String wt = text(w.get("thread"));
                if (wt == null || !threads.contains(wt) || wt.equals("main") || text(w.get("hr")) == null) {
                    throw new BadVectorSet(where + ": a wake needs one of the vector's threads and \"hr\"");
                }
                names(w, samples);
            }
        }
    }

    /** The sample names an expectation introduces: its {@code sample} and {@code free}. */
    private static void names(JsonNode expect, Set<String> samples) {
        String sample = text(expect.get("sample"));
        if (sample != null) {
            samples.add(sample);
        }
        JsonNode free = expect.get("free");
        if (free != null && free.isArray()) {
            free.forEach(f -> samples.add(f.asText()));
        }
    }

    private static void integer(JsonNode o, String field, String where, boolean required) throws BadVectorSet {
        JsonNode v = o.get(field);
        if (v == null ? required : !v.isIntegralNumber()) {
            throw new BadVectorSet(where + ": " + field + (v == null ? " is missing" : " must be an integer"));
        }
    }

    private static List<String> features(JsonNode requires, String where) throws BadVectorSet {
        if (requires == null || !requires.isArray()) {
            throw new BadVectorSet(where + ": \"requires\" is not a list");
        }
        List<String> list = new ArrayList<>();
        for (JsonNode r : requires) {
            if (!FEATURES.contains(r.asText()) || !r.isTextual()) {
                throw new BadVectorSet(where + ": unknown feature in \"requires\"");
            }
            list.add(r.asText());
        }
        return list;
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }

    /** Parses a file; what it holds is never echoed in the error. */
    private static JsonNode parse(Path p, String name) throws IOException {
        try {
            JsonNode n = VectorJson.MAPPER.readTree(p.toFile());
            if (n == null || !n.isObject()) {
                throw new BadVectorSet(name + ": not a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new BadVectorSet(name + ": not valid JSON (line " + e.getLocation().getLineNr() + ")");
        }
    }
}
