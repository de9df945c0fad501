package uk.safeguarding.gateway.audit.dpo;

import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * Audit records as FHIR R4 AuditEvents in the shape of IHE Basic Audit Log Patterns (BALP):
 * type "rest" with the RESTful interaction as subtype, one requesting agent (the person or system,
 * with its roles and network address), the agency it acted for, the gateway as the receiving agent
 * and the observer, and entities for the child (role Patient), the record touched and the
 * transaction (X-Request-Id). The profiles themselves are not claimed in meta.profile: BALP is not
 * loaded in the validator, and the shape is what a BALP consumer reads.
 */
final class FhirAuditEvents {

    private static final String AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    private static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
    private static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
    private static final String EXTRA_SECURITY_ROLE = "http://terminology.hl7.org/CodeSystem/extra-security-role-type";
    private static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
    private static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    private static final String BALP_ENTITY_TYPE = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";

    private FhirAuditEvents() {
    }

    static Bundle bundle(List<AuditEventView> events, String selfUrl, String nextUrl) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.setTimestamp(new Date());
        bundle.addLink().setRelation("self").setUrl(selfUrl);
        if (nextUrl != null) {
            bundle.addLink().setRelation("next").setUrl(nextUrl);
        }
        for (AuditEventView event : events) {
            bundle.addEntry().setFullUrl("urn:uuid:" + event.id()).setResource(auditEvent(event))
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }

    static AuditEvent auditEvent(AuditEventView e) {
        AuditEvent ae = new AuditEvent();
        ae.setId(e.id().toString());
        Interaction interaction = Interaction.of(e.action());
        ae.setType(new Coding(AUDIT_EVENT_TYPE, "rest", "RESTful Operation"));
        ae.addSubtype(new Coding(RESTFUL_INTERACTION, interaction.code, interaction.display));
        ae.setAction(interaction.action);
        ae.setRecordedElement(new InstantType(Date.from(e.recordedAt())));
        ae.setOutcome(e.outcome() < 400 ? AuditEventOutcome._0 : e.outcome() < 500 ? AuditEventOutcome._4 : AuditEventOutcome._8);
        if (e.denialCode() != null) {
            ae.setOutcomeDesc(e.denialCode());
        }
        if (e.purpose() != null) {
            ae.addPurposeOfEvent(purpose(e.purpose()));
        }
        requestor(ae.addAgent(), e);
        AuditEventView.Actor actor = e.actor();
        if (actor.agency() != null) {
            // R4 has no agent.onBehalfOf: the agency the actor acted for is an agent of its own.
            ae.addAgent().setRequestor(false)
                    .setType(new CodeableConcept(new Coding(AuditCodes.AGENCY_TYPE, AuditCodes.agencyType(actor.agency()),
                            AuditCodes.agencyKind(actor.agency()))))
                    .setWho(identified(AuditCodes.AGENCY_ID, actor.agency()));
        }
        ae.addAgent().setRequestor(false)
                .setType(new CodeableConcept(new Coding(DICOM, "110152", "Destination Role ID")))
                .setWho(identified(AuditCodes.GATEWAY_ID, AuditCodes.GATEWAY));
        ae.getSource().setObserver(identified(AuditCodes.GATEWAY_ID, AuditCodes.GATEWAY))
                .addType(new Coding(SOURCE_TYPE, "4", "Application Server"));
        if (e.childId() != null) {
            ae.addEntity().setWhat(identified(AuditCodes.CHILD_ID, e.childId().toString()))
                    .setType(new Coding(ENTITY_TYPE, "1", "Person"))
                    .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
        }
        if (e.resourceType() != null || e.resourceId() != null) {
            AuditEventEntityComponent record = ae.addEntity()
                    .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                    .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
            record.setWhat(identified(AuditCodes.RECORD_ID, (e.resourceType() == null ? "" : e.resourceType() + "/")
                    + (e.resourceId() == null ? "" : e.resourceId())));
        }
        AuditEventEntityComponent transaction = ae.addEntity()
                .setWhat(identified(null, e.requestId()))
                .setType(new Coding(BALP_ENTITY_TYPE, "XrequestId", "X-Request-Id"));
        detail(transaction, "decision", e.decision());
        detail(transaction, "categories", String.join(" ", e.categories()));
        detail(transaction, "reasons", String.join(" ", e.reasons()));
        detail(transaction, "lawfulBasis", e.lawfulBasis());
        detail(transaction, "httpStatus", Integer.toString(e.outcome()));
        if (e.seq() != null) {
            detail(transaction, "chainSeq", e.seq().toString());
        }
        if (e.override() != null) {
            detail(transaction, "overrideJustification", e.override().justification());
            detail(transaction, "overrideApprover", e.override().approver());
        }
        return ae;
    }

    private static void requestor(AuditEventAgentComponent agent, AuditEventView e) {
        AuditEventView.Actor actor = e.actor();
        agent.setRequestor(true);
        agent.setType(new CodeableConcept("CLIENT".equals(actor.kind())
                ? new Coding(DICOM, "110153", "Source Role ID")
                : new Coding(EXTRA_SECURITY_ROLE, "humanuser", "human user")));
        for (String role : actor.roles()) {
            agent.addRole(new CodeableConcept(new Coding(AuditCodes.ROLE, role, null)));
        }
        agent.setWho(identified(AuditCodes.SUBJECT_ID, actor.subject() == null ? "anonymous" : actor.subject()));
        if (actor.client() != null) {
            agent.setAltId(actor.client());
        }
        if (e.purpose() != null) {
            agent.addPurposeOfUse(purpose(e.purpose()));
        }
        if (e.sourceAddress() != null) {
            agent.getNetwork().setAddress(e.sourceAddress()).setType(AuditEventAgentNetworkType._2);
        }
    }

    private static CodeableConcept purpose(String code) {
        return new CodeableConcept(new Coding(AuditCodes.PURPOSE_OF_USE, code, AuditCodes.PURPOSES.get(code)));
    }

    private static Reference identified(String system, String value) {
        Identifier identifier = new Identifier().setValue(value);
        if (system != null) {
            identifier.setSystem(system);
        }
        return new Reference().setIdentifier(identifier);
    }

    private static void detail(AuditEventEntityComponent entity, String type, String value) {
        if (value != null && !value.isEmpty()) {
            entity.addDetail().setType(type).setValue(new StringType(value));
        }
    }

    /** The FHIR RESTful interaction and audit action for one of the gateway's actions. */
    private record Interaction(String code, String display, AuditEventAction action) {

        static Interaction of(String action) {
            String a = action == null ? "" : action.toLowerCase();
            if (a.startsWith("post ") || a.contains("create") || a.contains("refer")) {
                return new Interaction("create", "create", AuditEventAction.C);
            }
            if (a.startsWith("put ") || a.startsWith("patch ") || a.contains("update") || a.contains("resolve")) {
                return new Interaction("update", "update", AuditEventAction.U);
            }
            if (a.startsWith("delete ") || a.contains("delete")) {
                return new Interaction("delete", "delete", AuditEventAction.D);
            }
            if (a.contains("search") || a.contains("export") || a.contains("list")) {
                return new Interaction("search-type", "search type", AuditEventAction.E);
            }
            return new Interaction("read", "read", AuditEventAction.R);
        }
    }
}
