package uk.safeguarding.gateway.consent;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import uk.safeguarding.gateway.fhir.ReferralFhirMapper;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem.FieldError;

/**
 * The consent as a FHIR R4 {@code Consent}, and back (docs/CONSENT.md, "FHIR mapping"):
 * {@code patient.identifier} is the child; {@code performer} is who consented ({@code Patient}: the
 * child, {@code RelatedPerson}: a person with parental responsibility) with the basis in the
 * consent-basis extension; the root {@code provision.period} is the period; each nested provision is
 * one permit/deny, its data categories in {@code class}, recipient agency types in {@code actor}
 * (role IRCP) and purposes in {@code purpose}. {@code status} active, or inactive once withdrawn.
 */
public final class ConsentFhirMapper {

    public static final String BASE = ReferralFhirMapper.BASE;
    public static final String CATEGORY_SYSTEM = BASE + "CodeSystem/data-category";
    public static final String AGENCY_TYPE_SYSTEM = BASE + "CodeSystem/agency-type";
    public static final String PURPOSE_SYSTEM = BASE + "CodeSystem/purpose-of-use";
    public static final String EXT_CONSENT_BASIS = BASE + "StructureDefinition/consent-basis";
    public static final String EXT_WITHDRAWAL_REASON = BASE + "StructureDefinition/withdrawal-reason";
    static final String SCOPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentscope";
    static final String LOINC = "http://loinc.org";
    static final String PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

    private ConsentFhirMapper() {
    }

    public static Consent toFhir(ConsentRecord c) {
        Consent f = new Consent();
        f.setId(c.id().toString());
        f.setStatus(c.withdrawn() ? Consent.ConsentState.INACTIVE
                : c.pending() ? Consent.ConsentState.PROPOSED : Consent.ConsentState.ACTIVE);
        f.setScope(new CodeableConcept(new Coding(SCOPE_SYSTEM, "patient-privacy", "Privacy Consent")));
        f.addCategory(new CodeableConcept(new Coding(LOINC, "59284-0", "Patient Consent")));
        f.setPatient(new Reference().setIdentifier(new Identifier().setSystem(c.child().system()).setValue(c.child().value())));
        f.setDateTime(Date.from(c.recorded().at()));
        Reference performer = new Reference().setType("child".equals(c.consentedBy().type()) ? "Patient" : "RelatedPerson");
        performer.setDisplay(c.consentedBy().description());
        f.addPerformer(performer);
        f.addExtension(new Extension(EXT_CONSENT_BASIS, new CodeType(c.consentedBy().basis())));
        f.addOrganization(new Reference().setIdentifier(new Identifier().setSystem(ReferralFhirMapper.AGENCY_SYSTEM)
                .setValue(c.recorded().agency())));
        if (c.withdrawal() != null && c.withdrawal().reason() != null) {
            f.addExtension(new Extension(EXT_WITHDRAWAL_REASON, new org.hl7.fhir.r4.model.StringType(c.withdrawal().reason())));
        }
        Consent.ProvisionComponent root = f.getProvision();
        Period period = new Period().setStart(Date.from(c.period().start()));
        if (c.period().end() != null) {
            period.setEnd(Date.from(c.period().end()));
        }
        root.setPeriod(period);
        for (ConsentRecord.Provision p : c.provisions()) {
            Consent.ProvisionComponent n = root.addProvision();
            n.setType("permit".equals(p.type()) ? Consent.ConsentProvisionType.PERMIT : Consent.ConsentProvisionType.DENY);
            p.categories().forEach(cat -> n.addClass_(new Coding(CATEGORY_SYSTEM, cat, null)));
            p.recipientAgencyTypes().forEach(t -> n.addActor().setRole(new CodeableConcept(new Coding(PARTICIPATION, "IRCP",
                    "information recipient"))).setReference(new Reference().setType("Organization")
                    .setIdentifier(new Identifier().setSystem(AGENCY_TYPE_SYSTEM).setValue(t))));
            p.purposes().forEach(pu -> n.addPurpose(new Coding(PURPOSE_SYSTEM, pu, null)));
        }
        return f;
    }

    /** A Consent sent for creation as the canonical new consent; shape errors name the FHIRPath. */
    public static ConsentRecord.NewConsent fromFhir(Consent f) {
        List<FieldError> errors = new ArrayList<>();
        if (f.getStatus() != Consent.ConsentState.ACTIVE) {
            errors.add(new FieldError("Consent.status", "CONSENT_STATUS", "A new consent has status active; withdraw with $withdraw."));
        }
        Identifier child = f.getPatient().getIdentifier();
        ConsentRecord.Identifier id = child == null || child.isEmpty() ? null
                : new ConsentRecord.Identifier(child.getSystem(), child.getValue());
        String type = null;
        String description = null;
        if (f.getPerformer().size() != 1) {
            errors.add(new FieldError("Consent.performer", "CONSENTED_BY_TYPE",
                    "Exactly one performer: a Patient (the child) or a RelatedPerson (parental responsibility)."));
        } else {
            Reference p = f.getPerformerFirstRep();
            type = "Patient".equals(p.getType()) ? "child" : "RelatedPerson".equals(p.getType()) ? "parental-responsibility" : null;
            if (type == null) {
                errors.add(new FieldError("Consent.performer.type", "CONSENTED_BY_TYPE",
                        "performer.type is Patient (the child) or RelatedPerson (parental responsibility)."));
            }
            description = p.getDisplay();
        }
        Extension basisExt = f.getExtensionByUrl(EXT_CONSENT_BASIS);
        String basis = basisExt == null || basisExt.getValue() == null ? null : basisExt.getValue().primitiveValue();
        Period period = f.getProvision().getPeriod();
        ConsentRecord.Period p = new ConsentRecord.Period(period.getStart() == null ? null : period.getStart().toInstant(),
                period.getEnd() == null ? null : period.getEnd().toInstant());
        List<ConsentRecord.Provision> provisions = new ArrayList<>();
        List<Consent.ProvisionComponent> nested = f.getProvision().getProvision();
        for (int i = 0; i < nested.size(); i++) {
            Consent.ProvisionComponent n = nested.get(i);
            String at = "Consent.provision.provision[" + i + "]";
            if (n.getType() == null) {
                errors.add(new FieldError(at + ".type", "PROVISION_TYPE", "type must be permit or deny."));
            }
            List<String> categories = new ArrayList<>();
            for (Coding c : n.getClass_()) {
                categories.add(coded(c.getSystem(), CATEGORY_SYSTEM, c.getCode(), at + ".class", errors));
            }
            List<String> agencyTypes = new ArrayList<>();
            for (Consent.provisionActorComponent a : n.getActor()) {
                Identifier ident = a.getReference().getIdentifier();
                agencyTypes.add(coded(ident.getSystem(), AGENCY_TYPE_SYSTEM, ident.getValue(), at + ".actor.reference.identifier", errors));
            }
            List<String> purposes = new ArrayList<>();
            for (Coding c : n.getPurpose()) {
                purposes.add(coded(c.getSystem(), PURPOSE_SYSTEM, c.getCode(), at + ".purpose", errors));
            }
            provisions.add(new ConsentRecord.Provision(n.getType() == null ? null : n.getType().toCode(), categories,
                    agencyTypes, purposes));
        }
        if (!errors.isEmpty()) {
            throw new ApiException(400, "CONSENT_INVALID", "The Consent is invalid; see issues.", errors);
        }
        return new ConsentRecord.NewConsent(id, new ConsentRecord.ConsentedBy(type, basis, description), provisions, p);
    }

    private static String coded(String system, String expected, String code, String at, List<FieldError> errors) {
        if (!expected.equals(system)) {
            errors.add(new FieldError(at, "CODE_SYSTEM", "Use the code system " + expected + "."));
        }
        return code;
    }

    /** The FHIRPath of a field the consent checks name by JSON pointer. */
    public static String expressionFor(String pointer) {
        if (pointer == null || !pointer.startsWith("/")) {
            return pointer;
        }
        String provision = pointer.replaceFirst("^/provisions/(\\d+)", "Consent.provision.provision[$1]");
        if (!provision.equals(pointer)) {
            return provision.replace("/categories", ".class").replace("/recipientAgencyTypes", ".actor.reference.identifier")
                    .replace("/purposes", ".purpose").replace("/type", ".type").replaceAll("/(\\d+)", "[$1]");
        }
        return switch (pointer) {
            case "/child" -> "Consent.patient.identifier";
            case "/consentedBy/type" -> "Consent.performer.type";
            case "/consentedBy/basis" -> "Consent.extension('" + EXT_CONSENT_BASIS + "').value";
            case "/consentedBy/description" -> "Consent.performer.display";
            case "/provisions" -> "Consent.provision.provision";
            case "/period/start" -> "Consent.provision.period.start";
            case "/period/end" -> "Consent.provision.period.end";
            default -> "Consent";
        };
    }

    /** The same failure with each field as a FHIRPath. */
    public static ApiException inFhirTerms(ApiException e) {
        return new ApiException(e.status(), e.code(), e.getMessage(), e.errors().stream()
                .map(x -> new FieldError(expressionFor(x.field()), x.rule(), x.message())).toList());
    }
}
