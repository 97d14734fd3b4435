package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memallocator.HResult.VFW_E_SIZENOTSET;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The layout rules shared by the implementation, the executable model and the oracle:
 * {@code hasValidAlignment}, {@code rounded} and {@code commitError} (reference §5.2).
 */
class AllocatorPropertiesTest {

    /** rounded cbBuffer = roundup(cbBuffer + cbPrefix, cbAlign) - cbPrefix, the true ceiling. */
    @ParameterizedTest
    @CsvSource({"1, 16, 1, 15", "100, 16, 0, 112", "48, 16, 16, 48", "0, 16, 16, 0", "7, 1, 3, 7",
                "-3, 4, 1, -1", "10, 4, -15, 11", "2147483647, 16, 0, 2147483647",
                "2147483600, 16, 64, 2147483600"})
    void roundsBufferPlusPrefixUpToAlignment(int cbBuffer, int cbAlign, int cbPrefix, int expected) {
        AllocatorProperties request = new AllocatorProperties(3, cbBuffer, cbAlign, cbPrefix);
        assertEquals(new AllocatorProperties(3, expected, cbAlign, cbPrefix), request.rounded());
    }

    @Test
    void alignmentMustBePowerOfTwoUpTo64K() {
        for (int shift = 0; shift <= 16; shift++) {
            assertTrue(new AllocatorProperties(1, 1, 1 << shift, 0).hasValidAlignment());
        }
        for (int bad : new int[] {0, -1, 3, 10, 1 << 17, Integer.MIN_VALUE}) {
            assertFalse(new AllocatorProperties(1, 1, bad, 0).hasValidAlignment(), "align " + bad);
        }
    }

    /** SIZENOTSET (count, size or alignment not positive) is checked before E_OUTOFMEMORY. */
    @ParameterizedTest
    @CsvSource({"0, 0, 0, 0, VFW_E_SIZENOTSET", "0, 64, 1, -1, VFW_E_SIZENOTSET",
                "1, 0, 16, 16, VFW_E_SIZENOTSET", "-5, 64, 1, 0, VFW_E_SIZENOTSET",
                "1, 64, 0, 0, VFW_E_SIZENOTSET", "1, 64, 1, -1, E_OUTOFMEMORY",
                "2, 1073741824, 1, 0, E_OUTOFMEMORY", "1, 2147483647, 1, 0, S_OK",
                "1, 2147483647, 2, 0, E_OUTOFMEMORY", "1, 2147483632, 16, 0, S_OK",
                "1, 2147483632, 32, 0, E_OUTOFMEMORY",
                "4, 4096, 16, 0, S_OK", "3, 15, 16, 1, S_OK"})
    void commitErrorClassifiesLayout(int count, int size, int align, int prefix, HResult expected) {
        assertEquals(expected, new AllocatorProperties(count, size, align, prefix).commitError());
    }

    @Test
    void strideIsRoundedSizePlusPrefix() {
        assertEquals(16, new AllocatorProperties(1, 1, 16, 1).rounded().stride());
    }

    @Test
    void neverSetIsSizeNotSet() {
        assertEquals(VFW_E_SIZENOTSET, AllocatorProperties.NONE.commitError());
    }
}
