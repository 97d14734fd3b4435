package org.memallocator.modeltests.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.memallocator.HResult;

/**
 * The HRESULT constants of {@code docs/ports/cpp/memallocator.hpp} are exactly those of
 * {@link HResult}, with the same values, and the port's {@code hresultName} names each of them.
 * Needs no compiler.
 */
class CppHResultTest {

    private static final Path PORT = Path.of(System.getProperty("memallocator.repo", ".")).resolve("docs/ports/cpp");
    private static final Pattern CONSTANT =
            Pattern.compile("constexpr HRESULT (\\w+) = static_cast<HRESULT>\\(0x([0-9A-Fa-f]{8})u\\);");

    /** The constants of a header: name to 32-bit value. */
    static Map<String, Integer> constants(String header) {
        Map<String, Integer> all = new LinkedHashMap<>();
        Matcher m = CONSTANT.matcher(header);
        while (m.find()) {
            all.put(m.group(1), Integer.parseUnsignedInt(m.group(2), 16));
        }
        return all;
    }

    /** What differs between a header's constants and {@link HResult}; empty when they agree. */
    static List<String> differences(String header) {
        Map<String, Integer> cpp = constants(header);
        List<String> diff = new ArrayList<>();
        for (HResult hr : HResult.values()) {
            Integer v = cpp.remove(hr.name());
            if (v == null) {
                diff.add(hr.describe() + " is missing");
            } else if (v != hr.value()) {
                diff.add(String.format("%s is 0x%08X in C++", hr.describe(), v));
            }
        }
        cpp.keySet().forEach(n -> diff.add(n + " is not in HResult.java"));
        return diff;
    }

    @Test
    void theHeaderHasExactlyTheValuesOfHResultJava() throws IOException {
        String header = Files.readString(PORT.resolve("memallocator.hpp"));
        assertEquals(List.of(), differences(header));
    }

    @Test
    void aChangedMissingOrExtraConstantIsReported() throws IOException {
        String header = Files.readString(PORT.resolve("memallocator.hpp"));
        assertEquals(1, differences(header.replace("0x8004022Eu", "0x8004022Fu")).size());
        assertEquals(1, differences(header.replaceFirst("constexpr HRESULT E_FAIL[^\\n]*\\n", "")).size());
        assertEquals(1, differences(header + "\nconstexpr HRESULT E_NEW = static_cast<HRESULT>(0x80000001u);").size());
    }

    @Test
    void hresultNameNamesEveryConstant() throws IOException {
        String cpp = Files.readString(PORT.resolve("memallocator.cpp"));
        for (HResult hr : HResult.values()) {
            assertTrue(cpp.contains("MEMALLOCATOR_NAME(" + hr.name() + ")"), hr.name());
        }
    }
}
