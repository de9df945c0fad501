package uk.safeguarding.protocol.model;

import java.util.Arrays;
import java.util.Optional;

/** What a sharing rule needs from the child's consent state before it may share. */
public enum ConsentRequirement {
    /** Share only when consent is granted; no override can replace it. */
    REQUIRED("required"),
    /** Share whatever the consent state, recording the safeguarding lawful basis (DPA 2018 Sch 1 para 18). */
    NOT_REQUIRED_SAFEGUARDING("not-required-safeguarding"),
    /** Share with consent, or with a justified override (and a supervisor's approval when consent was refused). */
    OVERRIDE_WITH_JUSTIFICATION("override-with-justification"),
    /** No consent question arises (e.g. audit metadata for DPO oversight). */
    NOT_APPLICABLE("not-applicable");

    private final String code;

    ConsentRequirement(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<ConsentRequirement> fromCode(String code) {
        return Arrays.stream(values()).filter(v -> v.code.equals(code)).findFirst();
    }
}
