package uk.safeguarding.gateway.audit.chain;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import uk.safeguarding.gateway.audit.AuditEntry;

/**
 * Reads audit_event rows into {@link AuditEntry} on the reactive client (sealer, anomaly detector,
 * DPO API). The jsonb arrays come as text and go through {@link JsonStringArrays}, the parser the
 * verifier uses too, so both read a row into the same values (and it is cheaper than a JSON tree).
 */
public final class EventRows {

    /** audit_event's columns in {@link AuditEntry}'s order, qualified with alias {@code e}. */
    public static final String COLUMNS = """
            e.id, e.recorded_at, e.request_id, e.actor_subject, e.actor_client, e.actor_kind, e.actor_agency,
            e.actor_roles::text AS actor_roles, e.purpose, e.action, e.resource_type, e.resource_id, e.child_id,
            e.categories::text AS categories, e.decision, e.reasons::text AS reasons, e.denial_code, e.lawful_basis,
            e.override_justification, e.override_approver, e.outcome, e.source_address,
            e.data_owners::text AS data_owners""";

    private EventRows() {
    }

    /** The event in {@code row}, or null when the row has no event (a LEFT JOIN that found none). */
    public static AuditEntry read(Row row) {
        if (row.getUUID("id") == null) {
            return null;
        }
        OffsetDateTime recordedAt = row.getOffsetDateTime("recorded_at");
        return new AuditEntry(row.getUUID("id"), recordedAt.toInstant(), row.getString("request_id"),
                row.getString("actor_subject"), row.getString("actor_client"), row.getString("actor_kind"),
                row.getString("actor_agency"), JsonStringArrays.parse(row.getString("actor_roles")), row.getString("purpose"),
                row.getString("action"), row.getString("resource_type"), row.getString("resource_id"),
                row.getUUID("child_id"), JsonStringArrays.parse(row.getString("categories")), row.getString("decision"),
                JsonStringArrays.parse(row.getString("reasons")), row.getString("denial_code"), row.getString("lawful_basis"),
                row.getString("override_justification"), row.getString("override_approver"),
                row.getInteger("outcome"), row.getString("source_address"),
                JsonStringArrays.parse(row.getString("data_owners")));
    }
}
