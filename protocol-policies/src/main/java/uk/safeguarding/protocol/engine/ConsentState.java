package uk.safeguarding.protocol.engine;

/** The child's (or parent's) recorded consent to sharing. Unknown is treated as never sought. */
public enum ConsentState {
    GRANTED,
    REFUSED,
    WITHDRAWN,
    NOT_SOUGHT;

    public String code() {
        return name().toLowerCase().replace('_', '-');
    }

    /** Parses {@code granted}, {@code refused}, {@code withdrawn}, {@code not-sought}; anything else is not sought. */
    public static ConsentState fromCode(String code) {
        if (code == null) {
            return NOT_SOUGHT;
        }
        for (ConsentState s : values()) {
            if (s.code().equals(code.trim().toLowerCase())) {
                return s;
            }
        }
        return NOT_SOUGHT;
    }

    /** A refusal or withdrawal is an explicit "no": overriding it needs a supervisor's approval. */
    public boolean isExplicitNo() {
        return this == REFUSED || this == WITHDRAWN;
    }
}
