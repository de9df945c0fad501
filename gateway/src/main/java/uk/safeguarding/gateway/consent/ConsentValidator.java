package uk.safeguarding.gateway.consent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem.FieldError;
import uk.safeguarding.protocol.model.Vocabulary;

/**
 * Checks a consent before anything is stored: every failing field is reported at once, by JSON
 * pointer, with the rule it broke. Coded values come from the protocols' vocabulary, so a consent can
 * only name categories, agency types and purposes the engine decides on.
 */
public final class ConsentValidator {

    /** Who may give consent, and the bases each may rest on. */
    public static final Map<String, Set<String>> BASES = Map.of(
            "child", Set.of("gillick-competent", "aged-16-or-over"),
            "parental-responsibility", Set.of("birth-mother", "father-with-parental-responsibility", "court-order",
                    "care-order", "adoption-order", "special-guardianship-order"));
    public static final Set<String> PROVISION_TYPES = Set.of("permit", "deny");

    private ConsentValidator() {
    }

    public static void validate(ConsentRecord.NewConsent c, Vocabulary vocab) {
        List<FieldError> errors = new ArrayList<>();
        if (c == null) {
            throw ApiException.badRequest("/", "CONSENT_REQUIRED", "Send a consent.");
        }
        if (c.child() == null || blank(c.child().system()) || blank(c.child().value())) {
            errors.add(new FieldError("/child", "CHILD_IDENTIFIER_REQUIRED",
                    "The child's identifier is required as {system, value} (an NHS number or a local identifier)."));
        }
        ConsentRecord.ConsentedBy by = c.consentedBy();
        if (by == null || blank(by.type()) || !BASES.containsKey(by.type())) {
            errors.add(new FieldError("/consentedBy/type", "CONSENTED_BY_TYPE",
                    "consentedBy.type must be one of " + BASES.keySet().stream().sorted().toList()
                            + ": the child (if competent) or a person with parental responsibility."));
        } else if (blank(by.basis()) || !BASES.get(by.type()).contains(by.basis())) {
            errors.add(new FieldError("/consentedBy/basis", "CONSENT_BASIS",
                    "For consentedBy.type " + by.type() + " the basis must be one of "
                            + BASES.get(by.type()).stream().sorted().toList() + "."));
        }
        if (by != null && by.description() != null && by.description().length() > 200) {
            errors.add(new FieldError("/consentedBy/description", "TEXT_TOO_LONG",
                    "description is a role such as 'mother' (at most 200 characters), never a name."));
        }
        if (c.provisions() == null || c.provisions().isEmpty()) {
            errors.add(new FieldError("/provisions", "PROVISION_REQUIRED", "At least one provision (permit or deny) is required."));
        } else {
            for (int i = 0; i < c.provisions().size(); i++) {
                provision(c.provisions().get(i), "/provisions/" + i, vocab, errors);
            }
        }
        if (c.period() == null || c.period().start() == null) {
            errors.add(new FieldError("/period/start", "PERIOD_START_REQUIRED", "period.start is required."));
        } else if (c.period().end() != null && !c.period().end().isAfter(c.period().start())) {
            errors.add(new FieldError("/period/end", "PERIOD_ORDER", "period.end must be after period.start."));
        }
        if (!errors.isEmpty()) {
            throw new ApiException(400, "CONSENT_INVALID", "The consent is invalid; see errors.", errors);
        }
    }

    private static void provision(ConsentRecord.Provision p, String at, Vocabulary vocab, List<FieldError> errors) {
        if (p == null) {
            errors.add(new FieldError(at, "PROVISION_REQUIRED", "A provision cannot be null."));
            return;
        }
        if (p.type() == null || !PROVISION_TYPES.contains(p.type())) {
            errors.add(new FieldError(at + "/type", "PROVISION_TYPE", "type must be permit or deny."));
        }
        if (p.categories().isEmpty()) {
            errors.add(new FieldError(at + "/categories", "CATEGORY_REQUIRED", "Name at least one data category."));
        }
        coded(p.categories(), vocab.categories().keySet(), at + "/categories", "UNKNOWN_CATEGORY", "data category", errors);
        coded(p.recipientAgencyTypes(), vocab.agencyTypes().keySet(), at + "/recipientAgencyTypes", "UNKNOWN_AGENCY_TYPE",
                "agency type", errors);
        coded(p.purposes(), vocab.purposes().keySet(), at + "/purposes", "UNKNOWN_PURPOSE", "purpose of use", errors);
    }

    private static void coded(List<String> values, Set<String> known, String at, String rule, String what,
            List<FieldError> errors) {
        for (int i = 0; i < values.size(); i++) {
            if (!known.contains(values.get(i))) {
                errors.add(new FieldError(at + "/" + i, rule, "Not a known " + what + "; one of "
                        + known.stream().sorted().toList() + "."));
            }
        }
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
