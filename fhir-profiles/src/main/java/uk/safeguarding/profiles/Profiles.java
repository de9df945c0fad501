package uk.safeguarding.profiles;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.ElementDefinition.DiscriminatorType;
import org.hl7.fhir.r4.model.ElementDefinition.SlicingRules;
import org.hl7.fhir.r4.model.Enumerations.BindingStrength;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.StructureDefinition.ExtensionContextType;
import org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind;
import org.hl7.fhir.r4.model.StructureDefinition.TypeDerivationRule;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * The source of the gateway's FHIR conformance resources: differentials of the referral ServiceRequest,
 * the child Patient and every extension the gateway reads, and the CodeSystems and ValueSets they bind
 * to. The code lists repeat the gateway's own checks (ReferralValidator); ProfileAgreementTest in the
 * gateway proves they agree, so a code added on one side only fails the build.
 */
public final class Profiles {

    /** Canonical base, a placeholder until the partnership owns a URL (docs/REFERRALS.md). */
    public static final String BASE = "https://safeguarding.example/fhir/";
    public static final String PACKAGE_ID = "safeguarding.gateway";
    public static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";
    public static final String AGENCY_SYSTEM = BASE + "Id/agency";

    static final Map<String, String> CONCERN_CATEGORIES = ordered(
            "child-sexual-exploitation", "Child sexual exploitation", "child-criminal-exploitation", "Child criminal exploitation",
            "sexual-abuse", "Sexual abuse", "physical-abuse", "Physical abuse", "emotional-abuse", "Emotional abuse",
            "neglect", "Neglect", "domestic-abuse", "Domestic abuse", "missing", "Missing from home or care",
            "online-harm", "Online harm", "trafficking", "Trafficking", "radicalisation", "Radicalisation",
            "self-harm", "Self-harm");
    static final Map<String, String> NOTE_SECTIONS = ordered("summary", "Summary of the concern", "health", "Health",
            "police-intelligence", "Police intelligence", "education", "Education", "missing", "Missing episodes",
            "placement", "Placement");
    static final Map<String, String> RISK_LEVELS = ordered("low", "Low", "medium", "Medium", "high", "High");
    static final Map<String, String> HANDLING_CODES = ordered("P", "Lawful sharing permitted",
            "C", "Lawful sharing permitted subject to conditions");
    static final Map<String, String> DATA_CATEGORIES = ordered("identity", "Identity", "risk", "Risk",
            "health", "Health", "police-intelligence", "Police intelligence", "education", "Education",
            "missing", "Missing episodes", "placement", "Placement");

    private Profiles() {
    }

    /** Every conformance resource of the package, extensions before the profiles that use them. */
    static List<MetadataResource> all(String version) {
        List<MetadataResource> out = new ArrayList<>();
        out.add(codeSystem("concern-category", "ConcernCategory", "Concern categories of a safeguarding referral", CONCERN_CATEGORIES));
        out.add(codeSystem("note-section", "NoteSection", "Sections of a referral's notes", NOTE_SECTIONS));
        out.add(codeSystem("risk-level", "RiskLevel", "Risk levels", RISK_LEVELS));
        out.add(codeSystem("handling-code", "HandlingCode", "3x5x2 handling codes of police intelligence", HANDLING_CODES));
        out.add(codeSystem("intelligence-grading", "IntelligenceGrading", "3x5x2 source and intelligence grading", gradings()));
        out.add(codeSystem("data-category", "DataCategory", "Data categories the protocols release", DATA_CATEGORIES));
        out.add(agencyCodeSystem());
        for (MetadataResource cs : List.copyOf(out)) {
            out.add(valueSet((CodeSystem) cs));
        }
        out.add(extension("risk-level", "RiskLevel", "The referrer's assessment of the risk to the child",
                "ServiceRequest", "code", "risk-level"));
        out.add(extension("requester-contact", "RequesterContact", "How the recipients reach the referrer (at most 200 characters)",
                "ServiceRequest", "string", null));
        out.add(extension("note-section", "NoteSection", "Which section of the referral a note carries",
                "ServiceRequest.note", "code", "note-section"));
        out.add(extension("intelligence-grading", "IntelligenceGrading", "3x5x2 grading of the police-intelligence note",
                "ServiceRequest.note", "code", "intelligence-grading"));
        out.add(extension("handling-code", "HandlingCode", "3x5x2 handling code of the police-intelligence note",
                "ServiceRequest.note", "code", "handling-code"));
        out.add(ChildPatient.profile());
        out.add(ReferralProfile.profile());
        out.forEach(r -> r.setVersion(version).setStatus(PublicationStatus.ACTIVE).setPublisher("Safeguarding gateway"));
        return out;
    }

    static CodeSystem codeSystem(String id, String name, String title, Map<String, String> codes) {
        CodeSystem cs = new CodeSystem();
        cs.setId(id);
        cs.setUrl(BASE + "CodeSystem/" + id).setName(name).setTitle(title);
        cs.setCaseSensitive(true).setContent(CodeSystem.CodeSystemContentMode.COMPLETE).setValueSet(BASE + "ValueSet/" + id);
        codes.forEach((code, display) -> cs.addConcept().setCode(code).setDisplay(display));
        cs.setCount(codes.size());
        return cs;
    }

    /**
     * Agency identifiers change at run time (onboarding, revocation), so the package does not list
     * them: the gateway's signatory registry is the authority, and the identifier system is
     * {@link #AGENCY_SYSTEM}. Values look like la:E09000030, police:met, nhs:RQX.
     */
    private static CodeSystem agencyCodeSystem() {
        CodeSystem cs = codeSystem("agency", "Agency", "Signatory agencies of the information-sharing protocols", Map.of());
        cs.setContent(CodeSystem.CodeSystemContentMode.NOTPRESENT).setCountElement(null);
        cs.setDescription("Agency identifiers (" + AGENCY_SYSTEM + "): kind:id, e.g. la:E09000030 (a local authority by its"
                + " ONS code), police:met, nhs:RQX, school:100000, provider:SC123456. Which agencies are signatories"
                + " changes at run time (onboarding, suspension, revocation); the gateway checks them on every request.");
        return cs;
    }

    static ValueSet valueSet(CodeSystem cs) {
        ValueSet vs = new ValueSet();
        vs.setId(cs.getIdElement().getIdPart());
        vs.setUrl(BASE + "ValueSet/" + cs.getIdElement().getIdPart())
                .setName(cs.getName()).setTitle(cs.getTitle());
        vs.getCompose().addInclude().setSystem(cs.getUrl());
        return vs;
    }

    static StructureDefinition extension(String id, String name, String title, String context, String type, String valueSet) {
        StructureDefinition sd = base(id, name, title, "Extension", StructureDefinitionKind.COMPLEXTYPE);
        sd.addContext().setType(ExtensionContextType.ELEMENT).setExpression(context);
        List<ElementDefinition> diff = sd.getDifferential().getElement();
        diff.add(element("Extension").setShort(title).setDefinition(title + "."));
        diff.add(element("Extension.extension").setMax("0"));
        diff.add(element("Extension.url").setFixed(new UriType(sd.getUrl())));
        ElementDefinition value = element("Extension.value[x]").setMin(1);
        value.addType().setCode(type);
        if (valueSet != null) {
            value.getBinding().setStrength(BindingStrength.REQUIRED).setValueSet(BASE + "ValueSet/" + valueSet);
        }
        if ("string".equals(type)) {
            value.setMaxLength(200);
        }
        diff.add(value);
        return sd;
    }

    static StructureDefinition base(String id, String name, String title, String type, StructureDefinitionKind kind) {
        StructureDefinition sd = new StructureDefinition();
        sd.setId(id);
        sd.setUrl(BASE + "StructureDefinition/" + id).setName(name).setTitle(title);
        sd.setFhirVersion(FHIRVersion._4_0_1).setKind(kind).setAbstract(false).setType(type);
        sd.setBaseDefinition("http://hl7.org/fhir/StructureDefinition/" + type).setDerivation(TypeDerivationRule.CONSTRAINT);
        return sd;
    }

    static ElementDefinition element(String path) {
        ElementDefinition e = new ElementDefinition().setPath(path);
        e.setId(path);
        return e;
    }

    static ElementDefinition slice(String path, String sliceName) {
        String last = path.substring(path.lastIndexOf('.') + 1);
        ElementDefinition e = new ElementDefinition().setPath(path).setSliceName(sliceName).setShort(last + " " + sliceName);
        e.setId(path + ":" + sliceName);
        return e;
    }

    /** An extension slice on {@code path} ({@code ServiceRequest.extension}) with that profile. */
    static ElementDefinition extensionSlice(String path, String sliceName, String extensionId, int min, String max) {
        ElementDefinition e = slice(path, sliceName).setMin(min).setMax(max);
        e.addType().setCode("Extension").addProfile(BASE + "StructureDefinition/" + extensionId);
        return e;
    }

    static ElementDefinition slicedByUrl(String path) {
        ElementDefinition e = element(path);
        e.getSlicing().setRules(SlicingRules.OPEN).addDiscriminator().setType(DiscriminatorType.VALUE).setPath("url");
        return e;
    }

    static ElementDefinition.ElementDefinitionConstraintComponent constraint(ElementDefinition e, String key, String human,
            String expression) {
        return e.addConstraint().setKey(key).setSeverity(ElementDefinition.ConstraintSeverity.ERROR).setHuman(human)
                .setExpression(expression).setSource(null);
    }

    static CanonicalType canonical(String id) {
        return new CanonicalType(BASE + "StructureDefinition/" + id);
    }

    static StringType string(String s) {
        return new StringType(s);
    }

    private static Map<String, String> gradings() {
        Map<String, String> codes = new java.util.LinkedHashMap<>();
        for (char source = '1'; source <= '3'; source++) {
            for (char intel = 'A'; intel <= 'E'; intel++) {
                codes.put("" + source + intel, "Source " + source + ", intelligence " + intel);
            }
        }
        return codes;
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
