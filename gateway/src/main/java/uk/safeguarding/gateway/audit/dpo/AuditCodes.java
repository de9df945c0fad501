package uk.safeguarding.gateway.audit.dpo;

import java.util.Map;

/**
 * Code systems and identifier systems of the audit exports. HL7 has no "safeguarding" purpose of
 * use, so purposes, lawful bases, roles and agency kinds are the gateway's own (shared DUTIES.md).
 */
final class AuditCodes {

    static final String BASE = "https://fhir.safeguarding-gateway.example";
    static final String PURPOSE_OF_USE = BASE + "/CodeSystem/purpose-of-use";
    static final String LAWFUL_BASIS = BASE + "/CodeSystem/lawful-basis";
    static final String ROLE = BASE + "/CodeSystem/role";
    static final String AGENCY_TYPE = BASE + "/CodeSystem/agency-type";
    static final String AGENCY_ID = BASE + "/Id/agency";
    static final String SUBJECT_ID = BASE + "/Id/token-subject";
    static final String CLIENT_ID = BASE + "/Id/client";
    static final String CHILD_ID = BASE + "/Id/child";
    static final String RECORD_ID = BASE + "/Id/record";
    static final String GATEWAY_ID = BASE + "/Id/gateway";
    static final String GATEWAY = "safeguarding-gateway";

    static final Map<String, String> PURPOSES = Map.of(
            "SAFEGUARDING", "protect a child from harm",
            "CARE-PLANNING", "plan and review the care of a looked-after child",
            "INVESTIGATION", "police investigation of offences against the child",
            "MISSING-RESPONSE", "respond to a child missing from home or care",
            "DPO-REVIEW", "data-protection officer oversight of disclosures",
            "SAR", "answer a subject access request");

    static final Map<String, String> LAWFUL_BASES = Map.of(
            "ukgdpr-6-1-e", "UK GDPR Art 6(1)(e) public task",
            "ukgdpr-9-2-g+dpa-sch1-p18", "UK GDPR Art 9(2)(g) with DPA 2018 Sch 1 para 18, safeguarding of children "
                    + "and individuals at risk",
            "dpa-sch8-p4", "DPA 2018 Sch 8 para 4, safeguarding of children (law-enforcement processing)",
            "consent", "explicit consent of the child or of the person with parental responsibility",
            "ukgdpr-art-15", "UK GDPR Art 15 right of access",
            "ukgdpr-6-1-c", "UK GDPR Art 6(1)(c) legal obligation",
            "ukgdpr-6-1-ea", "UK GDPR Art 6(1)(ea) recognised legitimate interest (safeguarding children)");

    static final Map<String, String> AGENCY_TYPES = Map.of(
            "la", "local authority children's social care",
            "police", "police force",
            "nhs", "NHS body",
            "school", "school",
            "provider", "placement provider",
            "regulator", "regulator (Ofsted)");

    private AuditCodes() {
    }

    static String agencyType(String agencyId) {
        if (agencyId == null) {
            return null;
        }
        int colon = agencyId.indexOf(':');
        return colon < 0 ? agencyId : agencyId.substring(0, colon);
    }

    static String agencyKind(String agencyId) {
        String type = agencyType(agencyId);
        return type == null ? "unknown" : AGENCY_TYPES.getOrDefault(type, type);
    }
}
