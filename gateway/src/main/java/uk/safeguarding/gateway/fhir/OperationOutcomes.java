package uk.safeguarding.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;
import uk.safeguarding.gateway.problem.Problem.FieldError;

/**
 * Errors and warnings on /fhir as OperationOutcome: one issue per failing field, its FHIRPath in
 * {@code expression}, the stable rule in {@code details.coding}, the sentence in {@code diagnostics}.
 */
@ApplicationScoped
public class OperationOutcomes {

    public static final String FHIR_JSON = "application/fhir+json";
    public static final String RULE_SYSTEM = ReferralFhirMapper.BASE + "CodeSystem/rule";

    private final FhirContext fhir;

    OperationOutcomes(FhirContext fhir) {
        this.fhir = fhir;
    }

    public Response error(int status, String code, String detail, List<FieldError> errors, String requestId) {
        OperationOutcome outcome = new OperationOutcome();
        if (errors.isEmpty()) {
            issue(outcome, IssueSeverity.ERROR, typeFor(status), code, detail, null);
        }
        for (FieldError e : errors) {
            issue(outcome, IssueSeverity.ERROR, typeFor(status), e.rule(), e.message(), e.field());
        }
        outcome.setId(requestId);
        return Response.status(status).type(FHIR_JSON).entity(encode(outcome)).build();
    }

    /** The OperationOutcome returned with a success: information, plus one warning per flag. */
    public OperationOutcome information(String message, List<FieldError> warnings) {
        return information("CREATED", message, warnings);
    }

    /** As {@link #information(String, List)} with another rule code for the information issue (VALID for $validate). */
    public OperationOutcome information(String rule, String message, List<FieldError> warnings) {
        OperationOutcome outcome = new OperationOutcome();
        issue(outcome, IssueSeverity.INFORMATION, IssueType.INFORMATIONAL, rule, message, null);
        for (FieldError w : warnings) {
            issue(outcome, IssueSeverity.WARNING, IssueType.BUSINESSRULE, w.rule(), w.message(), w.field());
        }
        return outcome;
    }

    public String encode(org.hl7.fhir.instance.model.api.IBaseResource resource) {
        return fhir.newJsonParser().encodeResourceToString(resource);
    }

    private static void issue(OperationOutcome outcome, IssueSeverity severity, IssueType type, String rule,
            String message, String field) {
        var issue = outcome.addIssue().setSeverity(severity).setCode(type).setDiagnostics(message);
        issue.getDetails().addCoding().setSystem(RULE_SYSTEM).setCode(rule);
        if (field != null) {
            issue.getExpression().add(new StringType(ReferralFhirMapper.expressionFor(field)));
        }
    }

    private static IssueType typeFor(int status) {
        return switch (status) {
            case 400, 422 -> IssueType.INVALID;
            case 401 -> IssueType.LOGIN;
            case 403 -> IssueType.FORBIDDEN;
            case 404 -> IssueType.NOTFOUND;
            case 409 -> IssueType.CONFLICT;
            case 413 -> IssueType.TOOLONG;
            default -> status >= 500 ? IssueType.EXCEPTION : IssueType.PROCESSING;
        };
    }
}
