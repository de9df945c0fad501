package uk.safeguarding.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Referral;
import uk.safeguarding.gateway.referral.ReleasedIdentity;

/** A child is named by released identity only; otherwise a neutral label, never an id. */
class ChildLabelTest {

    @Test
    void aReleasedIdentityGivesTheNameAndTheDateOfBirthInGovukStyle() {
        ChildLabel label = ChildLabel.of(new ReleasedIdentity.Identity("Amira", "Test", LocalDate.of(2011, 4, 2)));
        assertEquals("Amira Test", label.text());
        assertEquals("2 April 2011", label.born());
        assertEquals("Amira Test (born 2 April 2011)", label.withBirth());
        assertTrue(label.identified());
    }

    @Test
    void noReleasedIdentityGivesTheNeutralLabelWithoutAnId() {
        ChildLabel label = ChildLabel.of(null);
        assertEquals("Child (identity not shared with your agency)", label.text());
        assertNull(label.born());
        assertFalse(label.identified());
        assertFalse(label.withBirth().matches(".*[0-9a-f]{8}-[0-9a-f]{4}.*"));
    }

    @Test
    void aReferralWhoseIdentityWasWithheldHasNoChildAndSoNoName() {
        // A reader not released "identity" gets the referral without its child (ReferralViews.Read).
        assertEquals(Optional.empty(), ReleasedIdentity.Identity.of((Referral.Child) null));
        assertEquals(ChildLabel.NOT_SHARED, ChildLabel.of(ReleasedIdentity.Identity.of((Referral.Child) null).orElse(null)).text());
    }

    @Test
    void anIdentifierWithoutANameIsNotAName() {
        Referral.Child onlyNumber = new Referral.Child("9434765919", null, null, null, "2011-04-02");
        assertEquals(ChildLabel.NOT_SHARED, ChildLabel.of(ReleasedIdentity.Identity.of(onlyNumber).orElse(null)).text());
        assertEquals(ChildLabel.NOT_SHARED, ChildLabel.of(new ReleasedIdentity.Identity(" ", "", null)).text());
    }

    @Test
    void aPartialDateOfBirthIsLeftOutNotGuessed() {
        ChildLabel label = ChildLabel.of(ReleasedIdentity.Identity.of("Amira", null, "2011-04").orElseThrow());
        assertEquals("Amira", label.text());
        assertNull(label.born());
        assertFalse(label.text().contains(UUID.randomUUID().toString().substring(0, 8)));
    }
}
