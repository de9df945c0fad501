package uk.safeguarding.gateway.referral;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A referral's supporting records (a FHIR transaction's other entries): their categories count as content of
 * the referral, they are stored in its transaction and read back in order.
 */
@ApplicationScoped
public class ReferralAttachments {

    private final ReferralRepository repository;

    ReferralAttachments(ReferralRepository repository) {
        this.repository = repository;
    }

    /** The categories a referral carries content for: its own fields' and its supporting records'. */
    static List<String> present(Referral referral, List<Attachment> attachments) {
        Set<String> present = new LinkedHashSet<>(referral.presentCategories());
        attachments.forEach(a -> present.add(a.category()));
        return List.copyOf(present);
    }

    Uni<Void> store(SqlClient tx, UUID id, List<Attachment> attachments) {
        if (attachments.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return repository.insertAttachments(tx, id, attachments);
    }

    Uni<List<Attachment>> of(SqlClient client, UUID id) {
        return repository.attachments(client, id);
    }
}
