package uk.safeguarding.gateway.fhir;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Date;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import uk.safeguarding.gateway.child.ChildIndex;

/**
 * The CapabilityStatement ({@code GET /fhir/metadata}): what a client can do, the published profiles
 * it must follow (supportedProfile, the ImplementationGuide and its package), and the R4 search
 * parameters by their R4 names. CapabilityStatementTest validates it with HAPI's validator.
 */
@ApplicationScoped
public class Capabilities {

    static final String R4_SP = "http://hl7.org/fhir/SearchParameter/";
    public static final String REFERRAL_PROFILE = ReferralFhirMapper.BASE + "StructureDefinition/safeguarding-referral";
    public static final String CHILD_PROFILE = ReferralFhirMapper.BASE + "StructureDefinition/child-patient";
    public static final String IMPLEMENTATION_GUIDE = ReferralFhirMapper.BASE + "ImplementationGuide/safeguarding-gateway";
    /** The FHIR package id (package.json "name"), served at /fhir/package.tgz. */
    public static final String PACKAGE_ID = "safeguarding.gateway";

    private final ConformanceResource conformance;
    private final String version;

    Capabilities(ConformanceResource conformance,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.conformance = conformance;
        this.version = version;
    }

    public CapabilityStatement statement() {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE);
        cs.setDate(new Date());
        cs.setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE);
        cs.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        cs.addFormat("application/fhir+json");
        cs.getSoftware().setName("Safeguarding information-sharing gateway").setVersion(version);
        cs.getImplementation().setDescription("Referrals (ServiceRequest) routed by multi-agency safeguarding protocols."
                + " Profiles: FHIR package " + PACKAGE_ID + " at /fhir/package.tgz (depends on hl7.fhir.r4.core 4.0.1).");
        cs.addImplementationGuide(IMPLEMENTATION_GUIDE);
        CapabilityStatement.CapabilityStatementRestComponent rest = cs.addRest();
        rest.setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.getSecurity().addService().addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/restful-security-service").setCode("OAuth");
        rest.getSecurity().setDescription("Bearer token from the 'safeguarding' Keycloak realm, and a Purpose-Of-Use "
                + "header (SAFEGUARDING, CARE-PLANNING, INVESTIGATION, MISSING-RESPONSE, DPO-REVIEW, SAR) on every call "
                + "but this one and the conformance resources (StructureDefinition, CodeSystem, ValueSet, "
                + "ImplementationGuide, package.tgz), which need only the token. Reads are redacted per caller by the protocol decision.");
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION)
                .setDocumentation("One Patient (profile " + CHILD_PROFILE + ") and one ServiceRequest (profile "
                        + REFERRAL_PROFILE + ", subject = the Patient's fullUrl), plus optional Flag and DocumentReference "
                        + "entries about that Patient, each with one category in " + TransactionIntake.CATEGORY_SYSTEM
                        + " (returned contained in the ServiceRequest's supportingInfo to readers released that category), "
                        + "and at most one Consent (patient = the Patient's fullUrl). POST /fhir/Bundle/$validate checks one "
                        + "without storing it.");
        serviceRequest(rest.addResource());
        rest.addResource().setType("Patient").addSupportedProfile(CHILD_PROFILE)
                .setDocumentation("Not a resource of its own here: contained in the ServiceRequest (#child) or a "
                        + "transaction entry; the child index keeps its identifiers.");
        uk.safeguarding.gateway.consent.ConsentFhirResource.describe(rest.addResource());
        for (String type : List.of("StructureDefinition", "CodeSystem", "ValueSet", "ImplementationGuide")) {
            CapabilityStatementRestResourceComponent r = rest.addResource().setType(type);
            r.addInteraction().setCode(TypeRestfulInteraction.READ);
            if (!type.equals("ImplementationGuide")) {
                r.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
                r.addSearchParam().setName("url").setType(SearchParamType.URI)
                        .setDefinition(R4_SP + "conformance-url").setDocumentation("The canonical URL.");
            }
            r.setDocumentation("Published: " + String.join(", ", conformance.urls(type)));
        }
        return cs;
    }

    private static void serviceRequest(CapabilityStatementRestResourceComponent sr) {
        sr.setType("ServiceRequest");
        sr.setProfile("http://hl7.org/fhir/StructureDefinition/ServiceRequest");
        sr.addSupportedProfile(REFERRAL_PROFILE);
        sr.addInteraction().setCode(TypeRestfulInteraction.CREATE)
                .setDocumentation("Subject Patient contained (#child). Idempotency-Key header supported.");
        sr.addInteraction().setCode(TypeRestfulInteraction.READ);
        sr.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        sr.setVersioning(CapabilityStatement.ResourceVersionPolicy.NOVERSION);
        sr.setReadHistory(false);
        sr.setUpdateCreate(false);
        sr.addSearchParam().setName("subject").setType(SearchParamType.REFERENCE).setDefinition(R4_SP + "ServiceRequest-subject")
                .setDocumentation("Required, by the child's identifier only: subject:identifier=system|value (e.g. "
                        + ChildIndex.NHS_NUMBER + "|9434765919); the chained forms subject:Patient.identifier and "
                        + "subject.identifier are accepted as the same.");
        sr.addSearchParam().setName("status").setType(SearchParamType.TOKEN).setDefinition(R4_SP + "ServiceRequest-status")
                .setDocumentation("active (some recipient has not decided) or completed.");
        sr.addSearchParam().setName("authored").setType(SearchParamType.DATE).setDefinition(R4_SP + "ServiceRequest-authored")
                .setDocumentation("authoredOn, by day (Europe/London), prefixes eq ge gt le lt; repeat for a range.");
        sr.addSearchParam().setName("_lastUpdated").setType(SearchParamType.DATE).setDefinition(R4_SP + "Resource-lastUpdated")
                .setDocumentation("When the referral or any recipient's response last changed, by day, prefixes as authored.");
        sr.addSearchParam().setName("_count").setType(SearchParamType.NUMBER)
                .setDocumentation("Page size, 1-100 (default 20); the searchset's next link gives the following page.");
        sr.addOperation().setName("validate").setDefinition("http://hl7.org/fhir/OperationDefinition/Resource-validate")
                .setDocumentation("POST /fhir/ServiceRequest/$validate: the same checks as create, every issue in one "
                        + "OperationOutcome, nothing stored.");
    }
}
