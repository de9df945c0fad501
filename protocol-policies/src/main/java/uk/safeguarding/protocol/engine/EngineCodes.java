package uk.safeguarding.protocol.engine;

import uk.safeguarding.protocol.model.Vocabulary;

/** The bit assignments for one vocabulary, shared by every compiled rule and every request view. */
final class EngineCodes {

    final Codes agencyTypes;
    final Codes roles;
    final Codes purposes;
    final Codes relationships;

    EngineCodes(Vocabulary vocab) {
        agencyTypes = new Codes(vocab.agencyTypes().keySet());
        roles = new Codes(vocab.roles().keySet());
        purposes = new Codes(vocab.purposes().keySet());
        relationships = new Codes(vocab.relationships().keySet());
    }
}
