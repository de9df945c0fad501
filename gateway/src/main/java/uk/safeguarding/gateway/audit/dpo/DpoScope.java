package uk.safeguarding.gateway.audit.dpo;

import java.util.List;
import java.util.Set;

/**
 * What a DPO may see, as the protocol engine decided it (docs/SECURITY.md, "DPO scope"): the actions of
 * the scope's agencies' staff and systems, and the disclosures of information those agencies
 * contributed. Own scope is one agency, the DPO's; the partnership scope (a lead DPO who asked for it)
 * is every signatory of the protocol that names them lead. The scope is applied inside each query as a
 * WHERE clause on indexed columns, never by filtering rows in Java, so a row out of scope is never read
 * into the gateway at all.
 *
 * @param agencies the agencies whose staff's actions and whose information the DPO oversees
 * @param partnership true for a lead DPO's partnership view
 * @param clause the protocol clause that granted the scope ({@code protocol@version#clause})
 */
public record DpoScope(List<String> agencies, boolean partnership, String clause) {

    /** What a DPO asks for with {@code ?scope=}: their own agency (default) or the partnership. */
    public static final String OWN = "own";
    public static final String PARTNERSHIP = "partnership";

    /** Actions of the DPO API itself: oversight, never evidence that an agency knows a child. */
    static final String OVERSIGHT_ACTIONS = "audit.%";

    public DpoScope {
        agencies = List.copyOf(agencies);
        if (agencies.isEmpty()) {
            throw new IllegalArgumentException("a DPO scope names at least one agency");
        }
    }

    public static DpoScope own(String agency, String clause) {
        return new DpoScope(List.of(agency), false, clause);
    }

    public boolean includes(String agency) {
        return agency != null && agencies.contains(agency);
    }

    /** The agencies as a text[] parameter. */
    public String[] agencyArray() {
        return agencies.toArray(new String[0]);
    }

    /**
     * The scope over audit_event rows aliased {@code e}: the event was done by one of the scope's
     * agencies, or disclosed information one of them contributed. One agency gives exactly
     * {@code (e.actor_agency = $n OR e.data_owners @> jsonb_build_array($n::text))}, a BitmapOr of the
     * audit_event_agency b-tree and the audit_event_data_owners GIN index (docs/AUDIT.md, section 4).
     * Parameters are appended to {@code params}.
     */
    public String auditEvents(String alias, List<Object> params) {
        if (agencies.size() == 1) {
            params.add(agencies.get(0));
            int n = params.size();
            return "(" + alias + ".actor_agency = $" + n + " OR " + alias + ".data_owners @> jsonb_build_array($" + n + "::text))";
        }
        StringBuilder sql = new StringBuilder("(").append(agencyColumn(alias + ".actor_agency", params));
        sql.append(" OR ").append(dataOwners(alias, params)).append(')');
        return sql.toString();
    }

    /**
     * Only the second half: the event disclosed information of one of the scope's agencies. One
     * containment test per agency, because the GIN index (jsonb_path_ops) serves {@code @>} but not a
     * test against an array of values.
     */
    public String dataOwners(String alias, List<Object> params) {
        StringBuilder sql = new StringBuilder("(");
        for (int i = 0; i < agencies.size(); i++) {
            params.add(agencies.get(i));
            sql.append(i == 0 ? "" : " OR ").append(alias).append(".data_owners @> jsonb_build_array($")
                    .append(params.size()).append("::text)");
        }
        return sql.append(')').toString();
    }

    /** {@code column = $n} for own scope, {@code column = ANY($n::text[])} for the partnership's agencies. */
    public String agencyColumn(String column, List<Object> params) {
        if (agencies.size() == 1) {
            params.add(agencies.get(0));
            return column + " = $" + params.size();
        }
        params.add(agencyArray());
        return column + " = ANY($" + params.size() + "::text[])";
    }

    /** Anomaly flags whose {@code agencies} overlap the scope (GIN index audit_anomaly_agencies). */
    public String anomalies(String alias, List<Object> params) {
        params.add(agencyArray());
        return alias + ".agencies && $" + params.size() + "::text[]";
    }

    /** The {@code scope} query parameter, validated; null when absent. */
    static boolean asksPartnership(String scope) {
        return scope != null && PARTNERSHIP.equals(scope.trim());
    }

    static boolean valid(String scope) {
        return scope == null || scope.isBlank() || Set.of(OWN, PARTNERSHIP).contains(scope.trim());
    }
}
