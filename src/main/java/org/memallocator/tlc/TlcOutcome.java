package org.memallocator.tlc;

/** What a TLC 2.18 run concluded, from its exit code. */
public enum TlcOutcome {
    /** 0: model checking completed, no error. */
    SUCCESS,
    /** 10: an ASSUME is false. */
    ASSUMPTION_VIOLATED,
    /** 11: a reachable state has no successor. */
    DEADLOCK,
    /** 12: an invariant or action property is violated. */
    SAFETY_VIOLATED,
    /**
     * 13: a temporal property is violated: a liveness property, or (TLC 2.18 reports these with
     * the same code) an action property such as {@code [][A]_v} listed under PROPERTIES.
     */
    LIVENESS_VIOLATED,
    /** 14: an Assert in the spec failed. */
    ASSERT_FAILED,
    /** 75-77: an expression could not be evaluated. */
    EVALUATION_ERROR,
    /** 150: the spec does not parse or has a semantic error. */
    PARSE_ERROR,
    /** 151: the configuration file does not parse. */
    CONFIG_ERROR,
    /** Anything else (1, 152, 153, 255, or a killed process). */
    OTHER_ERROR;

    /** The outcome TLC 2.18 reports with this exit code. */
    public static TlcOutcome ofExitCode(int exitCode) {
        return switch (exitCode) {
            case 0 -> SUCCESS;
            case 10 -> ASSUMPTION_VIOLATED;
            case 11 -> DEADLOCK;
            case 12 -> SAFETY_VIOLATED;
            case 13 -> LIVENESS_VIOLATED;
            case 14 -> ASSERT_FAILED;
            case 75, 76, 77 -> EVALUATION_ERROR;
            case 150 -> PARSE_ERROR;
            case 151 -> CONFIG_ERROR;
            default -> OTHER_ERROR;
        };
    }
}
