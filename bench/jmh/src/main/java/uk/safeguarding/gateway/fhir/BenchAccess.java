package uk.safeguarding.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import uk.safeguarding.gateway.referral.Attachment;
import uk.safeguarding.gateway.referral.Referral;

/**
 * Lets the benchmarks call the gateway's package-private {@link TransactionIntake} as the FHIR
 * resource does, instead of copying it: this class sits in the same package name and is loaded by
 * the same class loader as the gateway jar beside it on the class path. Benchmark code only.
 */
public final class BenchAccess {

    /** What {@link TransactionIntake#read} gives the resource: the canonical referral and its supporting entries. */
    public record Read(Referral referral, List<Attachment> attachments) {
    }

    private BenchAccess() {
    }

    public static Read readTransaction(FhirContext fhir, Bundle bundle) {
        TransactionIntake.Submission submission = TransactionIntake.read(fhir, bundle);
        return new Read(submission.referral(), submission.attachments());
    }
}
