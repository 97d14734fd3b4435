package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.memallocator.CapturedOutput;
import org.memallocator.cli.Main;

/**
 * {@code run-vectors} on a tampered or malformed vector set: exit 2 (bad input) with one line
 * naming the file and the defect, before any vector runs; never exit 0, and never exit 1 (the
 * implementation's failure). Each case doctors a copy of the small model's set
 * ({@link VectorsTest#generate}), which passes untouched.
 */
@Timeout(60)
class RunVectorsInputTest {

    @TempDir
    static Path dir;

    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    private static Path clean;
    private static int copies;

    @BeforeAll
    static void generate() throws IOException {
        clean = dir.resolve("clean");
        VectorsTest.generate().write(clean);
    }

    /** A fresh copy of the clean set. */
    private static Path copy() throws IOException {
        Path to = dir.resolve("copy" + copies++);
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(clean)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    private static ObjectNode read(Path file) throws IOException {
        return (ObjectNode) VectorJson.MAPPER.readTree(file.toFile());
    }

    private static void write(Path file, ObjectNode node) throws IOException {
        Files.writeString(file, VectorJson.write(node));
    }

    /** The first vector of {@code set} with at least one sample call, and its file. */
    private static Path vectorWith(Path set, String op) throws IOException {
        try (Stream<Path> files = Files.list(set)) {
            for (Path f : files.sorted().toList()) {
                if (!f.getFileName().toString().equals("index.json") && Files.readString(f).contains("\"op\":\"" + op + "\"")) {
                    return f;
                }
            }
        }
        throw new AssertionError("no vector with " + op);
    }

    /** Replaces the first match of {@code regex} in {@code f}; the file must change. */
    private static void doctor(Path f, String regex, String replacement) throws IOException {
        String before = Files.readString(f);
        String after = before.replaceFirst(regex, replacement);
        assertFalse(before.equals(after), f + " has no " + regex);
        Files.writeString(f, after);
    }

    private void badInput(Path set, String message, String... options) {
        String[] args = Stream.concat(Stream.of("run-vectors", set.toString()), Stream.of(options)).toArray(String[]::new);
        assertEquals(2, Main.execute(args), output.out() + output.err());
        assertTrue(output.err().contains(message), "'" + message + "' not in: " + output.err());
        assertFalse(output.out().contains("Ran "), "no vector may run: " + output.out());
        assertFalse(output.err().contains("\tat "), "no stack trace: " + output.err());
    }

    @Test
    void theCleanSetPasses() {
        assertEquals(0, Main.execute("run-vectors", clean.toString()), output.err());
    }

    @Test
    void anIndexWhoseVectorsIsNotAList() throws IOException {
        Path set = copy();
        ObjectNode index = read(set.resolve("index.json"));
        index.put("vectors", 5);
        write(set.resolve("index.json"), index);
        badInput(set, "index.json: \"vectors\" is not a list");
    }

    @Test
    void anIndexWithAnEmptyList() throws IOException {
        Path set = copy();
        ObjectNode index = read(set.resolve("index.json"));
        index.putArray("vectors");
        write(set.resolve("index.json"), index);
        badInput(set, "index.json: \"vectors\" is empty");
    }

    @Test
    void anIndexThatListsOneOfManyFiles() throws IOException {
        Path set = copy();
        ObjectNode index = read(set.resolve("index.json"));
        ArrayNode all = (ArrayNode) index.get("vectors");
        int n = all.size();
        ArrayNode one = index.putArray("vectors");
        one.add(all.get(0));
        write(set.resolve("index.json"), index);
        badInput(set, "index.json lists 1 vectors, but the directory holds " + n + " vector files");
    }

    @Test
    void anIndexWhoseStepCountDisagreesWithTheFile() throws IOException {
        Path set = copy();
        ObjectNode index = read(set.resolve("index.json"));
        ObjectNode first = (ObjectNode) index.get("vectors").get(0);
        first.put("steps", first.get("steps").asInt() + 1);
        write(set.resolve("index.json"), index);
        badInput(set, "but index.json says");
    }

    @Test
    void anIndexFileOutsideTheDirectoryIsNeverOpened() throws IOException {
        Path set = copy();
        Path secret = dir.resolve("secret.json");
        Files.writeString(secret, "TOPSECRET");
        ObjectNode index = read(set.resolve("index.json"));
        ((ObjectNode) index.get("vectors").get(0)).put("file", "../secret.json");
        write(set.resolve("index.json"), index);
        badInput(set, "\"file\" must be the name of a .json file in the vector directory");
        assertFalse(output.err().contains("TOPSECRET"), output.err());
        ((ObjectNode) index.get("vectors").get(0)).put("file", "/etc/passwd");
        write(set.resolve("index.json"), index);
        badInput(set, "\"file\" must be the name of a .json file in the vector directory");
    }

    @Test
    void aSymbolicLinkOutOfTheDirectoryIsRefused() throws IOException {
        Path set = copy();
        ObjectNode index = read(set.resolve("index.json"));
        String file = index.get("vectors").get(0).get("file").asText();
        Path outside = dir.resolve("outside.json");
        Files.move(set.resolve(file), outside);
        Files.createSymbolicLink(set.resolve(file), outside);
        badInput(set, file + " is not a file of the vector directory");
    }

    @Test
    void everyVectorSkippedIsNotAPass() throws IOException {
        badInput(clean, "vectors were skipped", "--only", "hold-*", "--implementation",
                BrokenAllocators.class.getName() + "$HandsOutTwice");
    }

    @Test
    void anOnlyThatMatchesNothing() {
        badInput(clean, "--only nothing-* matches none of the", "--only", "nothing-*");
    }

    @Test
    void aStepWithoutFlags() throws IOException {
        Path set = copy();
        Path f = vectorWith(set, "GetBuffer");
        doctor(f, "\"flags\":-?\\d+,?", "");
        badInput(set, f.getFileName() + ": step ");
        assertTrue(output.err().contains("flags is missing"), output.err());
    }

    @Test
    void flagsAsAString() throws IOException {
        Path set = copy();
        Path f = vectorWith(set, "GetBuffer");
        doctor(f, "\"flags\":-?\\d+", "\"flags\":\"4\"");
        badInput(set, "flags must be an integer");
    }

    @Test
    void anUnknownOp() throws IOException {
        Path set = copy();
        Path f = vectorWith(set, "Commit");
        doctor(f, "\"op\":\"Commit\"", "\"op\":\"Comit\"");
        badInput(set, "unknown op \"Comit\"");
    }

    @Test
    void anUnknownSampleName() throws IOException {
        Path set = copy();
        Path f = vectorWith(set, "Release");
        doctor(f, "\"op\":\"Release\",\"args\":\\{\"sample\":\"s1\"\\}",
                "\"op\":\"Release\",\"args\":{\"sample\":\"s9\"}");
        badInput(set, "unknown sample name \"s9\"");
    }

    @Test
    void aFailureNamesTheShortestFailingVectorFirstWithItsSpecStateAndActions() throws IOException {
        assertEquals(1, Main.execute("run-vectors", clean.toString(), "--implementation",
                BrokenAllocators.class.getName() + "$GetAfterDecommit"), output.err());
        String out = output.out();
        assertTrue(out.contains("spec state before the step: "), out);
        assertTrue(out.contains(", spec [\""), out);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("FAILED ([\\w-]+): step \\d+ of (\\d+)").matcher(out);
        int last = 0;
        int shown = 0;
        while (m.find()) {
            int steps = Integer.parseInt(m.group(2));
            assertTrue(steps >= last, "not shortest first: " + out);
            last = steps;
            shown++;
        }
        assertTrue(shown > 1, out);
    }

    @Test
    void badOptions() {
        badInput(clean, "--patience-ms must be", "--patience-ms", "0");
        badInput(clean, "--repeat must be", "--repeat", "0");
        badInput(clean, "--settle-ms must be", "--settle-ms", "-1");
    }
}
