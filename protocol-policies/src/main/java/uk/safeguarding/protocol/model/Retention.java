package uk.safeguarding.protocol.model;

import java.time.Period;

/** How long exchanged records are kept, counted from an event such as case closure. */
public record Retention(Period period, String after, String citation) {
}
