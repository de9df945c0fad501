package uk.safeguarding.gateway.security;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Admits a verified token only if it names an agency that signed an active protocol; every
 * request is therefore tied to an accountable agency before any resource code runs.
 */
@ApplicationScoped
public class AgencyAugmentor implements SecurityIdentityAugmentor {

    private static final Pattern AGENCY_ID = Pattern.compile("[a-z]+:[A-Za-z0-9._-]{1,40}");
    /**
     * The gateway operator (the realm's gateway-admin client and admin users) signs no protocol, but
     * someone must register the agencies' webhook endpoints. Admitted with the admin role only: it holds
     * no relationship with any child, so the engine still refuses it every record.
     */
    static final String OPERATOR_AGENCY = "gateway:admin";

    private final SignatoryRegistry signatories;

    AgencyAugmentor(SignatoryRegistry signatories) {
        this.signatories = signatories;
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
        boolean operator = OPERATOR_AGENCY.equals(agency) && identity.hasRole("admin");
        if (!operator && (!AGENCY_ID.matcher(agency).matches() || !signatories.isActiveSignatory(agency))) {
            return Uni.createFrom().failure(AgencyRejectedException.of("AGENCY_NOT_SIGNATORY",
                    "The token's agency is not a signatory of any active information-sharing protocol."));
        }
        return Uni.createFrom().item(identity);
    }
}
