package org.memallocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The HRESULT values of reference §3, and {@code SUCCEEDED}/{@code FAILED} as COM defines them. */
class HResultTest {

    @Test
    void valuesAreTheSdkHeaders() {
        assertEquals(0x00000000, HResult.S_OK.value());
        assertEquals(0x00000001, HResult.S_FALSE.value());
        assertEquals(0x00040270, HResult.VFW_S_NO_STOP_TIME.value());
        assertEquals(0x80004003, HResult.E_POINTER.value());
        assertEquals(0x80070057, HResult.E_INVALIDARG.value());
        assertEquals(0x8007000E, HResult.E_OUTOFMEMORY.value());
        assertEquals(0x8004020D, HResult.VFW_E_BUFFER_OVERFLOW.value());
        assertEquals(0x8004020F, HResult.VFW_E_ALREADY_COMMITTED.value());
        assertEquals(0x80040210, HResult.VFW_E_BUFFERS_OUTSTANDING.value());
        assertEquals(0x80040211, HResult.VFW_E_NOT_COMMITTED.value());
        assertEquals(0x80040212, HResult.VFW_E_SIZENOTSET.value());
        assertEquals(0x8004022E, HResult.VFW_E_TIMEOUT.value());
        assertEquals(0x80040249, HResult.VFW_E_SAMPLE_TIME_NOT_SET.value());
        assertEquals(0x80040251, HResult.VFW_E_MEDIA_TIME_NOT_SET.value());
    }

    @Test
    void succeededIsTheSeverityBitClear() {
        assertTrue(HResult.S_OK.succeeded());
        assertTrue(HResult.S_FALSE.succeeded());
        assertTrue(HResult.VFW_S_NO_STOP_TIME.succeeded());
        assertFalse(HResult.S_OK.failed());
        assertTrue(HResult.VFW_E_TIMEOUT.failed());
        assertFalse(HResult.VFW_E_TIMEOUT.succeeded());
    }

    @ParameterizedTest
    @EnumSource(HResult.class)
    void ofFindsEveryCodeByItsValue(HResult hr) {
        assertEquals(hr, HResult.of(hr.value()));
        assertEquals(hr.succeeded(), !hr.failed());
    }

    @Test
    void ofRefusesAnUnknownValueNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HResult.of(0x8007012A));
        assertEquals("unknown HRESULT 0x8007012A", e.getMessage());
    }

    @Test
    void describeGivesNameAndHexValue() {
        assertEquals("VFW_E_TIMEOUT (0x8004022E)", HResult.VFW_E_TIMEOUT.describe());
        assertEquals("S_OK (0x00000000)", HResult.S_OK.describe());
    }
}
