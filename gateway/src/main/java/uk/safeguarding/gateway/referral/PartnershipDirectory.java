package uk.safeguarding.gateway.referral;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which agencies make up each home council's MASH: the council's front door and its police and
 * health partners, as data. It fills the case roles {@code home-council}, {@code home-police} and
 * {@code home-health} that the protocol's referral-received duties name, and {@code rhi-service}: the
 * return home interview service the council commissions (a charity, or the council itself).
 */
@ApplicationScoped
public class PartnershipDirectory {

    /** A council's MASH: each partner agency and its contact route. */
    public record Mash(String council, String mashContact, String police, String policeContact, String health,
            String healthContact, String rhiService) {

        public String contactOf(String agencyId) {
            if (agencyId.equals(council)) {
                return mashContact;
            }
            if (agencyId.equals(police)) {
                return policeContact;
            }
            return agencyId.equals(health) ? healthContact : null;
        }
    }

    private final Map<String, Mash> byCouncil;

    PartnershipDirectory(ReferralConfig config) {
        this.byCouncil = load(config.partnerships());
    }

    public Optional<Mash> forCouncil(String councilId) {
        return Optional.ofNullable(byCouncil.get(councilId));
    }

    static Map<String, Mash> load(String location) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(location)) {
            if (in == null) {
                throw new IllegalStateException("Partnership directory " + location + " is missing from the classpath");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            Map<String, Mash> result = new LinkedHashMap<>();
            root.path("councils").fields().forEachRemaining(e -> {
                JsonNode m = e.getValue();
                result.put(e.getKey(), new Mash(e.getKey(), m.path("mashContact").asText(null),
                        m.path("police").asText(null), m.path("policeContact").asText(null),
                        m.path("health").asText(null), m.path("healthContact").asText(null),
                        m.path("rhiService").asText(null)));
            });
            return Map.copyOf(result);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
