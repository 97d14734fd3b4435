package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memallocator.MemAllocator;
import org.memallocator.MonitorMemAllocator;
import org.memallocator.graph.StateGraph;
import org.memallocator.model.MemAllocatorModel;

/**
 * The conformance vectors of a small model (one thread, one buffer, reference counts up to 1; its
 * graph from the executable model, which is TLC's: the TLC-generated set is checked in model-tests):
 * deterministic, all passed by MonitorMemAllocator, failed by each broken allocator; and the
 * runner's renaming of samples and waiters on hand-written vectors.
 */
class VectorsTest {

    static final MemAllocatorModel SMALL = new MemAllocatorModel(List.of("t1"), 1, 1);

    @TempDir
    static Path dir;

    static VectorGenerator.VectorSet generate() {
        return VectorGenerator.graphVectors(StateGraph.explore(SMALL).withoutDuplicates(), SMALL, "MemAllocator.tla",
                "Small.cfg");
    }

    @BeforeAll
    static void writeOnce() throws IOException {
        generate().write(dir.resolve("a"));
    }

    @Test
    void theSameGraphGivesByteIdenticalFiles() throws IOException {
        generate().write(dir.resolve("b"));
        List<Path> a = files(dir.resolve("a"));
        List<Path> b = files(dir.resolve("b"));
        assertEquals(a.stream().map(Path::getFileName).toList(), b.stream().map(Path::getFileName).toList());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(Files.readAllBytes(a.get(i)), Files.readAllBytes(b.get(i)), a.get(i).toString());
        }
    }

    private static List<Path> files(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    @Test
    void theIndexListsEveryVectorAndTheCoverage() throws IOException {
        JsonNode index = VectorJson.MAPPER.readTree(dir.resolve("a/index.json").toFile());
        assertEquals(VectorGenerator.FORMAT, index.get("format").asText());
        assertEquals(files(dir.resolve("a")).size() - 1, index.get("vectors").size());
        JsonNode graph = index.get("graph");
        JsonNode coverage = index.get("coverage");
        assertEquals(graph.get("states").asInt(), coverage.get("statesCovered").asInt(), coverage.toString());
        assertEquals(graph.get("transitions").asInt(), coverage.get("transitionsCovered").asInt(), coverage.toString());
        assertEquals(0, coverage.get("transitionsNotCovered").size(), coverage.toString());
        assertTrue(index.get("vectors").size() > 13, "graph vectors besides the 13 surface ones");
        assertTrue(index.get("vectors").findValuesAsText("file").stream().anyMatch(f -> f.startsWith("hold-")),
                "hold vectors for the steps out of transient states");
    }

    @Test
    void monitorMemAllocatorPassesThemAll() throws IOException {
        VectorRunner.Summary s = new VectorRunner(MonitorMemAllocator::new).runAll(dir.resolve("a"));
        assertTrue(s.allPassed(), s + "\n" + s.failures());
        assertEquals(0, s.skipped(), "JDK " + Runtime.version().feature() + " cannot hold threads (JDK 17-19 can)");
    }

    private static void fails(Supplier<MemAllocator> broken, String message) throws IOException {
        VectorRunner.Summary s = new VectorRunner(broken).runAll(dir.resolve("a"));
        assertFalse(s.allPassed(), s.toString());
        assertTrue(s.failures().stream().anyMatch(f -> f.message().contains(message)),
                "'" + message + "' in none of " + s.failures());
    }

    @Test
    void brokenAllocatorsFail() throws IOException {
        fails(BrokenAllocators.HandsOutTwice::new, "expected {\"hr\":\"VFW_E_TIMEOUT\"}, got S_OK with sample s1");
        fails(BrokenAllocators.GetAfterDecommit::new, "expected {\"hr\":\"VFW_E_NOT_COMMITTED\"}, got S_OK");
        fails(BrokenAllocators.NeverWaits::new, "returned VFW_E_TIMEOUT instead of blocking");
        fails(BrokenAllocators.Unrounded::new, "expected properties");
    }

    // ------------------------------------------------------------ hand-written vectors

    private static JsonNode vector(String... steps) throws IOException {
        return VectorJson.MAPPER.readTree("{\"format\":\"" + VectorGenerator.FORMAT + "\",\"name\":\"hand\","
                + "\"threads\":[\"t1\",\"t2\",\"t3\"],\"requires\":[],\"steps\":[" + String.join(",", steps) + "]}");
    }

    private static final String SETUP_ONE = "{\"step\":1,\"thread\":\"t3\",\"op\":\"SetProperties\",\"args\":{\"request\":"
            + "{\"cBuffers\":1,\"cbBuffer\":8,\"cbAlign\":8,\"cbPrefix\":0}},\"expect\":{\"hr\":\"S_OK\",\"props\":"
            + "{\"cBuffers\":1,\"cbBuffer\":8,\"cbAlign\":8,\"cbPrefix\":0}}},"
            + "{\"step\":2,\"thread\":\"t3\",\"op\":\"Commit\",\"args\":{},\"expect\":{\"hr\":\"S_OK\",\"allocates\":true}},"
            + "{\"step\":3,\"thread\":\"t3\",\"op\":\"GetBuffer\",\"args\":{\"flags\":0},\"expect\":{\"hr\":\"S_OK\","
            + "\"sample\":\"s1\",\"free\":[\"s1\"]}}";

    private static final String T2_BLOCKS_THEN_T1 =
            "{\"step\":4,\"thread\":\"t2\",\"op\":\"GetBuffer\",\"args\":{\"flags\":0},\"expect\":{\"blocks\":true,\"until\":6}},"
            + "{\"step\":5,\"thread\":\"t1\",\"op\":\"GetBuffer\",\"args\":{\"flags\":0},\"expect\":{\"blocks\":true,\"until\":7}}";

    @Test
    void theRunnerRenamesWaitersWhenTheSpecAllowsEither() throws IOException {
        // t2 waits first; MonitorMemAllocator wakes the longest waiter, the vector names t1 "or t2"
        JsonNode v = vector(SETUP_ONE, T2_BLOCKS_THEN_T1,
                "{\"step\":6,\"thread\":\"main\",\"op\":\"Release\",\"args\":{\"sample\":\"s1\"},\"expect\":{\"hr\":\"S_OK\","
                        + "\"refs\":0},\"wakes\":[{\"thread\":\"t1\",\"hr\":\"S_OK\",\"sample\":\"s1\",\"free\":[\"s1\"],\"or\":[\"t2\"]}]}",
                "{\"step\":7,\"thread\":\"main\",\"op\":\"Decommit\",\"args\":{},\"expect\":{\"hr\":\"S_OK\"},"
                        + "\"wakes\":[{\"thread\":\"t2\",\"hr\":\"VFW_E_NOT_COMMITTED\"}]}");
        VectorRunner.Result r = new VectorRunner(MonitorMemAllocator::new).run(v);
        assertEquals(VectorRunner.Status.PASSED, r.status(), r.message());
        // without "or", the other waiter returning is a failure
        JsonNode strict = vector(SETUP_ONE, T2_BLOCKS_THEN_T1,
                "{\"step\":6,\"thread\":\"main\",\"op\":\"Release\",\"args\":{\"sample\":\"s1\"},\"expect\":{\"hr\":\"S_OK\","
                        + "\"refs\":0},\"wakes\":[{\"thread\":\"t1\",\"hr\":\"S_OK\",\"sample\":\"s1\",\"free\":[\"s1\"]}]}");
        VectorRunner.Result failed = new VectorRunner(MonitorMemAllocator::new).run(strict);
        assertEquals(VectorRunner.Status.FAILED, failed.status());
        assertTrue(failed.message().contains("the call of t2 (step 4) returned S_OK with sample s1, but this step wakes only [t1]"),
                failed.message());
    }

    /**
     * Without a hold, a wake whose call does not return is reported as what was seen: the call,
     * the patience, and the step the spec says wakes it (a timeout alone does not show a lost
     * wake-up). Here the vector is doctored: a Commit of a committed allocator wakes nobody.
     */
    @Test
    void aWakeThatDoesNotComeFailsWithWhatWasSeen() throws IOException {
        String commit = "{\"step\":6,\"thread\":\"t3\",\"op\":\"Commit\",\"args\":{},\"expect\":{\"hr\":\"S_OK\"},"
                + "\"wakes\":[%s]}";
        VectorRunner runner = new VectorRunner(MonitorMemAllocator::new).patience(Duration.ofMillis(500));
        VectorRunner.Result one = runner.run(vector(SETUP_ONE, T2_BLOCKS_THEN_T1,
                String.format(commit, "{\"thread\":\"t2\",\"hr\":\"VFW_E_NOT_COMMITTED\"}")));
        assertEquals(VectorRunner.Status.FAILED, one.status(), one.message());
        assertTrue(one.message().contains("the blocked call of t2 (step 4) did not return within 500 ms;"
                + " the spec says step 6 wakes it"), one.message());
        VectorRunner.Result either = runner.run(vector(SETUP_ONE, T2_BLOCKS_THEN_T1,
                String.format(commit, "{\"thread\":\"t1\",\"hr\":\"VFW_E_NOT_COMMITTED\",\"or\":[\"t2\"]}")));
        assertEquals(VectorRunner.Status.FAILED, either.status(), either.message());
        assertTrue(either.message().contains("1 of the blocked calls of t1 (step 5), t2 (step 4) did not return"
                + " within 500 ms; the spec says step 6 wakes one of them"), either.message());
        assertFalse(one.message().contains("lost") || either.message().contains("lost"),
                one.message() + "\n" + either.message());
    }

    @Test
    void theRunnerRenamesSamplesWhenTheSpecAllowsEither() throws IOException {
        String two = "{\"step\":1,\"thread\":\"t1\",\"op\":\"SetProperties\",\"args\":{\"request\":{\"cBuffers\":2,"
                + "\"cbBuffer\":8,\"cbAlign\":8,\"cbPrefix\":0}},\"expect\":{\"hr\":\"S_OK\"}},"
                + "{\"step\":2,\"thread\":\"t1\",\"op\":\"Commit\",\"args\":{},\"expect\":{\"hr\":\"S_OK\",\"allocates\":true}}";
        // the vector wants s2 then s1, any order is fine; then s2 is released and must come back as s2
        JsonNode v = vector(two,
                "{\"step\":3,\"thread\":\"t1\",\"op\":\"GetBuffer\",\"args\":{\"flags\":0},\"expect\":{\"hr\":\"S_OK\","
                        + "\"sample\":\"s2\",\"free\":[\"s1\",\"s2\"]}}",
                "{\"step\":4,\"thread\":\"t1\",\"op\":\"GetBuffer\",\"args\":{\"flags\":0},\"expect\":{\"hr\":\"S_OK\","
                        + "\"sample\":\"s1\",\"free\":[\"s1\"]}}",
                "{\"step\":5,\"thread\":\"main\",\"op\":\"Release\",\"args\":{\"sample\":\"s2\"},\"expect\":{\"hr\":\"S_OK\",\"refs\":0}}",
                "{\"step\":6,\"thread\":\"t1\",\"op\":\"GetBuffer\",\"args\":{\"flags\":4},\"expect\":{\"hr\":\"S_OK\","
                        + "\"sample\":\"s2\",\"free\":[\"s2\"]}}");
        VectorRunner.Result r = new VectorRunner(MonitorMemAllocator::new).run(v);
        assertEquals(VectorRunner.Status.PASSED, r.status(), r.message());
        // a held sample handed out again is caught by the names
        JsonNode twice = vector(two,
                "{\"step\":3,\"thread\":\"t1\",\"op\":\"GetBuffer\",\"args\":{\"flags\":0},\"expect\":{\"hr\":\"S_OK\","
                        + "\"sample\":\"s1\",\"free\":[\"s1\",\"s2\"]}}",
                "{\"step\":4,\"thread\":\"t1\",\"op\":\"GetBuffer\",\"args\":{\"flags\":4},\"expect\":{\"hr\":\"S_OK\","
                        + "\"sample\":\"s2\",\"free\":[\"s2\"]}}",
                "{\"step\":5,\"thread\":\"t1\",\"op\":\"GetBuffer\",\"args\":{\"flags\":4},\"expect\":{\"hr\":\"VFW_E_TIMEOUT\"}}");
        VectorRunner.Result broken = new VectorRunner(BrokenAllocators.HandsOutTwice::new).run(twice);
        assertEquals(VectorRunner.Status.FAILED, broken.status());
        assertTrue(broken.message().startsWith("step 5"), broken.message());
    }

    // ------------------------------------------------------------ held calls

    private static JsonNode holdVector(String... steps) throws IOException {
        return VectorJson.MAPPER.readTree("{\"format\":\"" + VectorGenerator.FORMAT + "\",\"name\":\"held\","
                + "\"threads\":[\"t1\",\"t2\",\"t3\"],\"requires\":[\"hold\",\"interrupt\"],\"steps\":["
                + String.join(",", steps) + "]}");
    }

    private static final String T1_BLOCKS_UNTIL_8 = "{\"step\":4,\"thread\":\"t1\",\"op\":\"GetBuffer\",\"args\":"
            + "{\"flags\":0},\"expect\":{\"blocks\":true,\"until\":8}}";
    private static final String RELEASE_S1 = "{\"step\":%d,\"thread\":\"main\",\"op\":\"Release\",\"args\":"
            + "{\"sample\":\"s1\"},\"expect\":{\"hr\":\"S_OK\",\"refs\":0}}";
    private static final String T2_BARGES_IN = "{\"step\":6,\"thread\":\"t2\",\"op\":\"GetBuffer\",\"args\":"
            + "{\"flags\":0},\"expect\":{\"hr\":\"S_OK\",\"sample\":\"s1\",\"free\":[\"s1\"]}}";

    private static String let(int step, String thread, String wake) {
        return "{\"step\":" + step + ",\"thread\":\"main\",\"op\":\"Let\",\"args\":{\"thread\":\"" + thread
                + "\"},\"expect\":{\"hr\":\"S_OK\"},\"wakes\":[" + wake + "]}";
    }

    @Test
    void aHeldWaiterLetGoAfterAnotherThreadBargedInTakesTheNextReleasedSample() throws IOException {
        // t1 is woken by the release but held; t2 takes the sample first; t1 gets it at the second release
        JsonNode v = holdVector(SETUP_ONE, T1_BLOCKS_UNTIL_8, String.format(RELEASE_S1, 5), T2_BARGES_IN,
                String.format(RELEASE_S1, 7),
                let(8, "t1", "{\"thread\":\"t1\",\"hr\":\"S_OK\",\"sample\":\"s1\",\"free\":[\"s1\"]}"));
        VectorRunner.Result r = new VectorRunner(MonitorMemAllocator::new).run(v);
        assertEquals(VectorRunner.Status.PASSED, r.status(), r.message());
        // let go while nothing is free, it waits again: a Let that expects it to return fails
        JsonNode early = holdVector(SETUP_ONE, T1_BLOCKS_UNTIL_8.replace("\"until\":8", "\"until\":7"),
                String.format(RELEASE_S1, 5), T2_BARGES_IN,
                let(7, "t1", "{\"thread\":\"t1\",\"hr\":\"S_OK\",\"sample\":\"s1\",\"free\":[\"s1\"]}"));
        VectorRunner.Result failed = new VectorRunner(MonitorMemAllocator::new).run(early);
        assertEquals(VectorRunner.Status.FAILED, failed.status(), failed.message());
        assertTrue(failed.message().contains("let go, the held call of t1 waited again"), failed.message());
    }

    @Test
    void aWaiterInterruptedEarlyReturnsInterruptedThoughASampleCameBackBeforeItRan() throws IOException {
        String interrupted = "{\"thread\":\"t1\",\"hr\":\"INTERRUPTED\"}";
        JsonNode v = holdVector(SETUP_ONE, T1_BLOCKS_UNTIL_8,
                "{\"step\":5,\"thread\":\"main\",\"op\":\"InterruptHeld\",\"args\":{\"thread\":\"t1\"},"
                        + "\"expect\":{\"hr\":\"S_OK\"}}",
                String.format(RELEASE_S1, 6),
                "{\"step\":7,\"thread\":\"t2\",\"op\":\"GetProperties\",\"args\":{},\"expect\":{\"hr\":\"S_OK\"}}",
                let(8, "t1", interrupted));
        VectorRunner.Result r = new VectorRunner(MonitorMemAllocator::new).run(v);
        assertEquals(VectorRunner.Status.PASSED, r.status(), r.message());
        // a plain interrupt after the release comes too late: the wake-up wins and t1 takes the sample
        JsonNode late = holdVector(SETUP_ONE, T1_BLOCKS_UNTIL_8.replace("\"until\":8", "\"until\":6"),
                String.format(RELEASE_S1, 5),
                "{\"step\":6,\"thread\":\"main\",\"op\":\"Interrupt\",\"args\":{\"thread\":\"t1\"},"
                        + "\"expect\":{\"hr\":\"S_OK\"},\"wakes\":[" + interrupted + "]}");
        VectorRunner.Result failed = new VectorRunner(MonitorMemAllocator::new).run(late);
        assertEquals(VectorRunner.Status.FAILED, failed.status(), failed.message());
        assertTrue(failed.message().contains("got S_OK"), failed.message());
    }

    @Test
    void vectorsNeedingAFeatureTheRunnerLacksAreSkipped() throws IOException {
        JsonNode v = VectorJson.MAPPER.readTree("{\"name\":\"x\",\"threads\":[],\"requires\":[\"teleport\"],\"steps\":[]}");
        assertEquals(VectorRunner.Status.SKIPPED, new VectorRunner(MonitorMemAllocator::new).run(v).status());
    }
}
