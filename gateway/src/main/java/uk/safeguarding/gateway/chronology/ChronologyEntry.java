package uk.safeguarding.gateway.chronology;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One event in a child's chronology as one reader may see it. Only codes and agencies: no free text
 * (a rationale, a grounds, findings) even where the record's own read would release it; the link
 * names the read that does.
 *
 * @param kind what happened (referral, referral-response, placement, missing, found, ...)
 * @param code a code from the kind's fixed vocabulary (a response status, a level, an event type)
 * @param details further released codes (a risk level and the previous one, a challenge's level)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "ChronologyEntry", description = "One event about the child, as released to the caller.")
public record ChronologyEntry(String kind, Instant at, String code, Agency agency, Agency otherAgency,
        String recordType, UUID recordId, String link, Map<String, Object> details) {

    /** An agency by its id and display name. */
    public record Agency(String id, String name) {
    }
}
