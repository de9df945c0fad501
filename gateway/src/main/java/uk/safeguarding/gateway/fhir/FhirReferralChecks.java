package uk.safeguarding.gateway.fhir;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem.FieldError;
import uk.safeguarding.gateway.referral.Referral;
import uk.safeguarding.gateway.referral.ReferralConfig;
import uk.safeguarding.gateway.referral.ReferralValidator;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * Every problem at once on the FHIR intake: past parsing, the structural problems of the ServiceRequest
 * (how it carries the referral) and the content problems of the referral it carries are answered in
 * one OperationOutcome, each issue with its FHIRPath. A content problem on an element that already has
 * a structural one is not repeated.
 */
@ApplicationScoped
public class FhirReferralChecks {

    private final ReferralConfig config;
    private final RequestContext context;

    FhirReferralChecks(ReferralConfig config, RequestContext context) {
        this.config = config;
        this.context = context;
    }

    public void requireValid(Referral referral, List<FieldError> structural) {
        List<FieldError> errors = new ArrayList<>(structural);
        for (FieldError e : ReferralValidator.errors(referral, context.requireActor().agencyId(), config.maxTextLength())) {
            String expression = ReferralFhirMapper.expressionFor(e.field());
            if (structural.stream().noneMatch(s -> expression.startsWith(s.field()))) {
                errors.add(new FieldError(expression, e.rule(), e.message()));
            }
        }
        if (!errors.isEmpty()) {
            throw new ApiException(400, "REFERRAL_INVALID", "The referral failed " + errors.size()
                    + " check(s); nothing was saved.", errors);
        }
    }
}
