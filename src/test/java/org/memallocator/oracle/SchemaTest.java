package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.memallocator.HResult;
import org.memallocator.MonitorMemAllocator;

/**
 * {@code docs/history.schema.json} and {@code docs/vectors.schema.json} say what the code does: their
 * enumerations are the code's, recorded histories and generated vectors validate against them,
 * and broken documents do not.
 */
class SchemaTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));

    private static JsonNode read(String file) throws IOException {
        return VectorJson.MAPPER.readTree(REPO.resolve(file).toFile());
    }

    private static List<String> strings(JsonNode array) {
        List<String> s = new ArrayList<>();
        array.forEach(n -> s.add(n.asText()));
        return s;
    }

    @Test
    void theHistorySchemaNamesTheOpsAndOutcomesTheParserKnows() throws IOException {
        JsonNode schema = read("docs/history.schema.json");
        assertEquals(List.of(Op.values()).stream().map(Op::name).toList(), strings(schema.at("/properties/op/enum")));
        TreeSet<String> outcomes = new TreeSet<>();
        for (HResult hr : HResult.values()) {
            outcomes.add(hr.name());
        }
        outcomes.add(History.INTERRUPTED);
        outcomes.add(History.EXCEPTION);
        assertEquals(outcomes, new TreeSet<>(strings(schema.at("/properties/hr/enum"))));
        MiniSchema s = new MiniSchema(schema);
        for (JsonNode example : schema.get("examples")) {
            assertEquals(List.of(), s.validate(example), example.toString());
        }
    }

    @Test
    void recordedHistoriesValidateAndBrokenLinesDoNot() throws IOException {
        MiniSchema s = new MiniSchema(read("docs/history.schema.json"));
        String text = Workload.run(MonitorMemAllocator::new, new Workload.Settings(3, 600, 2)).history();
        for (String line : text.lines().toList()) {
            assertEquals(List.of(), s.validate(VectorJson.MAPPER.readTree(line)), line);
        }
        for (String bad : List.of(
                "{\"thread\":\"t1\",\"event\":\"return\",\"op\":\"Commit\"}",
                "{\"thread\":\"t1\",\"event\":\"return\",\"op\":\"GetBuffer\",\"hr\":\"S_OK\"}",
                "{\"thread\":\"t1\",\"event\":\"call\",\"op\":\"GetBuffer\"}",
                "{\"thread\":\"t1\",\"event\":\"call\",\"op\":\"Frobnicate\"}",
                "{\"thread\":\"\",\"event\":\"call\",\"op\":\"Commit\"}",
                "{\"thread\":\"t1\",\"event\":\"return\",\"op\":\"Commit\",\"hr\":\"E_BOGUS\"}")) {
            assertFalse(s.validate(VectorJson.MAPPER.readTree(bad)).isEmpty(), bad);
            assertTrue(malformed(bad), "the parser rejects it too: " + bad);
        }
    }

    /** Whether the parser rejects {@code line} (a return comes after a well-formed call of its op). */
    private static boolean malformed(String line) {
        String before = "";
        if (line.contains("\"return\"")) {
            String op = line.replaceAll(".*\"op\":\"([A-Za-z]+)\".*", "$1");
            before = "{\"thread\":\"t1\",\"event\":\"call\",\"op\":\"" + op + "\""
                    + (op.equals("GetBuffer") ? ",\"flags\":0" : "") + "}\n";
        }
        try {
            History.parse(before + line + "\n");
            return false;
        } catch (HistoryFormatException e) {
            return e.line() == (before.isEmpty() ? 1 : 2);
        }
    }

    @Test
    void generatedVectorsAndTheirIndexValidate() throws IOException {
        JsonNode schema = read("docs/vectors.schema.json");
        MiniSchema vectors = new MiniSchema(schema);
        VectorGenerator.VectorSet set = VectorsTest.generate();
        for (Map.Entry<String, ObjectNode> f : set.files().entrySet()) {
            assertEquals(List.of(), vectors.validate(f.getValue()), f.getKey());
        }
        ObjectNode indexSchema = ((ObjectNode) schema.deepCopy()).put("$ref", "#/$defs/index");
        assertEquals(List.of(), new MiniSchema(indexSchema).validate(set.index()));
        ObjectNode bad = set.files().values().iterator().next().deepCopy();
        ((ObjectNode) bad.get("steps").get(0)).put("op", "Teleport");
        assertFalse(vectors.validate(bad).isEmpty());
        ObjectNode badExpect = set.files().values().iterator().next().deepCopy();
        ((ObjectNode) badExpect.get("steps").get(0).get("expect")).put("colour", "blue");
        assertFalse(vectors.validate(badExpect).isEmpty());
    }
}
