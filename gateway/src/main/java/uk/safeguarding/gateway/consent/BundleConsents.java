package uk.safeguarding.gateway.consent;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.fhir.OperationOutcomes;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem.FieldError;
import uk.safeguarding.gateway.referral.Referral;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * A Consent entry in a FHIR referral transaction: checked before anything is stored, then stored in
 * the referral's own transaction (after the referrer's relationship with the child is recorded), so
 * the referral and the consent stand or fall together and the call still writes one audit record,
 * whose reasons name the consent.
 */
@ApplicationScoped
public class BundleConsents {

    private final ConsentService consents;
    private final PolicyService policy;
    private final RequestContext context;
    private final OperationOutcomes outcomes;

    BundleConsents(ConsentService consents, PolicyService policy, RequestContext context, OperationOutcomes outcomes) {
        this.consents = consents;
        this.policy = policy;
        this.context = context;
        this.outcomes = outcomes;
    }

    /** One checked Consent entry, ready to store once the child is known. */
    public final class BundleConsent {
        private final ConsentRecord.NewConsent body;
        private final UUID id = UUID.randomUUID();
        private boolean stored;

        private BundleConsent(ConsentRecord.NewConsent body) {
            this.body = body;
        }

        /**
         * Stores the entry as any consent is stored (ConsentService: who may record it, and what it does
         * to other agencies' records), with the referral it arrives with as the record the referrer's
         * standing must reach.
         */
        public Uni<Void> store(SqlClient tx, UUID childId, UUID referralId) {
            // The referral's own audit record stands for the transaction; keep what it says across the consent's.
            var referralDecision = context.decision().orElse(null);
            String action = context.action().orElse(null);
            String type = context.resourceType();
            String resource = context.resourceId();
            return consents.store(tx, Target.record(childId, null, null, "referral", referralId), id, body).invoke(c -> {
                context.describe(action, type, resource, childId);
                if (referralDecision != null) {
                    context.decided(referralDecision);
                }
                stored = true;
                context.decision().ifPresent(d -> {
                    List<String> reasons = new ArrayList<>(d.reasons());
                    reasons.add("consent:" + id + " recorded with the referral");
                    context.decided(new RequestContext.AuditedDecision(d.effect(), d.categories(), reasons, d.denialCode(),
                            d.lawfulBasis(), d.overrideJustification(), d.overrideApprover()));
                });
            }).replaceWithVoid();
        }

        public void respond(Bundle.BundleEntryResponseComponent entry, boolean replay) {
            if (stored) {
                entry.setStatus("201 Created").setLocation("Consent/" + id);
            } else {
                entry.setStatus("200 OK").setOutcome(outcomes.information(
                        "A repeat of an earlier transaction: the consent was stored with the first one.", List.of()));
            }
        }
    }

    /** Checks the entry: the shape, the vocabulary, and that it is about the transaction's Patient. */
    public BundleConsent prepare(Consent consent, int index, String patientUrl, Referral referral) {
        String at = "Bundle.entry[" + index + "].resource";
        String patientRef = consent.getPatient().getReference();
        if (patientRef == null || !patientRef.equals(patientUrl)) {
            throw ApiException.badRequest(at + ".patient", "SUBJECT_REFERENCE",
                    "The Consent's patient must reference the Patient entry's fullUrl.");
        }
        Referral.Child child = referral.child();
        ConsentRecord.Identifier id = child.nhsNumber() != null
                ? new ConsentRecord.Identifier(ChildIndex.NHS_NUMBER, child.nhsNumber())
                : new ConsentRecord.Identifier(child.localIdentifier().system(), child.localIdentifier().value());
        try {
            ConsentRecord.NewConsent parsed = ConsentFhirMapper.fromFhir(consent);
            ConsentRecord.NewConsent body = new ConsentRecord.NewConsent(id, parsed.consentedBy(), parsed.provisions(),
                    parsed.period());
            ConsentValidator.validate(body, policy.engine().vocabulary());
            return new BundleConsent(body);
        } catch (ApiException e) {
            ApiException fhir = ConsentFhirMapper.inFhirTerms(e);
            throw new ApiException(fhir.status(), fhir.code(), fhir.getMessage(), fhir.errors().stream()
                    .map(x -> new FieldError(x.field().replaceFirst("^Consent", at), x.rule(), x.message())).toList());
        }
    }
}
