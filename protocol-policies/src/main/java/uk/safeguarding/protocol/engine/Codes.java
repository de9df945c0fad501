package uk.safeguarding.protocol.engine;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import uk.safeguarding.protocol.model.Choice;

/**
 * Interns a vocabulary section (roles, purposes, relationships, agency types) as bit positions, so a
 * rule's "one of these" test is a single AND on the hot path. Sections have well under 64 codes; the
 * constructor refuses more rather than silently dropping codes.
 */
final class Codes {

    /** A mask that every non-empty set intersects: how {@code any} is compiled. */
    static final long ALL = -1L;

    private final Map<String, Long> bits = new HashMap<>();

    Codes(Collection<String> codes) {
        if (codes.size() > 63) {
            throw new IllegalArgumentException("vocabulary section has " + codes.size() + " codes; at most 63 are supported");
        }
        int i = 0;
        for (String c : codes) {
            bits.put(c, 1L << i++);
        }
    }

    /** Unknown codes contribute nothing: a code the vocabulary does not know can match no rule. */
    long mask(Collection<String> codes) {
        long m = 0;
        for (String c : codes) {
            Long b = bits.get(c);
            if (b != null) {
                m |= b;
            }
        }
        return m;
    }

    long bit(String code) {
        Long b = code == null ? null : bits.get(code);
        return b == null ? 0 : b;
    }

    long mask(Choice choice) {
        return choice.any() ? ALL : mask(choice.values());
    }
}
