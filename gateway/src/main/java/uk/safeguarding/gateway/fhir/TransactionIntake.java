package uk.safeguarding.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem.FieldError;
import uk.safeguarding.gateway.referral.Attachment;
import uk.safeguarding.gateway.referral.Referral;

/**
 * A referral transaction Bundle as the canonical submission: one Patient, one ServiceRequest whose
 * subject is the Patient's fullUrl, and optional supporting entries. Each accepted entry type has its
 * own branch in {@link #read}; anything else is refused by path (never dropped silently).
 *
 * <p>Supporting entries ({@code Flag}, {@code DocumentReference}) must be about the same Patient and
 * carry exactly one data category ({@link #CATEGORY_SYSTEM}); they are kept as sent and released per
 * reader by that category.
 */
final class TransactionIntake {

    /** Which protocol data category a supporting resource belongs to (Flag.category, DocumentReference.category). */
    static final String CATEGORY_SYSTEM = "https://safeguarding.example/fhir/CodeSystem/data-category";

    private static final Set<String> CATEGORIES = Set.of(Referral.IDENTITY, Referral.RISK, Referral.HEALTH,
            Referral.POLICE_INTELLIGENCE, Referral.EDUCATION, Referral.MISSING, Referral.PLACEMENT);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The canonical referral and its supporting records, plus where each request entry went. */
    /** {@code structural}: the ServiceRequest's structural problems, answered together with the content checks'. */
    record Submission(Referral referral, List<Attachment> attachments, int patientIndex, int serviceRequestIndex,
            String patientUrl, Consent consent, int consentIndex, List<FieldError> structural) {
    }

    private TransactionIntake() {
    }

    static Submission read(FhirContext fhir, Bundle bundle) {
        if (bundle.getType() != Bundle.BundleType.TRANSACTION) {
            throw ApiException.badRequest("Bundle.type", "BUNDLE_TYPE", "Only transaction Bundles are accepted.");
        }
        Patient patient = null;
        String patientUrl = null;
        int patientIndex = -1;
        ServiceRequest sr = null;
        int srIndex = -1;
        Consent consent = null;
        int consentIndex = -1;
        // Supporting entries are checked once the Patient's fullUrl is known (it may come after them).
        List<Integer> supporting = new ArrayList<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            Bundle.BundleEntryComponent entry = bundle.getEntry().get(i);
            Resource resource = entry.getResource();
            if (resource instanceof Patient p && patient == null) {
                patient = p;
                patientUrl = entry.getFullUrl();
                patientIndex = i;
            } else if (resource instanceof ServiceRequest s && sr == null) {
                sr = s;
                srIndex = i;
            } else if (resource instanceof Flag || resource instanceof DocumentReference) {
                supporting.add(i);
            } else if (resource instanceof Consent c && consent == null) {
                // Stored as a consent record of its own (consent package), not as a supporting entry.
                consent = c;
                consentIndex = i;
            } else {
                throw ApiException.badRequest("Bundle.entry[" + i + "].resource", "BUNDLE_ENTRY_UNSUPPORTED",
                        "A referral transaction takes one Patient, one ServiceRequest, optional Flag and "
                                + "DocumentReference entries and at most one Consent; " + (resource == null ? "an entry without a resource"
                                : "a further " + resource.fhirType()) + " is not accepted.");
            }
            if (entry.getRequest().getMethod() != Bundle.HTTPVerb.POST) {
                throw ApiException.badRequest("Bundle.entry[" + i + "].request.method", "BUNDLE_METHOD",
                        "Only POST entries are accepted.");
            }
        }
        if (patient == null || sr == null) {
            throw ApiException.badRequest("Bundle.entry", "BUNDLE_ENTRIES",
                    "A referral transaction needs one Patient and one ServiceRequest.");
        }
        String subject = sr.getSubject().getReference();
        if (subject == null || patientUrl == null || !subject.equals(patientUrl)) {
            throw ApiException.badRequest("Bundle.entry[" + srIndex + "].resource.subject", "SUBJECT_REFERENCE",
                    "The ServiceRequest's subject must reference the Patient entry's fullUrl.");
        }
        List<Attachment> attachments = new ArrayList<>();
        for (int i : supporting) {
            attachments.add(attachment(fhir, bundle.getEntry().get(i).getResource(), "Bundle.entry[" + i + "].resource",
                    patientUrl));
        }
        List<FieldError> structural = new ArrayList<>();
        Referral referral = ReferralFhirMapper.fromServiceRequest(sr, patient, structural);
        return new Submission(referral, attachments, patientIndex, srIndex, patientUrl, consent, consentIndex, structural);
    }

    /** A Flag or DocumentReference about the referral's Patient, with one data category, kept as sent. */
    private static Attachment attachment(FhirContext fhir, Resource resource, String path, String patientUrl) {
        List<CodeableConcept> categories;
        Reference subject;
        if (resource instanceof Flag flag) {
            categories = flag.getCategory();
            subject = flag.getSubject();
        } else {
            DocumentReference doc = (DocumentReference) resource;
            categories = doc.getCategory();
            subject = doc.getSubject();
        }
        if (subject == null || !patientUrl.equals(subject.getReference())) {
            throw ApiException.badRequest(path + ".subject", "SUBJECT_REFERENCE",
                    "A " + resource.fhirType() + " sent with a referral must be about its Patient (the Patient entry's fullUrl).");
        }
        List<Coding> ours = categories.stream().flatMap(c -> c.getCoding().stream())
                .filter(c -> CATEGORY_SYSTEM.equals(c.getSystem())).toList();
        if (ours.size() != 1 || !CATEGORIES.contains(ours.get(0).getCode())) {
            throw ApiException.badRequest(path + ".category", "ATTACHMENT_CATEGORY",
                    "Give exactly one category coding in " + CATEGORY_SYSTEM + " with one of " + CATEGORIES
                            + ": it decides who may see this " + resource.fhirType() + ".");
        }
        // Kept without the sender's temporary id; the subject becomes the referral's own child.
        Resource kept = resource.copy();
        kept.setIdElement(null);
        if (kept instanceof Flag f) {
            f.setSubject(new Reference("#" + ReferralFhirMapper.CONTAINED_PATIENT_ID));
        } else {
            ((DocumentReference) kept).setSubject(new Reference("#" + ReferralFhirMapper.CONTAINED_PATIENT_ID));
        }
        try {
            Map<String, Object> json = JSON.readValue(fhir.newJsonParser().encodeResourceToString(kept),
                    new TypeReference<Map<String, Object>>() { });
            return new Attachment(resource.fhirType(), ours.get(0).getCode(), json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
