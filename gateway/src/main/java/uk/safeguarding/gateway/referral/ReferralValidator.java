package uk.safeguarding.gateway.referral;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem.FieldError;

/**
 * The domain checks every referral passes, whichever format it came in: the inquiries' findings
 * (no risk assessment without an age) and the coded fields. All failures are reported at once, each
 * naming its field (a JSON pointer into the canonical referral) and its rule.
 */
public final class ReferralValidator {

    public static final Set<String> RISK_LEVELS = Set.of("low", "medium", "high");
    public static final Set<String> CONCERN_CATEGORIES = Set.of("child-sexual-exploitation",
            "child-criminal-exploitation", "sexual-abuse", "physical-abuse", "emotional-abuse", "neglect",
            "domestic-abuse", "missing", "online-harm", "trafficking", "radicalisation", "self-harm");
    public static final Set<String> HANDLING_CODES = Set.of("P", "C");
    private static final java.util.regex.Pattern GRADING = java.util.regex.Pattern.compile("[1-3][A-E]");
    private static final java.util.regex.Pattern AGENCY = java.util.regex.Pattern.compile("[a-z]+:[A-Za-z0-9]+");
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final int MAX_SHORT_FIELD = 200;

    private ReferralValidator() {
    }

    /** Throws a 400 listing every failing field, or returns when the referral may proceed. */
    public static void validate(Referral r, String tokenAgency, int maxTextLength) {
        List<FieldError> errors = errors(r, tokenAgency, maxTextLength);
        if (!errors.isEmpty()) {
            throw new ApiException(400, "REFERRAL_INVALID", "The referral failed " + errors.size()
                    + " check(s); nothing was saved.", errors);
        }
    }

    /** Every failing field (JSON pointers), so a caller can answer them all at once with others it found. */
    public static List<FieldError> errors(Referral r, String tokenAgency, int maxTextLength) {
        List<FieldError> errors = new ArrayList<>();
        if (r.requesterAgency() == null || r.requesterAgency().isBlank()) {
            errors.add(new FieldError("/requesterAgency", "REQUIRED", "The referring agency is required."));
        } else if (!r.requesterAgency().equals(tokenAgency)) {
            errors.add(new FieldError("/requesterAgency", "REQUESTER_AGENCY_MISMATCH",
                    "The referring agency must be the agency of your token (" + tokenAgency + ")."));
        }
        if (r.homeCouncil() == null || !AGENCY.matcher(r.homeCouncil()).matches() || !r.homeCouncil().startsWith("la:")) {
            errors.add(new FieldError("/homeCouncil", "CODED_VALUE",
                    "The child's home council is required, as a local authority id such as la:E09000030."));
        }
        Referral.Child child = r.child();
        if (child == null) {
            errors.add(new FieldError("/child", "REQUIRED", "The child is required."));
        } else {
            checkChild(child, errors);
        }
        if (r.riskLevel() == null) {
            errors.add(new FieldError("/riskLevel", "REQUIRED", "The risk level is required: one of low, medium, high."));
        } else if (!RISK_LEVELS.contains(r.riskLevel())) {
            errors.add(new FieldError("/riskLevel", "CODED_VALUE", "The risk level must be one of low, medium, high."));
        }
        if (r.concernCategories() == null || r.concernCategories().isEmpty()) {
            errors.add(new FieldError("/concernCategories", "REQUIRED", "At least one concern category is required."));
        } else {
            for (int i = 0; i < r.concernCategories().size(); i++) {
                String c = r.concernCategories().get(i);
                if (c == null || !CONCERN_CATEGORIES.contains(c)) {
                    errors.add(new FieldError("/concernCategories/" + i, "CODED_VALUE",
                            "Unknown concern category; use one of " + new java.util.TreeSet<>(CONCERN_CATEGORIES) + "."));
                }
            }
        }
        if (!Referral.notBlank(r.summary())) {
            errors.add(new FieldError("/summary", "REQUIRED", "Describe the concern."));
        }
        Referral.Intelligence intel = r.policeIntelligence();
        if (intel != null) {
            if (!Referral.notBlank(intel.text())) {
                errors.add(new FieldError("/policeIntelligence/text", "REQUIRED", "Intelligence needs its text."));
            }
            if (intel.grading() != null && !GRADING.matcher(intel.grading()).matches()) {
                errors.add(new FieldError("/policeIntelligence/grading", "CODED_VALUE",
                        "3x5x2 grading is source (1-3) then intelligence (A-E), e.g. 1B."));
            }
            if (intel.handlingCode() == null || !HANDLING_CODES.contains(intel.handlingCode())) {
                errors.add(new FieldError("/policeIntelligence/handlingCode", "CODED_VALUE",
                        "The 3x5x2 handling code is required: P (lawful sharing permitted) or C (conditions apply)."));
            }
        }
        // Names, contacts and identifiers are short by nature; the free-text limit is for narrative only.
        Map<String, String> shortFields = new java.util.LinkedHashMap<>();
        shortFields.put("/requesterContact", r.requesterContact());
        if (child != null) {
            shortFields.put("/child/givenName", child.givenName());
            shortFields.put("/child/familyName", child.familyName());
            if (child.localIdentifier() != null) {
                shortFields.put("/child/localIdentifier/system", child.localIdentifier().system());
                shortFields.put("/child/localIdentifier/value", child.localIdentifier().value());
            }
        }
        shortFields.forEach((field, value) -> {
            if (value != null && value.length() > MAX_SHORT_FIELD) {
                errors.add(new FieldError(field, "TOO_LONG", "At most " + MAX_SHORT_FIELD + " characters."));
            }
        });
        r.freeText().forEach((field, text) -> {
            if (text != null && text.length() > maxTextLength) {
                errors.add(new FieldError(field, "TOO_LONG", "At most " + maxTextLength + " characters."));
            }
        });
        return errors;
    }

    private static void checkChild(Referral.Child child, List<FieldError> errors) {
        if (child.birthDate() == null || child.birthDate().isBlank()) {
            errors.add(new FieldError("/child/birthDate", "DATE_OF_BIRTH_REQUIRED",
                    "The child's date of birth is required: risk cannot be assessed without knowing the child's age."));
        } else {
            try {
                LocalDate dob = LocalDate.parse(child.birthDate());
                if (dob.isAfter(LocalDate.now(LONDON))) {
                    errors.add(new FieldError("/child/birthDate", "DATE_OF_BIRTH_IN_FUTURE",
                            "The date of birth is in the future."));
                } else if (dob.isBefore(LocalDate.now(LONDON).minusYears(25))) {
                    errors.add(new FieldError("/child/birthDate", "NOT_A_CHILD",
                            "The date of birth makes the subject older than 25; this gateway is for children and care leavers."));
                }
            } catch (DateTimeException e) {
                errors.add(new FieldError("/child/birthDate", "DATE_INVALID", "Use a full date, YYYY-MM-DD."));
            }
        }
        if (child.postcode() != null && !child.postcode().strip().matches(uk.safeguarding.gateway.identity.MatchKeys.POSTCODE)) {
            errors.add(new FieldError("/child/postcode", "POSTCODE_FORMAT",
                    "A UK postcode such as SW1A 1AA (outward code, optional space, inward code)."));
        }
        boolean hasLocal = child.localIdentifier() != null && Referral.notBlank(child.localIdentifier().system())
                && Referral.notBlank(child.localIdentifier().value());
        if (child.nhsNumber() != null) {
            if (!isValidNhsNumber(child.nhsNumber())) {
                errors.add(new FieldError("/child/nhsNumber", "NHS_NUMBER_CHECK_DIGIT",
                        "An NHS number is 10 digits whose last digit is the modulus-11 check digit; this one fails the check."));
            }
        } else if (!hasLocal) {
            errors.add(new FieldError("/child/nhsNumber", "IDENTIFIER_REQUIRED",
                    "Give the child's NHS number, or a local identifier (system and value), so referrals about the same child are linked."));
        }
        if (child.localIdentifier() != null && !hasLocal) {
            errors.add(new FieldError("/child/localIdentifier", "REQUIRED", "A local identifier needs a system and a value."));
        }
    }

    /** NHS number: ten digits; weights 10..2 on the first nine; 11 - (sum mod 11), 11 -> 0, 10 -> invalid. */
    public static boolean isValidNhsNumber(String nhsNumber) {
        if (nhsNumber == null || !nhsNumber.matches("\\d{10}")) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (nhsNumber.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - (sum % 11);
        if (check == 11) {
            check = 0;
        }
        return check != 10 && check == nhsNumber.charAt(9) - '0';
    }
}
