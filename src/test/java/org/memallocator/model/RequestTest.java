package org.memallocator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memallocator.AllocatorProperties;

class RequestTest {

    @ParameterizedTest(name = "[{0}, {1}, {2}, {3}] -> {4}, {5}, {6}")
    @CsvSource({
        // cBuffers, cbBuffer, cbAlign, cbPrefix -> count, layout, alignOk
        "2, 100, 8, 0, 2, VALID, true",
        "1, 1, 65536, 0, 1, VALID, true",
        "0, 100, 1, 0, 0, VALID, true",             // count 0: the layout still describes the size
        "-5, 100, 1, 0, 0, VALID, true",            // a negative count stands for 0
        "3, 0, 4, 0, 3, SIZE_NOT_SET, true",
        "3, -8, 4, 0, 3, SIZE_NOT_SET, true",
        "3, 4, 16, -4, 3, OUT_OF_MEMORY, true",     // a negative prefix
        "2, 1073741824, 1, 0, 2, OUT_OF_MEMORY, true", // 2 * 2^30 bytes overflow
        "1, 1073741824, 1, 0, 1, VALID, true",      // one such buffer fits
        "0, 1073741824, 1, 0, 0, VALID, true",
        "2, 100, 3, 0, 2, VALID, false",            // not a power of two
        "2, 100, 0, 0, 2, SIZE_NOT_SET, false",     // 0: commitError says SIZENOTSET, unread by the spec
        "2, 100, 131072, 0, 2, VALID, false",       // beyond 64 KiB
        "2, 100, -8, 0, 2, SIZE_NOT_SET, false",
    })
    void concreteRequestsAreAbstracted(int cBuffers, int cbBuffer, int cbAlign, int cbPrefix,
                                       int count, Layout layout, boolean alignOk) {
        assertEquals(new Request(count, layout, alignOk),
                Request.of(new AllocatorProperties(cBuffers, cbBuffer, cbAlign, cbPrefix)));
    }

    @Test
    void everyExampleAbstractsToItsRequest() {
        for (int count = 0; count <= 4; count++) {
            for (Layout layout : Layout.values()) {
                for (boolean alignOk : new boolean[] {false, true}) {
                    Request r = new Request(count, layout, alignOk);
                    assertEquals(r, Request.of(r.example()), r.example().toString());
                }
            }
        }
    }

    @Test
    void roundedPropertiesAbstractLikeTheRequest() {
        // what SetProperties stores is the rounded request: it must abstract the same
        for (int count = 0; count <= 2; count++) {
            for (Layout layout : Layout.values()) {
                Request r = new Request(count, layout, true);
                assertEquals(r, Request.of(r.example().rounded()));
            }
        }
        assertEquals(new Request(0, Layout.SIZE_NOT_SET, false), Request.of(AllocatorProperties.NONE));
    }

    @Test
    void printsLikeTheSpecsArguments() {
        assertEquals("2, \"outOfMemory\", TRUE", new Request(2, Layout.OUT_OF_MEMORY, true).toString());
    }
}
