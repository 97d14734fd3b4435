package org.memallocator.oracle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import org.memallocator.AllocatorProperties;

/**
 * JSON helpers of the conformance vectors: building nodes tersely, and writing them the same way
 * every time (fields in insertion order, two-space indent, one step per line, {@code \n} line ends),
 * so that the same spec gives byte-identical files.
 */
final class VectorJson {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private VectorJson() {
    }

    /** An object from alternating names and values; null values are left out. */
    static ObjectNode obj(Object... namesAndValues) {
        ObjectNode o = NODES.objectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            put(o, (String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return o;
    }

    /** Sets {@code name} to {@code value} (String, Number, Boolean, JsonNode, AllocatorProperties, Iterable); null: left out. */
    static ObjectNode put(ObjectNode o, String name, Object value) {
        if (value != null) {
            o.set(name, node(value));
        }
        return o;
    }

    /** Sets {@code name} to JSON null. */
    static ObjectNode putNull(ObjectNode o, String name) {
        o.putNull(name);
        return o;
    }

    static JsonNode node(Object value) {
        if (value instanceof JsonNode n) {
            return n;
        } else if (value instanceof String s) {
            return NODES.textNode(s);
        } else if (value instanceof Integer i) {
            return NODES.numberNode(i);
        } else if (value instanceof Long l) {
            return NODES.numberNode(l);
        } else if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (value instanceof AllocatorProperties p) {
            return props(p);
        } else if (value instanceof Iterable<?> items) {
            ArrayNode a = NODES.arrayNode();
            for (Object item : items) {
                a.add(node(item));
            }
            return a;
        }
        throw new IllegalArgumentException("no JSON for " + value.getClass());
    }

    static ObjectNode props(AllocatorProperties p) {
        return obj("cBuffers", p.cBuffers(), "cbBuffer", p.cbBuffer(), "cbAlign", p.cbAlign(), "cbPrefix", p.cbPrefix());
    }

    static AllocatorProperties props(JsonNode n) {
        return new AllocatorProperties(n.get("cBuffers").intValue(), n.get("cbBuffer").intValue(),
                n.get("cbAlign").intValue(), n.get("cbPrefix").intValue());
    }

    static String compact(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The text of a vector or index file: the top-level fields one per line, arrays of objects
     * (the steps, the vector list) one element per line, everything else compact.
     */
    static String write(ObjectNode top) {
        StringBuilder s = new StringBuilder("{\n");
        Iterator<Map.Entry<String, JsonNode>> fields = top.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            s.append("  ").append(compact(NODES.textNode(f.getKey()))).append(": ");
            JsonNode v = f.getValue();
            if (v.isArray() && v.size() > 0 && v.get(0).isObject()) {
                s.append("[\n");
                for (int i = 0; i < v.size(); i++) {
                    s.append("    ").append(compact(v.get(i))).append(i + 1 < v.size() ? ",\n" : "\n");
                }
                s.append("  ]");
            } else {
                s.append(compact(v));
            }
            s.append(fields.hasNext() ? ",\n" : "\n");
        }
        return s.append("}\n").toString();
    }
}
