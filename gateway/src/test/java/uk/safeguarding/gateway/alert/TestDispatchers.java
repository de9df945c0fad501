package uk.safeguarding.gateway.alert;

import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.outbound.OutboundUrlPolicy;
import uk.safeguarding.gateway.outbound.PinnedHttp;

/** Dispatchers a test drives itself (a second replica; another URL policy), wired as the application's. */
@ApplicationScoped
public class TestDispatchers {

    private final Pool pool;
    private final AlertConfig config;
    private final GatewayClock clock;
    private final AuditTrail audit;
    private final OutboundTokens tokens;
    private final StoredSecrets stored;
    private final OutboundUrlPolicy urls;
    private final PinnedHttp http;

    TestDispatchers(Pool pool, AlertConfig config, GatewayClock clock, AuditTrail audit, OutboundTokens tokens,
            StoredSecrets stored, OutboundUrlPolicy urls, PinnedHttp http) {
        this.pool = pool;
        this.config = config;
        this.clock = clock;
        this.audit = audit;
        this.tokens = tokens;
        this.stored = stored;
        this.urls = urls;
        this.http = http;
    }

    Dispatcher create() {
        return create(urls);
    }

    /** A dispatcher whose sends go through {@code policy} instead of the application's. */
    Dispatcher create(OutboundUrlPolicy policy) {
        return new Dispatcher(pool, config, clock, audit, tokens, stored, policy, http);
    }
}
