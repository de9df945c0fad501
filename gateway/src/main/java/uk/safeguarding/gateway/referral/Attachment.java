package uk.safeguarding.gateway.referral;

import java.util.Map;

/**
 * A supporting record sent with a referral (a FHIR {@code Flag} or {@code DocumentReference} in a
 * transaction Bundle), kept as sent apart from its id and subject. It belongs to one data category of
 * the protocols, so each reader sees it only when its decision releases that category.
 *
 * @param resourceType the FHIR resource type
 * @param category the data category (identity, risk, health, police-intelligence, ...) it is released under
 * @param resource the FHIR JSON of the resource
 */
public record Attachment(String resourceType, String category, Map<String, Object> resource) {

    public Attachment {
        resource = Map.copyOf(resource);
    }
}
