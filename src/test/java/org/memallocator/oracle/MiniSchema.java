package org.memallocator.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Just enough of JSON Schema (2020-12) to validate documents against {@code docs/*.schema.json}:
 * {@code $ref} to {@code #/$defs/...}, {@code type}, {@code enum}, {@code const}, {@code required},
 * {@code properties}, {@code additionalProperties}, {@code items}, {@code minimum}, {@code maximum},
 * {@code minLength}, {@code oneOf}, {@code allOf} and {@code if}/{@code then}. Other keywords are
 * rejected, so a schema cannot silently use one this does not check.
 */
final class MiniSchema {

    private static final List<String> KNOWN = List.of("$schema", "$id", "$ref", "$defs", "title", "description",
            "examples", "type", "enum", "const", "required", "properties", "additionalProperties", "items", "minimum",
            "maximum", "minLength", "oneOf", "allOf", "if", "then");

    private final JsonNode root;

    MiniSchema(JsonNode root) {
        this.root = root;
    }

    /** The problems of {@code doc}, empty if it is valid. */
    List<String> validate(JsonNode doc) {
        List<String> errors = new ArrayList<>();
        check(root, doc, "$", errors);
        return errors;
    }

    private void check(JsonNode schema, JsonNode doc, String at, List<String> errors) {
        for (Iterator<String> k = schema.fieldNames(); k.hasNext(); ) {
            String key = k.next();
            if (!KNOWN.contains(key)) {
                throw new IllegalArgumentException("schema keyword not supported here: " + key);
            }
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            check(root.at(ref.substring(1)), doc, at, errors);
        }
        if (schema.has("type") && !typeOk(schema.get("type"), doc)) {
            errors.add(at + ": not of type " + schema.get("type") + ": " + doc);
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) {
                found |= e.equals(doc);
            }
            if (!found) {
                errors.add(at + ": " + doc + " not in " + schema.get("enum"));
            }
        }
        if (schema.has("const") && !schema.get("const").equals(doc)) {
            errors.add(at + ": " + doc + " is not " + schema.get("const"));
        }
        if (schema.has("minimum") && doc.isNumber() && doc.decimalValue().compareTo(schema.get("minimum").decimalValue()) < 0) {
            errors.add(at + ": " + doc + " < " + schema.get("minimum"));
        }
        if (schema.has("maximum") && doc.isNumber() && doc.decimalValue().compareTo(schema.get("maximum").decimalValue()) > 0) {
            errors.add(at + ": " + doc + " > " + schema.get("maximum"));
        }
        if (schema.has("minLength") && doc.isTextual() && doc.asText().length() < schema.get("minLength").asInt()) {
            errors.add(at + ": too short");
        }
        if (doc.isObject()) {
            if (schema.has("required")) {
                for (JsonNode r : schema.get("required")) {
                    if (!doc.has(r.asText())) {
                        errors.add(at + ": missing " + r.asText());
                    }
                }
            }
            JsonNode props = schema.get("properties");
            for (Iterator<Map.Entry<String, JsonNode>> f = doc.fields(); f.hasNext(); ) {
                Map.Entry<String, JsonNode> e = f.next();
                if (props != null && props.has(e.getKey())) {
                    check(props.get(e.getKey()), e.getValue(), at + "." + e.getKey(), errors);
                } else if (schema.has("additionalProperties")) {
                    JsonNode extra = schema.get("additionalProperties");
                    if (extra.isBoolean() && !extra.asBoolean()) {
                        errors.add(at + ": unexpected field " + e.getKey());
                    } else if (extra.isObject()) {
                        check(extra, e.getValue(), at + "." + e.getKey(), errors);
                    }
                }
            }
        }
        if (doc.isArray() && schema.has("items")) {
            for (int i = 0; i < doc.size(); i++) {
                check(schema.get("items"), doc.get(i), at + "[" + i + "]", errors);
            }
        }
        if (schema.has("oneOf")) {
            int matching = 0;
            for (JsonNode option : schema.get("oneOf")) {
                matching += validateAgainst(option, doc) ? 1 : 0;
            }
            if (matching != 1) {
                errors.add(at + ": matches " + matching + " of oneOf: " + doc);
            }
        }
        if (schema.has("allOf")) {
            for (JsonNode part : schema.get("allOf")) {
                check(part, doc, at, errors);
            }
        }
        if (schema.has("if") && validateAgainst(schema.get("if"), doc) && schema.has("then")) {
            check(schema.get("then"), doc, at, errors);
        }
    }

    private boolean validateAgainst(JsonNode schema, JsonNode doc) {
        List<String> e = new ArrayList<>();
        check(schema, doc, "", e);
        return e.isEmpty();
    }

    private static boolean typeOk(JsonNode type, JsonNode doc) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeOk(t, doc)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "object" -> doc.isObject();
            case "array" -> doc.isArray();
            case "string" -> doc.isTextual();
            case "integer" -> doc.isIntegralNumber();
            case "number" -> doc.isNumber();
            case "boolean" -> doc.isBoolean();
            case "null" -> doc.isNull();
            default -> throw new IllegalArgumentException("type " + type);
        };
    }
}
