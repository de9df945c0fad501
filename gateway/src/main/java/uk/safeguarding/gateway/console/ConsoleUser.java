package uk.safeguarding.gateway.console;

import io.quarkus.security.identity.SecurityIdentity;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The signed-in person as the pages show them, and the menu their roles open. */
public record ConsoleUser(String username, String agency, boolean dpo, boolean provider, boolean practitioner,
        List<MenuItem> menu) {

    /** One entry of the service navigation. */
    public record MenuItem(String path, String label) {
    }

    static ConsoleUser of(SecurityIdentity identity) {
        JsonWebToken token = (JsonWebToken) identity.getPrincipal();
        String username = token.getClaim("preferred_username");
        boolean dpo = identity.hasRole("dpo");
        boolean provider = identity.hasRole("provider");
        boolean practitioner = identity.hasRole("practitioner");
        List<MenuItem> menu = new ArrayList<>();
        if (dpo) {
            menu.add(new MenuItem("/console/dpo/audit", "Audit search"));
            menu.add(new MenuItem("/console/dpo/disclosures", "Disclosure reports"));
            menu.add(new MenuItem("/console/dpo/anomalies", "Anomalies"));
            menu.add(new MenuItem("/console/dpo/chain", "Chain verification"));
            menu.add(new MenuItem("/console/dpo/compliance", "Compliance"));
        }
        if (provider) {
            menu.add(new MenuItem("/console/provider/alerts", "Alerts"));
            menu.add(new MenuItem("/console/provider/children", "Children placed with you"));
        }
        if (practitioner) {
            menu.add(new MenuItem(PractitionerConsole.INBOX, "Inbox"));
        }
        return new ConsoleUser(username == null ? token.getSubject() : username, token.getClaim("agency"), dpo, provider,
                practitioner, List.copyOf(menu));
    }
}
