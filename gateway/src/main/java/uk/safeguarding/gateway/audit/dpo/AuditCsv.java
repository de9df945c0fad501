package uk.safeguarding.gateway.audit.dpo;

import java.util.List;
import java.util.Objects;

/** RFC 4180 CSV of audit records, one row per record, every column of the record plus its seq. */
final class AuditCsv {

    static final String HEADER = "seq,id,recorded_at,request_id,actor_subject,actor_client,actor_kind,actor_agency,"
            + "actor_roles,purpose,action,resource_type,resource_id,child_id,categories,decision,reasons,denial_code,"
            + "lawful_basis,override_justification,override_approver,outcome,source_address";

    private AuditCsv() {
    }

    static String write(List<AuditEventView> events) {
        StringBuilder out = new StringBuilder(HEADER).append("\r\n");
        for (AuditEventView e : events) {
            AuditEventView.Actor a = e.actor();
            Object[] cells = {e.seq(), e.id(), e.recordedAt(), e.requestId(), a.subject(), a.client(), a.kind(), a.agency(),
                String.join(";", a.roles()), e.purpose(), e.action(), e.resourceType(), e.resourceId(), e.childId(),
                String.join(";", e.categories()), e.decision(), String.join(";", e.reasons()), e.denialCode(),
                e.lawfulBasis(), e.override() == null ? null : e.override().justification(),
                e.override() == null ? null : e.override().approver(), e.outcome(), e.sourceAddress()};
            for (int i = 0; i < cells.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(cell(cells[i]));
            }
            out.append("\r\n");
        }
        return out.toString();
    }

    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String text = Objects.toString(value);
        // A spreadsheet would run a cell starting with = + - @ as a formula (CSV injection): defuse it.
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
