package uk.safeguarding.profiles;

import static uk.safeguarding.profiles.Profiles.AGENCY_SYSTEM;
import static uk.safeguarding.profiles.Profiles.BASE;
import static uk.safeguarding.profiles.Profiles.constraint;
import static uk.safeguarding.profiles.Profiles.element;
import static uk.safeguarding.profiles.Profiles.extensionSlice;
import static uk.safeguarding.profiles.Profiles.slicedByUrl;

import java.util.List;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Enumerations.BindingStrength;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind;
import org.hl7.fhir.r4.model.UriType;

/**
 * A safeguarding referral as a ServiceRequest: everything the gateway's intake requires, so a client
 * written from the profile alone is accepted on its first try (ProfileAgreementTest). Each constraint
 * names the gateway's rule in brackets.
 */
final class ReferralProfile {

    static final String ID = "safeguarding-referral";
    /** Free-text notes, as the gateway's default gateway.referral.max-text-length. */
    static final int MAX_TEXT = 20_000;

    private ReferralProfile() {
    }

    static StructureDefinition profile() {
        StructureDefinition sd = Profiles.base(ID, "SafeguardingReferral", "A safeguarding referral",
                "ServiceRequest", StructureDefinitionKind.RESOURCE);
        sd.setDescription("A concern about a child, referred by a signatory agency to the child's home council and routed"
                + " by the information-sharing protocols. POST it to /fhir/ServiceRequest with the child contained (#child),"
                + " or in a transaction Bundle with the Patient as its own entry.");
        String section = BASE + "StructureDefinition/note-section";
        List<ElementDefinition> diff = sd.getDifferential().getElement();
        ElementDefinition root = element("ServiceRequest");
        constraint(root, "sgw-summary", "A summary note with text: describe the concern (REQUIRED /summary)",
                "note.where(extension('" + section + "').value = 'summary').text.exists()");
        constraint(root, "sgw-section-once", "At most one note per section (DUPLICATE_SECTION)",
                "note.extension('" + section + "').value.isDistinct()");
        constraint(root, "sgw-intel-handling", "The police-intelligence note carries a handling code (CODED_VALUE)",
                "note.where(extension('" + section + "').value = 'police-intelligence')"
                        + ".all(extension('" + BASE + "StructureDefinition/handling-code').exists())");
        diff.add(root);
        diff.add(slicedByUrl("ServiceRequest.extension"));
        diff.add(extensionSlice("ServiceRequest.extension", "riskLevel", "risk-level", 1, "1"));
        diff.add(extensionSlice("ServiceRequest.extension", "requesterContact", "requester-contact", 0, "1"));
        ElementDefinition subject = element("ServiceRequest.subject")
                .setShort("The child: #child (contained) or the Patient entry's fullUrl in a transaction");
        subject.addType().setCode("Reference").addTargetProfile(ChildPatient.url());
        diff.add(subject);
        diff.add(element("ServiceRequest.requester").setMin(1).setShort("The referring agency (the token's agency)"));
        diff.add(element("ServiceRequest.requester.identifier").setMin(1));
        diff.add(element("ServiceRequest.requester.identifier.system").setMin(1).setFixed(new UriType(AGENCY_SYSTEM)));
        diff.add(element("ServiceRequest.requester.identifier.value").setMin(1));
        ElementDefinition performer = element("ServiceRequest.performer").setMin(1).setMax("1")
                .setShort("The child's home council (SINGLE_HOME_COUNCIL)");
        constraint(performer, "sgw-home-council", "A local authority id such as la:E09000030 (CODED_VALUE /homeCouncil)",
                "identifier.value.matches('^la:[A-Za-z0-9]+$')");
        diff.add(performer);
        diff.add(element("ServiceRequest.performer.identifier").setMin(1));
        diff.add(element("ServiceRequest.performer.identifier.system").setMin(1).setFixed(new UriType(AGENCY_SYSTEM)));
        diff.add(element("ServiceRequest.performer.identifier.value").setMin(1));
        ElementDefinition reason = element("ServiceRequest.reasonCode").setMin(1)
                .setShort("At least one concern category (REQUIRED, CODED_VALUE /concernCategories)");
        reason.getBinding().setStrength(BindingStrength.REQUIRED).setValueSet(BASE + "ValueSet/concern-category");
        diff.add(reason);
        diff.add(element("ServiceRequest.note").setMin(1).setShort("One note per section; a summary note is required"));
        diff.add(slicedByUrl("ServiceRequest.note.extension"));
        diff.add(extensionSlice("ServiceRequest.note.extension", "section", "note-section", 1, "1"));
        diff.add(extensionSlice("ServiceRequest.note.extension", "grading", "intelligence-grading", 0, "1"));
        diff.add(extensionSlice("ServiceRequest.note.extension", "handlingCode", "handling-code", 0, "1"));
        diff.add(element("ServiceRequest.note.text").setMaxLength(MAX_TEXT));
        return sd;
    }
}
