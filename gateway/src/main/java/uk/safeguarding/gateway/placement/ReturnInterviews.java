package uk.safeguarding.gateway.placement;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.gateway.child.Standings;
import uk.safeguarding.gateway.referral.PartnershipDirectory;

/**
 * The return home interview for every missing child, in care or not. A looked-after child's placement
 * names its service; otherwise the home council's commissioned service (partnership data, often a
 * charity) is routed the episode when the child is found, so it receives the found alert and the
 * 72-hour offer duty, under the protocol's routing clause (never on anyone's say-so).
 */
@ApplicationScoped
public class ReturnInterviews {

    private final MissingCases missingCases;
    private final PartnershipDirectory directory;
    private final Standings standings;

    ReturnInterviews(MissingCases missingCases, PartnershipDirectory directory, Standings standings) {
        this.missingCases = missingCases;
        this.directory = directory;
        this.standings = standings;
    }

    /** The episode's case at the moment the child is found, with the return interview service in it. */
    public Uni<MissingCases.EpisodeCase> caseWhenFound(SqlClient tx, Row episode) {
        UUID childId = episode.getUUID("child_id");
        MissingCases.EpisodeRoles held = MissingCases.EpisodeRoles.of(episode);
        return missingCases.caseOf(tx, childId, held, null).chain(c -> {
            String homeCouncil = c.main().agencies().get("home-council");
            if (c.main().agencies().containsKey("rhi-service") || homeCouncil == null) {
                return Uni.createFrom().item(c);
            }
            String rhi = directory.forCouncil(homeCouncil).map(PartnershipDirectory.Mash::rhiService).orElse(null);
            if (rhi == null) {
                return Uni.createFrom().item(c);
            }
            MissingCases.EpisodeRoles roles = new MissingCases.EpisodeRoles(held.homeCouncil(), held.homePolice(),
                    held.school(), held.gp(), rhi);
            return standings.establish(tx, new Standings.Establish(childId, false, "child-found",
                            MissingFromHomeResource.SOURCE_TYPE, episode.getUUID("id"), List.of(), null, List.of(),
                            List.of(new Standings.Named(rhi, "rhi-service", null))))
                    .chain(() -> missingCases.caseOf(tx, childId, roles, null));
        });
    }
}
