package uk.safeguarding.protocol.engine;

import java.time.LocalDate;
import java.time.ZoneId;
import uk.safeguarding.protocol.model.SharingRule;
import uk.safeguarding.protocol.model.Vocabulary;

/** A request with its codes turned into masks once, so each candidate rule is checked with a few ANDs. */
final class RequestView {

    static final ZoneId LONDON = ZoneId.of("Europe/London");

    final DecisionRequest request;
    final String agencyId;
    final long agencyTypeBit;
    final long roles;
    final long purposeBit;
    final long relationships;
    final long counterpartyTypeBit;
    final long epochDay;
    final boolean partnership;

    RequestView(DecisionRequest r, EngineCodes codes) {
        this.request = r;
        this.agencyId = r.actor().agencyId();
        this.agencyTypeBit = codes.agencyTypes.bit(r.actor().agencyType());
        this.roles = codes.roles.mask(r.actor().roles());
        this.purposeBit = codes.purposes.bit(r.purpose());
        this.relationships = codes.relationships.mask(r.relationships());
        long cp = r.counterparty() == null ? 0 : codes.agencyTypes.bit(Vocabulary.agencyTypeOf(r.counterparty()));
        // an unknown counterparty type gets a bit no agency type owns: only rules open to 'any' accept it
        this.counterpartyTypeBit = r.counterparty() != null && cp == 0 ? Long.MIN_VALUE : cp;
        // protocols and signatures are dated in UK local days: a request at 00:30 BST on 1 April is 1 April
        this.epochDay = LocalDate.ofInstant(r.at(), LONDON).toEpochDay();
        this.partnership = SharingRule.PARTNERSHIP.equals(r.scope());
    }
}
