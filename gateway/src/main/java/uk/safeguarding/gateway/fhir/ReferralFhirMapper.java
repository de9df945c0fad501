package uk.safeguarding.gateway.fhir;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem.FieldError;
import uk.safeguarding.gateway.referral.Referral;

/**
 * The canonical referral as a FHIR R4 ServiceRequest with its subject Patient, and back. Every field
 * of the JSON API has one place here (see docs/REFERRALS.md, "FHIR mapping"), so the mapping is
 * lossless both ways; and every JSON pointer the domain checks name has its FHIRPath, so FHIR
 * callers are told the failing element in their own terms.
 */
public final class ReferralFhirMapper {

    public static final String BASE = "https://safeguarding.example/fhir/";
    public static final String AGENCY_SYSTEM = BASE + "Id/agency";
    public static final String CONCERN_SYSTEM = BASE + "CodeSystem/concern-category";
    public static final String EXT_RISK_LEVEL = BASE + "StructureDefinition/risk-level";
    public static final String EXT_NOTE_SECTION = BASE + "StructureDefinition/note-section";
    public static final String EXT_GRADING = BASE + "StructureDefinition/intelligence-grading";
    public static final String EXT_HANDLING_CODE = BASE + "StructureDefinition/handling-code";
    public static final String EXT_REQUESTER_CONTACT = BASE + "StructureDefinition/requester-contact";
    public static final String DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
    public static final String SNOMED = "http://snomed.info/sct";
    public static final String REFERRAL_CODE = "3457005";
    static final String CONTAINED_PATIENT_ID = "child";

    private static final Map<String, String> SECTION_BY_POINTER = new LinkedHashMap<>();

    static {
        SECTION_BY_POINTER.put("/summary", "summary");
        SECTION_BY_POINTER.put("/health", "health");
        SECTION_BY_POINTER.put("/policeIntelligence", "police-intelligence");
        SECTION_BY_POINTER.put("/education", "education");
        SECTION_BY_POINTER.put("/missing", "missing");
        SECTION_BY_POINTER.put("/placement", "placement");
    }

    private ReferralFhirMapper() {
    }

    // ----------------------------------------------------------------------------- to FHIR

    /** The referral as a ServiceRequest; the Patient is contained when the identity is present. */
    public static ServiceRequest toServiceRequest(Referral r) {
        ServiceRequest sr = new ServiceRequest();
        sr.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
        sr.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        sr.getCode().addCoding(new Coding(SNOMED, REFERRAL_CODE, "Patient referral"));
        if (r.child() != null) {
            Patient patient = toPatient(r.child());
            patient.setId(CONTAINED_PATIENT_ID);
            sr.addContained(patient);
            sr.setSubject(new Reference("#" + CONTAINED_PATIENT_ID));
        } else {
            Reference withheld = new Reference();
            withheld.addExtension(new Extension(DATA_ABSENT_REASON, new CodeType("masked")));
            sr.setSubject(withheld);
        }
        if (r.requesterAgency() != null) {
            sr.setRequester(agency(r.requesterAgency()));
        }
        if (r.requesterContact() != null) {
            sr.addExtension(new Extension(EXT_REQUESTER_CONTACT, new StringType(r.requesterContact())));
        }
        if (r.homeCouncil() != null) {
            sr.addPerformer(agency(r.homeCouncil()));
        }
        if (r.riskLevel() != null) {
            sr.addExtension(new Extension(EXT_RISK_LEVEL, new CodeType(r.riskLevel())));
        }
        if (r.concernCategories() != null) {
            for (String c : r.concernCategories()) {
                sr.addReasonCode(new CodeableConcept(new Coding(CONCERN_SYSTEM, c, null)));
            }
        }
        note(sr, "summary", r.summary());
        note(sr, "health", r.health());
        if (r.policeIntelligence() != null) {
            Annotation a = note(sr, "police-intelligence", r.policeIntelligence().text());
            if (r.policeIntelligence().grading() != null) {
                a.addExtension(new Extension(EXT_GRADING, new CodeType(r.policeIntelligence().grading())));
            }
            if (r.policeIntelligence().handlingCode() != null) {
                a.addExtension(new Extension(EXT_HANDLING_CODE, new CodeType(r.policeIntelligence().handlingCode())));
            }
        }
        note(sr, "education", r.education());
        note(sr, "missing", r.missing());
        note(sr, "placement", r.placement());
        return sr;
    }

    public static Patient toPatient(Referral.Child child) {
        Patient patient = new Patient();
        if (child.nhsNumber() != null) {
            patient.addIdentifier().setSystem(ChildIndex.NHS_NUMBER).setValue(child.nhsNumber());
        }
        if (child.localIdentifier() != null) {
            patient.addIdentifier().setSystem(child.localIdentifier().system()).setValue(child.localIdentifier().value());
        }
        if (child.givenName() != null || child.familyName() != null) {
            var name = patient.addName();
            if (child.givenName() != null) {
                name.addGiven(child.givenName());
            }
            name.setFamily(child.familyName());
        }
        if (child.birthDate() != null) {
            patient.getBirthDateElement().setValueAsString(child.birthDate());
        }
        if (child.postcode() != null) {
            patient.addAddress().setPostalCode(child.postcode());
        }
        return patient;
    }

    private static Reference agency(String agencyId) {
        Reference ref = new Reference();
        ref.setIdentifier(new Identifier().setSystem(AGENCY_SYSTEM).setValue(agencyId));
        return ref;
    }

    private static Annotation note(ServiceRequest sr, String section, String text) {
        if (text == null && !"police-intelligence".equals(section)) {
            return null;
        }
        Annotation a = sr.addNote();
        a.addExtension(new Extension(EXT_NOTE_SECTION, new CodeType(section)));
        if (text != null) {
            a.setText(text);
        }
        return a;
    }

    // --------------------------------------------------------------------------- from FHIR

    /**
     * The canonical referral from a ServiceRequest whose subject is {@code patient}, or, when null, a
     * Patient contained in the ServiceRequest. Structural problems are a 400 naming the FHIRPath.
     */
    public static Referral fromServiceRequest(ServiceRequest sr, Patient patient) {
        List<FieldError> errors = new ArrayList<>();
        Referral referral = fromServiceRequest(sr, patient, errors);
        if (!errors.isEmpty()) {
            throw new ApiException(400, "FHIR_STRUCTURE", "The ServiceRequest does not carry a referral as the gateway "
                    + "defines it; nothing was saved.", errors);
        }
        return referral;
    }

    /**
     * As {@link #fromServiceRequest(ServiceRequest, Patient)}, adding structural problems to {@code errors}
     * instead of throwing, and mapping what it can, so the content checks can report theirs as well.
     */
    public static Referral fromServiceRequest(ServiceRequest sr, Patient patient, List<FieldError> errors) {
        if (patient == null) {
            patient = containedSubject(sr, errors);
        }
        String requester = agencyOf(sr.hasRequester() ? sr.getRequester() : null, "ServiceRequest.requester", errors);
        String council = null;
        if (sr.getPerformer().size() > 1) {
            errors.add(new FieldError("ServiceRequest.performer", "SINGLE_HOME_COUNCIL",
                    "Name exactly one performer: the child's home council."));
        } else if (sr.hasPerformer()) {
            council = agencyOf(sr.getPerformerFirstRep(), "ServiceRequest.performer", errors);
        }
        String contact = stringExtension(sr.getExtensionByUrl(EXT_REQUESTER_CONTACT));
        String risk = stringExtension(sr.getExtensionByUrl(EXT_RISK_LEVEL));
        List<String> concerns = null;
        for (int i = 0; i < sr.getReasonCode().size(); i++) {
            CodeableConcept cc = sr.getReasonCode().get(i);
            Coding coding = cc.getCoding().stream().filter(c -> CONCERN_SYSTEM.equals(c.getSystem())).findFirst().orElse(null);
            if (coding == null || !coding.hasCode()) {
                errors.add(new FieldError("ServiceRequest.reasonCode[" + i + "]", "CODED_VALUE",
                        "Code concerns in " + CONCERN_SYSTEM + "."));
                continue;
            }
            if (concerns == null) {
                concerns = new ArrayList<>();
            }
            concerns.add(coding.getCode());
        }
        Map<String, Annotation> notes = new LinkedHashMap<>();
        for (int i = 0; i < sr.getNote().size(); i++) {
            Annotation a = sr.getNote().get(i);
            String section = stringExtension(a.getExtensionByUrl(EXT_NOTE_SECTION));
            if (section == null || !SECTION_BY_POINTER.containsValue(section)) {
                errors.add(new FieldError("ServiceRequest.note[" + i + "]", "NOTE_SECTION_REQUIRED",
                        "Each note needs the " + EXT_NOTE_SECTION + " extension, one of " + SECTION_BY_POINTER.values() + "."));
            } else if (notes.put(section, a) != null) {
                errors.add(new FieldError("ServiceRequest.note[" + i + "]", "DUPLICATE_SECTION",
                        "Only one note per section (" + section + ")."));
            }
        }
        Referral.Intelligence intelligence = null;
        Annotation intel = notes.get("police-intelligence");
        if (intel != null) {
            intelligence = new Referral.Intelligence(intel.hasText() ? intel.getText() : null,
                    stringExtension(intel.getExtensionByUrl(EXT_GRADING)),
                    stringExtension(intel.getExtensionByUrl(EXT_HANDLING_CODE)));
        }
        return new Referral(requester, contact, council, patient == null ? null : toChild(patient), risk, concerns,
                text(notes.get("summary")), text(notes.get("health")), intelligence, text(notes.get("education")),
                text(notes.get("missing")), text(notes.get("placement")));
    }

    static Referral.Child toChild(Patient patient) {
        String nhs = null;
        Referral.LocalIdentifier local = null;
        for (Identifier id : patient.getIdentifier()) {
            if (ChildIndex.NHS_NUMBER.equals(id.getSystem())) {
                nhs = id.getValue();
            } else if (local == null) {
                local = new Referral.LocalIdentifier(id.getSystem(), id.getValue());
            }
        }
        String given = null;
        String family = null;
        if (patient.hasName()) {
            var name = patient.getNameFirstRep();
            given = name.hasGiven() ? name.getGiven().get(0).getValue() : null;
            family = name.getFamily();
        }
        String birthDate = patient.hasBirthDateElement() ? patient.getBirthDateElement().getValueAsString() : null;
        String postcode = patient.hasAddress() && patient.getAddressFirstRep().hasPostalCode()
                ? patient.getAddressFirstRep().getPostalCode() : null;
        return new Referral.Child(nhs, local, given, family, birthDate, postcode);
    }

    private static Patient containedSubject(ServiceRequest sr, List<FieldError> errors) {
        String ref = sr.getSubject().getReference();
        if (ref == null || !ref.startsWith("#")) {
            errors.add(new FieldError("ServiceRequest.subject", "CONTAINED_PATIENT_REQUIRED",
                    "The subject must reference a contained Patient (#id), or send a transaction Bundle with the Patient."));
            return null;
        }
        String wanted = ref.substring(1);
        for (Resource r : sr.getContained()) {
            String id = r.getIdElement().getIdPart();
            if (r instanceof Patient p && id != null && (id.equals(wanted) || id.equals(ref))) {
                return p;
            }
        }
        errors.add(new FieldError("ServiceRequest.subject", "CONTAINED_PATIENT_REQUIRED",
                "The subject " + ref + " is not a contained Patient."));
        return null;
    }

    private static String agencyOf(Reference ref, String path, List<FieldError> errors) {
        if (ref == null) {
            return null;
        }
        if (!ref.hasIdentifier() || !AGENCY_SYSTEM.equals(ref.getIdentifier().getSystem())) {
            errors.add(new FieldError(path + ".identifier.system", "AGENCY_IDENTIFIER",
                    "Identify the agency with system " + AGENCY_SYSTEM + " and its id (e.g. police:met)."));
            return null;
        }
        return ref.getIdentifier().getValue();
    }

    private static String stringExtension(Extension e) {
        return e == null || e.getValue() == null ? null : e.getValue().primitiveValue();
    }

    private static String text(Annotation a) {
        return a == null || !a.hasText() ? null : a.getText();
    }

    // ------------------------------------------------------------------------------- paths

    /** The FHIRPath of the element a canonical JSON pointer names; pointers it does not know pass through. */
    public static String expressionFor(String pointer) {
        if (pointer == null || !pointer.startsWith("/")) {
            return pointer;
        }
        if (pointer.matches("/concernCategories/\\d+")) {
            return "ServiceRequest.reasonCode[" + pointer.substring(pointer.lastIndexOf('/') + 1) + "]";
        }
        if (pointer.startsWith("/policeIntelligence")) {
            String base = section("police-intelligence");
            return switch (pointer) {
                case "/policeIntelligence/text" -> base + ".text";
                case "/policeIntelligence/grading" -> base + ".extension('" + EXT_GRADING + "').value";
                case "/policeIntelligence/handlingCode" -> base + ".extension('" + EXT_HANDLING_CODE + "').value";
                default -> base;
            };
        }
        if (SECTION_BY_POINTER.containsKey(pointer)) {
            return section(SECTION_BY_POINTER.get(pointer)) + ".text";
        }
        return switch (pointer) {
            case "/requesterAgency" -> "ServiceRequest.requester.identifier.value";
            case "/requesterContact" -> "ServiceRequest.extension('" + EXT_REQUESTER_CONTACT + "').value";
            case "/homeCouncil" -> "ServiceRequest.performer.identifier.value";
            case "/riskLevel" -> "ServiceRequest.extension('" + EXT_RISK_LEVEL + "').value";
            case "/concernCategories" -> "ServiceRequest.reasonCode";
            case "/child" -> "ServiceRequest.subject";
            case "/child/birthDate" -> "Patient.birthDate";
            case "/child/postcode" -> "Patient.address.postalCode";
            case "/child/nhsNumber" -> "Patient.identifier.where(system='" + ChildIndex.NHS_NUMBER + "').value";
            case "/child/localIdentifier" -> "Patient.identifier";
            case "/child/givenName" -> "Patient.name.given";
            case "/child/familyName" -> "Patient.name.family";
            case "/", "" -> "ServiceRequest";
            default -> pointer;
        };
    }

    private static String section(String code) {
        return "ServiceRequest.note.where(extension('" + EXT_NOTE_SECTION + "').value = '" + code + "')";
    }
}
