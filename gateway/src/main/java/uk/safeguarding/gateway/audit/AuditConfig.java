package uk.safeguarding.gateway.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Audit trail settings: the chain sealer, signed checkpoints, the DPO API and anomaly flags. */
@ConfigMapping(prefix = "gateway.audit")
public interface AuditConfig {

    Sealer sealer();

    Checkpoint checkpoint();

    Signing signing();

    Witness witness();

    Api api();

    Disclosure disclosure();

    Anomaly anomaly();

    Verification verification();

    interface Sealer {
        /** Run the background sealer; turning it off leaves events pending (unchained) until sealed on demand. */
        @WithDefault("true")
        boolean enabled();

        /** How often the sealer links pending events into the chain (also the checkpointer's tick). */
        @WithDefault("0.15s")
        Duration interval();

        /** Most pending events sealed in one transaction; the sealer loops while batches come back full. */
        @WithDefault("2000")
        int batchSize();
    }

    interface Checkpoint {
        /** Sign a checkpoint once this many chain entries are not yet covered by one. */
        @WithDefault("1000")
        int everyEntries();

        /**
         * Sign a checkpoint over whatever is uncovered once its oldest entry was sealed this long ago; with the
         * 0.15 s tick this keeps checkpoints (and witness pushes) within 10 s of every event.
         */
        @WithDefault("8s")
        Duration maxInterval();

        /** Most chain entries one checkpoint covers (bounds the memory of re-checking a range before signing). */
        @WithDefault("10000")
        int maxRange();
    }

    interface Signing {
        /** PEM (PKCS#8) Ed25519 private key that signs checkpoints; a file path or classpath:resource. */
        Optional<String> privateKey();

        /** PEM (X.509 SubjectPublicKeyInfo) public key of that private key; a file path or classpath:resource. */
        Optional<String> publicKey();

        /** Where a dev/demo key pair is generated when none is configured. */
        @WithDefault(".local/audit-signing")
        String generatedKeyDirectory();

        /** Generate (or reuse) a key pair under generated-key-directory when none is configured; off in prod. */
        @WithDefault("true")
        boolean generateIfMissing();

        /** Further trusted public keys (PEM paths), for checkpoints signed before a key rotation. */
        Optional<List<String>> trustedPublicKeys();

        /** Refuse to start without a configured key (on in %prod: unsigned checkpoints leave the chain's tail unprotected). */
        @WithDefault("false")
        boolean required();
    }

    /**
     * Witnesses: every signed checkpoint is pushed, by the replica that signed it, to each endpoint here.
     * Configuration, not the database, so that a database attacker cannot unsubscribe a witness.
     */
    interface Witness {
        /** The witness endpoints (for example each agency DPO's bin/audit-witness); none by default. */
        List<Endpoint> endpoints();

        /** Checkpoints held in memory per witness while it is unreachable; the oldest is dropped beyond this. */
        @WithDefault("1000")
        int queueCapacity();

        /** First wait before retrying a failed push; doubled after each failure. */
        @WithDefault("1s")
        Duration retryInitial();

        /** Longest wait between retries. */
        @WithDefault("60s")
        Duration retryMax();

        /** How long one push may take before it counts as failed. */
        @WithDefault("10s")
        Duration timeout();

        /** The newest checkpoints re-pushed from the database on start (the memory queue does not survive a restart). */
        @WithDefault("50")
        int replayOnStart();

        /** One witness. */
        interface Endpoint {
            /** Stable name of the witness, the metrics' witness tag (e.g. dpo-towerhamlets). */
            String id();

            /** Where checkpoints are POSTed (bin/audit-witness serves /checkpoints). */
            java.net.URI url();

            /** This witness's Standard Webhooks secret (whsec_...), shared with it alone. */
            String secret();
        }
    }

    interface Api {
        /** Largest page of the event search. */
        @WithDefault("500")
        int maxPageSize();

        /** Largest page of a FHIR or CSV export. */
        @WithDefault("10000")
        int maxExportSize();
    }

    interface Disclosure {
        /**
         * Data categories that are "child abuse data" (DPA 2018 Sch 3 para 21) and may be withheld from a
         * parent's subject access request.
         */
        @WithDefault("risk,police-intelligence,philomena,missing")
        Set<String> childAbuseCategories();
    }

    interface Anomaly {
        /** Run the anomaly detector in the background. */
        @WithDefault("true")
        boolean enabled();

        /** How often the detector reads newly sealed events. */
        @WithDefault("30s")
        Duration interval();

        /** Flag a user who read more than this many different children within one hour. */
        @WithDefault("50")
        int bulkReadThreshold();

        /** Flag a user refused at least this many times within one hour. */
        @WithDefault("5")
        int repeatedDenialThreshold();

        /** Time zone of the working day used for out-of-hours flags. */
        @WithDefault("Europe/London")
        ZoneId zone();

        /** Start of the working day; a person's access to a child's record before it is out of hours. */
        @WithDefault("08:00")
        LocalTime workingDayStart();

        /** End of the working day. */
        @WithDefault("18:00")
        LocalTime workingDayEnd();

        /** Working days; access on any other day is out of hours. */
        @WithDefault("MONDAY,TUESDAY,WEDNESDAY,THURSDAY,FRIDAY")
        Set<DayOfWeek> workingDays();
    }

    interface Verification {
        /** Run the scheduled verifier (incremental runs, and the periodic full pass) on every replica; one works at a time. */
        @WithDefault("true")
        boolean enabled();

        /** How often the scheduled verifier checks the entries sealed since its last run. */
        @WithDefault("30s")
        Duration interval();

        /** Most chain entries one incremental batch verifies, in one short transaction on a pooled connection. */
        @WithDefault("5000")
        int batchSize();

        /** The scheduled full pass runs once the last full pass is this old (finds changes to already-verified entries). */
        @WithDefault("24h")
        Duration fullPassInterval();

        /** Least time between full passes asked for by POST /api/v1/audit/verify, across all replicas (429 sooner). */
        @WithDefault("10m")
        Duration fullPassMinInterval();
    }
}
