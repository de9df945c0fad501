package uk.safeguarding.protocol.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import uk.safeguarding.protocol.lint.LintFinding;
import uk.safeguarding.protocol.model.Protocol;
import uk.safeguarding.protocol.model.Signatory;
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

    /**
     * A copy with agencies that joined after the YAML was signed (a signatory registry kept by the
     * gateway). Each protocol in {@code versions} takes that version label (membership changes are
     * versioned, and the label is part of every reason the engine gives); each in {@code added}
     * gains those signatories, and the vocabulary learns the new agencies' names. Only signatories
     * are added, of agency types the vocabulary already has, so the set stays as lint-clean as it was.
     *
     * @throws IllegalArgumentException for an unknown protocol, an unknown agency type or a duplicate signatory
     */
    public ProtocolSet withMembers(Map<String, List<Signatory>> added, Map<String, String> versions,
            Map<String, String> agencyNames) {
        for (String id : added.keySet()) {
            if (protocol(id).isEmpty()) {
                throw new IllegalArgumentException("unknown protocol " + id);
            }
        }
        Map<String, String> agencies = new LinkedHashMap<>(vocabulary.agencies());
        agencyNames.forEach(agencies::putIfAbsent);
        List<Protocol> copies = new ArrayList<>(protocols.size());
        for (Protocol p : protocols) {
            List<Signatory> signatories = new ArrayList<>(p.signatories());
            for (Signatory s : added.getOrDefault(p.id(), List.of())) {
                if (!vocabulary.agencyTypes().containsKey(s.agencyType())) {
                    throw new IllegalArgumentException("unknown agency type of " + s.agencyId());
                }
                if (p.signatory(s.agencyId()).isPresent()) {
                    throw new IllegalArgumentException(s.agencyId() + " already signed " + p.id());
                }
                signatories.add(s);
            }
            copies.add(new Protocol(p.id(), versions.getOrDefault(p.id(), p.version()), p.title(), p.status(),
                    p.effectiveFrom(), p.effectiveTo(), p.owner(), signatories, p.lawfulBases(), p.categories(),
                    p.rules(), p.duties(), p.standing(), p.retention(), p.origin(), p.leadDpo()));
        }
        Vocabulary v = vocabulary;
        Vocabulary widened = new Vocabulary(v.agencyTypes(), agencies, v.roles(), v.actions(), v.purposes(),
                v.lawfulBases(), v.categories(), v.relationships(), v.caseRoles(), v.events(), v.caseDates());
        return new ProtocolSet(copies, widened, warnings);
    }
}
