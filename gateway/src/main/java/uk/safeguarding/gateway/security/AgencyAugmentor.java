package uk.safeguarding.gateway.security;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;
import uk.safeguarding.gateway.signatory.SignatoryConfig;
import uk.safeguarding.gateway.signatory.SignatoryDirectory;

/**
 * Admits a verified token only if it names an agency that signed an active protocol and is not on
 * the revocation list; every request is therefore tied to an accountable agency before any resource
 * code runs. The gateway operator's own agency (not a signatory of anything) is admitted only with
 * role admin, for the admin API; the engine refuses it any data.
 */
@ApplicationScoped
public class AgencyAugmentor implements SecurityIdentityAugmentor {

    private static final Pattern AGENCY_ID = Pattern.compile("[a-z]+:[A-Za-z0-9._-]{1,40}");

    private final SignatoryRegistry signatories;
    private final SignatoryDirectory directory;
    private final Set<String> operatorAgencies;

    AgencyAugmentor(SignatoryRegistry signatories, SignatoryDirectory directory, SignatoryConfig config) {
        this.signatories = signatories;
        this.directory = directory;
        this.operatorAgencies = Set.copyOf(config.operatorAgencies());
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Uni.createFrom().item(identity);
        }
        Object claim = token.getClaim("agency");
        if (!(claim instanceof String agency) || agency.isBlank()) {
            return Uni.createFrom().failure(AgencyRejectedException.of("AGENCY_CLAIM_MISSING",
                    "The token has no 'agency' claim; every caller must act for one agency."));
        }
        if (!AGENCY_ID.matcher(agency).matches()) {
            return Uni.createFrom().failure(notSignatory());
        }
        // Checked on every request, against a copy at most a few seconds old: a revoked agency's
        // tokens are refused while still within their lifetime.
        return directory.current().map(registry -> {
            if (registry.revoked().contains(agency)) {
                throw AgencyRejectedException.of("AGENCY_REVOKED",
                        "The token's agency has been suspended or revoked by the gateway's administrators.");
            }
            boolean operator = operatorAgencies.contains(agency) && identity.getRoles().contains("admin");
            if (!operator && !signatories.isActiveSignatory(agency)) {
                throw notSignatory();
            }
            return identity;
        }).onFailure(f -> !(f instanceof io.quarkus.security.AuthenticationFailedException)).transform(f ->
                AgencyRejectedException.of(AgencyRejectedException.LIST_UNAVAILABLE,
                        "The gateway cannot read its revocation list just now, so it admits no one; try again shortly."));
    }

    private static io.quarkus.security.AuthenticationFailedException notSignatory() {
        return AgencyRejectedException.of("AGENCY_NOT_SIGNATORY",
                "The token's agency is not a signatory of any active information-sharing protocol.");
    }
}
