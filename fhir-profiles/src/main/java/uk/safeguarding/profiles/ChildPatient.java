package uk.safeguarding.profiles;

import static uk.safeguarding.profiles.Profiles.BASE;
import static uk.safeguarding.profiles.Profiles.NHS_NUMBER;
import static uk.safeguarding.profiles.Profiles.constraint;
import static uk.safeguarding.profiles.Profiles.element;
import static uk.safeguarding.profiles.Profiles.slice;

import java.util.List;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.ElementDefinition.DiscriminatorType;
import org.hl7.fhir.r4.model.ElementDefinition.SlicingRules;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind;
import org.hl7.fhir.r4.model.UriType;

/**
 * The child a referral is about: base R4 Patient with an NHS number identifier slice under UK Core's
 * system URL (UK Core's own package is not reachable from here, so this does not derive from it), a
 * full date of birth, and identifiers that link referrals about the same child.
 */
final class ChildPatient {

    static final String ID = "child-patient";

    /** The NHS number's modulus-11 check digit in FHIRPath (a remainder of 10 matches no digit). */
    static final String NHS_CHECK_DIGIT = "value.matches('^[0-9]{10}$') and ((11 - (("
            + weighted() + ") mod 11)) mod 11) = value.substring(9, 1).toInteger()";

    private ChildPatient() {
    }

    static StructureDefinition profile() {
        StructureDefinition sd = Profiles.base(ID, "ChildPatient", "The child a safeguarding referral is about",
                "Patient", StructureDefinitionKind.RESOURCE);
        sd.setDescription("Base R4 Patient with an NHS number slice (system " + NHS_NUMBER + ", as UK Core names it).");
        List<ElementDefinition> diff = sd.getDifferential().getElement();
        diff.add(element("Patient"));
        ElementDefinition identifier = element("Patient.identifier").setMin(1)
                .setShort("NHS number, or a local identifier (system and value), so referrals about one child are linked");
        identifier.getSlicing().setRules(SlicingRules.OPEN).addDiscriminator().setType(DiscriminatorType.VALUE).setPath("system");
        constraint(identifier, "sgw-identifier", "An identifier has a system and a value (IDENTIFIER_REQUIRED)",
                "system.exists() and value.exists()");
        diff.add(identifier);
        diff.add(element("Patient.identifier.system").setMaxLength(200));
        diff.add(element("Patient.identifier.value").setMaxLength(200));
        diff.add(slice("Patient.identifier", "nhsNumber").setMin(0).setMax("1"));
        diff.add(element("Patient.identifier:nhsNumber.system").setMin(1)
                .setFixed(new UriType(NHS_NUMBER)));
        ElementDefinition nhsValue = element("Patient.identifier:nhsNumber.value").setMin(1);
        constraint(nhsValue, "sgw-nhs-number", "10 digits, the last the modulus-11 check digit (NHS_NUMBER_CHECK_DIGIT)",
                NHS_CHECK_DIGIT);
        diff.add(nhsValue);
        diff.add(element("Patient.name").setMax("1"));
        diff.add(element("Patient.name.family").setMaxLength(200));
        diff.add(element("Patient.name.given").setMaxLength(200));
        ElementDefinition birthDate = element("Patient.birthDate").setMin(1)
                .setShort("Required: risk cannot be assessed without the child's age (DATE_OF_BIRTH_REQUIRED)");
        constraint(birthDate, "sgw-dob-full", "A full date, YYYY-MM-DD (DATE_INVALID)", "toString().length() = 10");
        constraint(birthDate, "sgw-dob-past", "Not in the future (DATE_OF_BIRTH_IN_FUTURE)", "$this <= today()");
        constraint(birthDate, "sgw-dob-child", "A child or care leaver: at most 25 years old (NOT_A_CHILD)",
                "$this >= today() - 25 'years'");
        diff.add(birthDate);
        // The slice's element paths keep the base path; their ids carry the slice name.
        diff.stream().filter(e -> e.getId().startsWith("Patient.identifier:nhsNumber."))
                .forEach(e -> e.setPath("Patient.identifier." + e.getId().substring(e.getId().lastIndexOf('.') + 1)));
        return sd;
    }

    private static String weighted() {
        StringBuilder sum = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            sum.append(i == 0 ? "" : " + ").append("value.substring(").append(i).append(", 1).toInteger() * ").append(10 - i);
        }
        return sum.toString();
    }

    static String url() {
        return BASE + "StructureDefinition/" + ID;
    }
}
