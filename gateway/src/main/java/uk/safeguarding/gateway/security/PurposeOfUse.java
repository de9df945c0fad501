package uk.safeguarding.gateway.security;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The local purpose-of-use code system (HL7 has no "safeguarding" purpose); see shared DUTIES.md.
 * Carried on every request in the {@value #HEADER} header.
 */
public enum PurposeOfUse {
    SAFEGUARDING, CARE_PLANNING, INVESTIGATION, MISSING_RESPONSE, DPO_REVIEW, SAR;

    public static final String HEADER = "Purpose-Of-Use";

    /** The code as written on the wire and in protocols, e.g. {@code CARE-PLANNING}. */
    public String code() {
        return name().replace('_', '-');
    }

    public static Optional<PurposeOfUse> fromCode(String code) {
        return Arrays.stream(values()).filter(p -> p.code().equals(code)).findFirst();
    }

    public static String allowedCodes() {
        return Arrays.stream(values()).map(PurposeOfUse::code).collect(Collectors.joining(", "));
    }
}
