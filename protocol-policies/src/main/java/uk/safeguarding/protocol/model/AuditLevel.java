package uk.safeguarding.protocol.model;

import java.util.Arrays;
import java.util.Optional;

/** How much the gateway must record about an exchange; ordered, so a decision takes the highest. */
public enum AuditLevel {
    /** Who, what categories, which clause and lawful basis. */
    STANDARD,
    /** As standard, plus the request's purpose text and relationships, for routine DPO sampling. */
    ENHANCED,
    /** Every release individually reviewable (Philomena profiles, exports, overrides). */
    FULL;

    public String code() {
        return name().toLowerCase();
    }

    public static Optional<AuditLevel> fromCode(String code) {
        return Arrays.stream(values()).filter(v -> v.code().equals(code)).findFirst();
    }
}
