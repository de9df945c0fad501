package uk.safeguarding.gateway.signatory;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.protocol.model.Protocol;
import uk.safeguarding.protocol.model.Signatory;
import uk.safeguarding.protocol.model.Vocabulary;

/** The registry's rows. Every method runs inside the caller's transaction, beside its audit record. */
@ApplicationScoped
class SignatoryStore {

    /** Where a signatory comes from: onboarded through the admin API, or named in a protocol's YAML. */
    static final String ONBOARDED = "admin-api";
    static final String PROTOCOL_YAML = "protocol-yaml";

    /**
     * A signatory as the API shows it: never a secret. An agency named in the YAML has no client id
     * here (its Keycloak client, if any, is not the gateway's) and no creation time.
     */
    record View(String agencyId, String agencyType, String displayName, String dpoContact, String clientId,
            String status, String statusReason, List<String> protocols, boolean webhook, Instant createdAt,
            Instant updatedAt, String source) {
    }

    /**
     * A signatory the admin API can cut off or reinstate: its current status and what it signed, and
     * the Keycloak client the gateway manages for it, null for an agency named in the YAML.
     */
    record Target(String agencyId, String displayName, String dpoContact, String status, String keycloakClientId,
            List<String> protocols, String source) {

        boolean inYaml() {
            return PROTOCOL_YAML.equals(source);
        }
    }

    static final String COLUMNS = """
            s.agency_id, s.agency_type, s.display_name, s.dpo_contact, s.client_id, s.keycloak_client_id, s.status,
            s.status_reason, s.created_at, s.updated_at,
            (SELECT coalesce(array_agg(protocol_id ORDER BY protocol_id), '{}') FROM signatory_protocol p
             WHERE p.agency_id = s.agency_id) AS protocols,
            EXISTS (SELECT 1 FROM alert_subscription w WHERE w.agency_id = s.agency_id) AS webhook
            """;

    private final PolicyService policy;
    private final uk.safeguarding.gateway.alert.StoredSecrets secrets;

    SignatoryStore(PolicyService policy, uk.safeguarding.gateway.alert.StoredSecrets secrets) {
        this.policy = policy;
        this.secrets = secrets;
    }

    Uni<Optional<Row>> find(SqlClient c, String agencyId, boolean lock) {
        return c.preparedQuery("SELECT " + COLUMNS + " FROM signatory s WHERE s.agency_id = $1" + (lock ? " FOR UPDATE OF s" : ""))
                .execute(Tuple.of(agencyId))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(rows.iterator().next()) : Optional.empty());
    }

    /** Every signatory, onboarded or named in the YAML, by agency id. */
    Uni<List<View>> list(SqlClient c) {
        return c.query("SELECT " + COLUMNS + " FROM signatory s ORDER BY s.agency_id").execute().chain(rows -> {
            List<View> out = new ArrayList<>();
            rows.forEach(r -> out.add(view(r)));
            return Multi.createFrom().iterable(yamlAgencies()).onItem()
                    .transformToUniAndConcatenate(agency -> yamlView(c, agency)).collect().asList()
                    .map(yaml -> {
                        out.addAll(yaml);
                        out.sort(Comparator.comparing(View::agencyId));
                        return out;
                    });
        });
    }

    /** One signatory as the API shows it, onboarded or named in the YAML. */
    Uni<Optional<View>> viewOf(SqlClient c, String agencyId) {
        return find(c, agencyId, false).chain(row -> row.isPresent() ? Uni.createFrom().item(Optional.of(view(row.get())))
                : yamlProtocols(agencyId).isEmpty() ? Uni.createFrom().item(Optional.<View>empty())
                : yamlView(c, agencyId).map(Optional::of));
    }

    /** The signatory to cut off or reinstate, onboarded or named in the YAML. */
    Uni<Optional<Target>> target(SqlClient c, String agencyId) {
        return find(c, agencyId, false).chain(row -> {
            if (row.isPresent()) {
                Row r = row.get();
                return Uni.createFrom().item(Optional.of(new Target(agencyId, r.getString("display_name"),
                        r.getString("dpo_contact"), r.getString("status"), r.getString("keycloak_client_id"),
                        List.of(r.getArrayOfStrings("protocols")), ONBOARDED)));
            }
            if (yamlProtocols(agencyId).isEmpty()) {
                return Uni.createFrom().item(Optional.<Target>empty());
            }
            return yamlView(c, agencyId).map(v -> Optional.of(new Target(agencyId, v.displayName(), v.dpoContact(),
                    v.status(), null, v.protocols(), PROTOCOL_YAML)));
        });
    }

    /** The protocols whose YAML names the agency as a signatory (empty for an onboarded or unknown agency). */
    List<String> yamlProtocols(String agencyId) {
        return policy.shippedProtocols().protocols().stream().filter(p -> p.signatory(agencyId).isPresent())
                .map(Protocol::id).sorted().toList();
    }

    private SortedSet<String> yamlAgencies() {
        SortedSet<String> agencies = new TreeSet<>();
        policy.shippedProtocols().protocols().forEach(p -> p.signatories().forEach(s -> agencies.add(s.agencyId())));
        return agencies;
    }

    /** An agency named in the YAML: what it signed there, and its status from the revocation list (ACTIVE if absent). */
    private Uni<View> yamlView(SqlClient c, String agencyId) {
        String dpo = policy.shippedProtocols().protocols().stream().flatMap(p -> p.signatory(agencyId).stream())
                .map(Signatory::dpo).filter(Objects::nonNull).findFirst().orElse(null);
        String name = policy.shippedProtocols().vocabulary().agencies().getOrDefault(agencyId, agencyId);
        return c.preparedQuery("""
                        SELECT r.status, r.reason, r.revoked_at,
                               EXISTS (SELECT 1 FROM alert_subscription w WHERE w.agency_id = $1) AS webhook
                        FROM (SELECT 1) one LEFT JOIN signatory_revocation r ON r.agency_id = $1
                        """)
                .execute(Tuple.of(agencyId)).map(rows -> {
                    Row r = rows.iterator().next();
                    boolean cutOff = r.getString("status") != null;
                    return new View(agencyId, Vocabulary.agencyTypeOf(agencyId), name, dpo, null,
                            cutOff ? r.getString("status") : "ACTIVE", cutOff ? r.getString("reason") : null,
                            yamlProtocols(agencyId), r.getBoolean("webhook"), null,
                            cutOff ? r.getOffsetDateTime("revoked_at").toInstant() : null, PROTOCOL_YAML);
                });
    }

    /** Inserts the signatory and what it signs; returns each protocol's new membership label. */
    Uni<List<String>> insert(SqlClient tx, OnboardingValidator.Onboard body, List<String> protocols, String clientId,
            String keycloakId, String actor, String requestId) {
        return tx.preparedQuery("""
                        INSERT INTO signatory (agency_id, agency_type, display_name, dpo_contact, client_id, keycloak_client_id, created_by)
                        VALUES ($1, $2, $3, $4, $5, $6, $7)
                        """)
                .execute(Tuple.from(new Object[] {body.agencyId(), body.agencyType(), body.displayName(), body.dpoContact(), clientId,
                        keycloakId, actor}))
                .chain(() -> Multi.createFrom().iterable(protocols).onItem().transformToUniAndConcatenate(p ->
                                tx.preparedQuery("INSERT INTO signatory_protocol (agency_id, protocol_id) VALUES ($1, $2)")
                                        .execute(Tuple.of(body.agencyId(), p)))
                        .collect().last())
                .chain(() -> membershipChange(tx, body.agencyId(), protocols, "ADDED", actor, requestId));
    }

    /**
     * A new membership version of every protocol the agency signed; returns the new labels
     * ({@code mash-referral@1.0.0+m2}). The per-protocol lock makes version numbers gap-free and unique.
     */
    Uni<List<String>> membershipChange(SqlClient tx, String agencyId, List<String> protocols, String change, String actor,
            String requestId) {
        // Lock first, in its own statement, so the insert's snapshot sees the last committed version.
        return Multi.createFrom().iterable(protocols).onItem().transformToUniAndConcatenate(p -> tx
                            .preparedQuery("SELECT pg_advisory_xact_lock(hashtext('protocol-membership:' || $1))")
                            .execute(Tuple.of(p))
                            .chain(() -> tx.preparedQuery("""
                                    INSERT INTO protocol_membership_version (protocol_id, version, change, agency_id, changed_by, request_id)
                                    SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5
                                    FROM protocol_membership_version WHERE protocol_id = $1
                                    RETURNING version
                                    """)
                            .execute(Tuple.from(new Object[] {p, change, agencyId, actor, requestId})))
                            .map(inserted -> ref(p, inserted.iterator().next().getInteger("version"))))
                            .collect().asList();
    }

    /** Marks the signatory changed (its client secret was rotated in Keycloak). */
    Uni<Void> touch(SqlClient tx, String agencyId) {
        return tx.preparedQuery("UPDATE signatory SET updated_at = now() WHERE agency_id = $1")
                .execute(Tuple.of(agencyId)).replaceWithVoid();
    }

    Uni<Void> status(SqlClient tx, String agencyId, String status, String reason) {
        return tx.preparedQuery("UPDATE signatory SET status = $2, status_reason = $3, updated_at = now() WHERE agency_id = $1")
                .execute(Tuple.of(agencyId, status, reason)).replaceWithVoid();
    }

    Uni<Void> revoke(SqlClient tx, String agencyId, String status, String actor, String reason) {
        return tx.preparedQuery("""
                        INSERT INTO signatory_revocation (agency_id, status, revoked_by, reason) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (agency_id) DO UPDATE SET status = EXCLUDED.status, revoked_at = now(),
                            revoked_by = EXCLUDED.revoked_by, reason = EXCLUDED.reason
                        """)
                .execute(Tuple.of(agencyId, status, actor, reason))
                .chain(() -> tx.preparedQuery("UPDATE alert_subscription SET paused_at = now(), updated_at = now() WHERE agency_id = $1")
                        .execute(Tuple.of(agencyId)))
                .replaceWithVoid();
    }

    Uni<Void> reinstate(SqlClient tx, String agencyId) {
        return tx.preparedQuery("DELETE FROM signatory_revocation WHERE agency_id = $1").execute(Tuple.of(agencyId))
                .chain(() -> tx.preparedQuery("UPDATE alert_subscription SET paused_at = NULL, updated_at = now() WHERE agency_id = $1")
                        .execute(Tuple.of(agencyId)))
                .replaceWithVoid();
    }

    Uni<UUID> subscribe(SqlClient tx, String agencyId, String url, String secret, String actor) {
        UUID id = UUID.randomUUID();
        return tx.preparedQuery("INSERT INTO alert_subscription (id, agency_id, url, secrets, created_by) VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(id, agencyId, url, new JsonArray().add(secrets.sealWebhook(id, url, secret)), actor)).replaceWith(id);
    }

    /** Adds a webhook secret; the newest two stay live (both sign) until the previous one is retired. Empty if no subscription. */
    Uni<Optional<Integer>> addWebhookSecret(SqlClient tx, String agencyId, String secret) {
        // The sealed value is bound to the row's id and URL, so they are read (and the row locked) first.
        return tx.preparedQuery("SELECT id, url FROM alert_subscription WHERE agency_id = $1 FOR UPDATE").execute(Tuple.of(agencyId))
                .chain(found -> {
                    if (!found.iterator().hasNext()) {
                        return Uni.createFrom().item(Optional.<Integer>empty());
                    }
                    io.vertx.mutiny.sqlclient.Row row = found.iterator().next();
                    return tx.preparedQuery("""
                                    UPDATE alert_subscription SET secrets = jsonb_build_array(secrets -> -1, $2::text), updated_at = now()
                                    WHERE id = $1 RETURNING jsonb_array_length(secrets) AS live
                                    """)
                            .execute(Tuple.of(row.getUUID("id"), secrets.sealWebhook(row.getUUID("id"), row.getString("url"), secret)))
                            .map(rows -> Optional.of(rows.iterator().next().getInteger("live")));
                });
    }

    Uni<Optional<Integer>> retirePreviousWebhookSecret(SqlClient tx, String agencyId) {
        return tx.preparedQuery("""
                        UPDATE alert_subscription SET secrets = jsonb_build_array(secrets -> -1), updated_at = now()
                        WHERE agency_id = $1 RETURNING jsonb_array_length(secrets) AS live
                        """)
                .execute(Tuple.of(agencyId))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(rows.iterator().next().getInteger("live")) : Optional.empty());
    }

    /** A flag in the DPO's review queue: the agency was cut off, by whom and why, pointing at the audit record. */
    Uni<Void> tellDpo(SqlClient tx, String agencyId, String kind, String actor, UUID auditEventId, String summary) {
        return tx.preparedQuery("""
                        INSERT INTO audit_anomaly (id, kind, dedupe_key, actor_agency, actor_subject, window_start, window_end,
                            event_count, first_event_id, last_event_at, summary, agencies)
                        VALUES ($1, $2, $3, $4, $5, now(), now(), 1, $6, now(), $7, ARRAY[$4::text])
                        """)
                .execute(Tuple.from(new Object[] {UUID.randomUUID(), kind, kind + ":" + agencyId + ":" + auditEventId, agencyId, actor,
                        auditEventId, summary}))
                .replaceWithVoid();
    }

    private String ref(String protocolId, int version) {
        return policy.shippedProtocols().protocol(protocolId)
                .map(p -> p.id() + "@" + SignatoryDirectory.label(p, version))
                .orElse(protocolId + "@+m" + version);
    }

    static View view(Row r) {
        return new View(r.getString("agency_id"), r.getString("agency_type"), r.getString("display_name"),
                r.getString("dpo_contact"), r.getString("client_id"), r.getString("status"), r.getString("status_reason"),
                List.of(r.getArrayOfStrings("protocols")), r.getBoolean("webhook"),
                r.getOffsetDateTime("created_at").toInstant(), r.getOffsetDateTime("updated_at").toInstant(), ONBOARDED);
    }
}
