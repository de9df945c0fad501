package uk.safeguarding.gateway.signatory;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** Onboarding and revocation of agencies (docs/OPERATIONS.md). */
@ConfigMapping(prefix = "gateway.signatories")
public interface SignatoryConfig {

    /** How long a gateway replica trusts its copy of the revocation list and membership before re-reading PostgreSQL. */
    @WithDefault("PT3S")
    Duration revocationCacheTtl();

    /** The Keycloak realm in which agency clients are created (the one realm whose tokens the gateway trusts). */
    @WithDefault("safeguarding")
    String realm();

    /** The realm role every onboarded agency system gets in its tokens (a hardcoded-role mapper on its client). */
    @WithDefault("practitioner")
    String systemRole();

    /** The client scope that puts the gateway's audience in tokens; onboarded clients get it as a default scope. */
    @WithDefault("safeguarding-gateway-audience")
    String audienceScope();

    /** The audience every token must carry; also set by an audience mapper on each onboarded client. */
    @WithDefault("${mp.jwt.verify.audiences:safeguarding-gateway}")
    String audience();

    /** Agencies of the gateway operator itself (not protocol signatories) admitted only with role admin, for the admin API. */
    @WithDefault("gateway:admin")
    List<String> operatorAgencies();
}
