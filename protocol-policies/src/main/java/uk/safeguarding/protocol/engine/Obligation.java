package uk.safeguarding.protocol.engine;

/**
 * Something the gateway must do when it acts on a permit. Obligations are part of the decision, not
 * advice: a gateway that cannot meet one must not release the data.
 *
 * @param category the category it applies to, or null for the whole exchange
 * @param clause the clause that imposed it ({@code protocol@version#clause})
 */
public record Obligation(Type type, String category, String detail, String clause) {

    public enum Type {
        /** Record the exchange at the level in {@code detail} (standard, enhanced, full). */
        AUDIT,
        /** Tell the agency that owns the record that it was read (CP-IS style access notification). */
        NOTIFY_OWNING_AGENCY,
        /** Put the exchange on the DPO's review list (every override). */
        FLAG_DPO_REVIEW,
        /** A handling condition that travels with the category's data to the recipient. */
        HANDLING,
        /** Limit results to records of the actor's own agency. */
        RESTRICT_TO_OWN_AGENCY,
        /** Store the rationale and the approver with the record (second-approver acts). */
        RECORD_APPROVAL,
        /**
         * Results span every signatory of the clause's protocol (the lead DPO's partnership view); tell
         * each signatory's DPO that the view was taken.
         */
        PARTNERSHIP_VIEW
    }
}
