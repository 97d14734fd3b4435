package org.memallocator.tlc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TlcConfigTest {

    @Test
    void readsSpecificationInvariantsPropertiesAndConstantsIgnoringComments() {
        TlcConfig cfg = TlcConfig.parse("""
                \\* a comment
                CONSTANTS
                    Threads = {t1, t2}   \\* trailing
                    MaxBuffers = 2
                    Op <- Other
                (* a block
                   INVARIANT Hidden *)
                SPECIFICATION FairSpec
                INVARIANTS TypeOK
                    BuffersConserved
                PROPERTY Live
                """);
        assertEquals("FairSpec", cfg.specification());
        assertEquals(List.of("TypeOK", "BuffersConserved"), cfg.invariants());
        assertEquals(List.of("Live"), cfg.properties());
        assertEquals("{t1, t2}", cfg.constants().get("Threads"));
        assertEquals("2", cfg.constants().get("MaxBuffers"));
        assertEquals("Other", cfg.constants().get("Op"));
        assertFalse(cfg.symmetry());
    }

    @Test
    void notesSymmetry() {
        assertTrue(TlcConfig.parse("SYMMETRY ThreadSymmetry\n").symmetry());
    }
}
