package uk.safeguarding.protocol.lint;

/** Every check the linter makes, with the stable code printed in its messages. */
public enum LintRule {
    YAML_SYNTAX("yaml-syntax"),
    UNKNOWN_KEY("unknown-key"),
    WRONG_TYPE("wrong-type"),
    MISSING_FIELD("missing-field"),
    DUPLICATE_KEY("duplicate-key"),
    INVALID_VALUE("invalid-value"),
    EFFECT_FIELD_MISMATCH("effect-field-mismatch"),
    UNKNOWN_AGENCY("unknown-agency"),
    UNKNOWN_AGENCY_TYPE("unknown-agency-type"),
    UNKNOWN_CATEGORY("unknown-category"),
    UNKNOWN_PURPOSE("unknown-purpose"),
    UNKNOWN_LAWFUL_BASIS("unknown-lawful-basis"),
    UNKNOWN_ROLE("unknown-role"),
    UNKNOWN_ACTION("unknown-action"),
    UNKNOWN_RELATIONSHIP("unknown-relationship"),
    UNKNOWN_EVENT("unknown-event"),
    UNKNOWN_CASE_ROLE("unknown-case-role"),
    UNKNOWN_CASE_DATE("unknown-case-date"),
    UNDECLARED_CATEGORY("undeclared-category"),
    UNDECLARED_LAWFUL_BASIS("undeclared-lawful-basis"),
    OWNER_NOT_SIGNATORY("owner-not-signatory"),
    UNUSABLE_RULE("unusable-rule"),
    CONTRADICTORY_RULES("contradictory-rules"),
    CONSENT_BASIS_MISMATCH("consent-basis-mismatch"),
    MISSING_SOURCE("missing-source"),
    DUTY_WITHOUT_DEADLINE("duty-without-deadline"),
    DUTY_WITHOUT_ESCALATION("duty-without-escalation"),
    INVALID_DEADLINE("invalid-deadline"),
    PROTOCOL_EXPIRED("protocol-expired"),
    PROTOCOL_ENDING_SOON("protocol-ending-soon", Severity.WARNING),
    INVALID_DATE_RANGE("invalid-date-range"),
    DUPLICATE_CLAUSE_ID("duplicate-clause-id"),
    DUPLICATE_PROTOCOL_ID("duplicate-protocol-id"),
    MISSING_FILE("missing-file"),
    STANDING_WITHOUT_CONFIRMATION("standing-without-confirmation"),
    DUPLICATE_STANDING("duplicate-standing"),
    CONFIRMATION_WITHOUT_DUTY("confirmation-without-duty"),
    PARTNERSHIP_WITHOUT_LEAD_DPO("partnership-without-lead-dpo"),
    LEAD_DPO_NOT_SIGNATORY("lead-dpo-not-signatory"),
    PARTNERSHIP_ROLE_NOT_LEAD_DPO("partnership-role-not-lead-dpo"),
    BASIS_NOT_FOR_AGENCY_TYPE("basis-not-for-agency-type"),
    BASIS_BEFORE_COMMENCEMENT("basis-before-commencement");

    public enum Severity { ERROR, WARNING }

    private final String code;
    private final Severity severity;

    LintRule(String code) {
        this(code, Severity.ERROR);
    }

    LintRule(String code, Severity severity) {
        this.code = code;
        this.severity = severity;
    }

    public String code() {
        return code;
    }

    public Severity severity() {
        return severity;
    }
}
