package uk.safeguarding.protocol.load;

import java.util.List;
import java.util.Optional;
import uk.safeguarding.protocol.lint.LintFinding;
import uk.safeguarding.protocol.model.Protocol;
import uk.safeguarding.protocol.model.Vocabulary;

/**
 * Protocols that passed lint, with the vocabulary they were checked against and any warnings (which
 * the gateway should log at start-up). Only {@link ProtocolLoader} creates one, so holding a
 * ProtocolSet means holding lint-clean protocols.
 */
public final class ProtocolSet {

    private final List<Protocol> protocols;
    private final Vocabulary vocabulary;
    private final List<LintFinding> warnings;

    ProtocolSet(List<Protocol> protocols, Vocabulary vocabulary, List<LintFinding> warnings) {
        this.protocols = List.copyOf(protocols);
        this.vocabulary = vocabulary;
        this.warnings = List.copyOf(warnings);
    }

    public List<Protocol> protocols() {
        return protocols;
    }

    public Optional<Protocol> protocol(String id) {
        return protocols.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public List<LintFinding> warnings() {
        return warnings;
    }
}
