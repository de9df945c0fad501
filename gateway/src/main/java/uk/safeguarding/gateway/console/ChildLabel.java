package uk.safeguarding.gateway.console;

import java.util.StringJoiner;
import uk.safeguarding.gateway.referral.ReleasedIdentity;

/**
 * How a console page names a child: by name and date of birth where the reader was released the
 * child's identity, otherwise a neutral label. Never the child's id: an id is no name to a person, and
 * shown as one it invites copying it around.
 *
 * @param text the visible label, e.g. "Amira Test"
 * @param born the date of birth in GOV.UK style, or null when not released
 * @param identified whether the identity was released
 */
public record ChildLabel(String text, String born, boolean identified) {

    public static final String NOT_SHARED = "Child (identity not shared with your agency)";

    public static ChildLabel of(ReleasedIdentity.Identity identity) {
        if (identity == null) {
            return new ChildLabel(NOT_SHARED, null, false);
        }
        StringJoiner name = new StringJoiner(" ");
        if (identity.givenName() != null && !identity.givenName().isBlank()) {
            name.add(identity.givenName().strip());
        }
        if (identity.familyName() != null && !identity.familyName().isBlank()) {
            name.add(identity.familyName().strip());
        }
        if (name.length() == 0) {
            return new ChildLabel(NOT_SHARED, null, false);
        }
        return new ChildLabel(name.toString(), identity.birthDate() == null ? null : GovukDates.date(identity.birthDate()), true);
    }

    /** The label with the date of birth, for a table cell: "Amira Test (born 2 April 2011)". */
    public String withBirth() {
        return born == null ? text : text + " (born " + born + ")";
    }
}
