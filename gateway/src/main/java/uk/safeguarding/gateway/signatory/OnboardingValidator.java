package uk.safeguarding.gateway.signatory;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import uk.safeguarding.gateway.outbound.OutboundUrlPolicy;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem;
import uk.safeguarding.protocol.load.ProtocolSet;
import uk.safeguarding.protocol.model.Protocol;

/**
 * Checks an onboarding request completely before anything is created anywhere, and reports every
 * failing field at once: an administrator fixes the request in one go.
 */
final class OnboardingValidator {

    /** An onboarding request as posted. */
    record Onboard(String agencyId, String agencyType, String displayName, List<String> protocols, String dpoContact,
            String webhookUrl) {
    }

    private static final Pattern AGENCY_ID = Pattern.compile("[a-z]+:[A-Za-z0-9-]{1,40}");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\\.[A-Za-z]{2,24}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    private OnboardingValidator() {
    }

    /** The protocols to sign, deduplicated in the order given; throws a 400 naming every bad field. */
    static List<String> validate(Onboard body, ProtocolSet protocols, OutboundUrlPolicy urls) {
        if (body == null) {
            throw ApiException.badRequest("body", "REQUIRED", "A JSON body is required.");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        String type = body.agencyType();
        if (body.agencyId() == null || !AGENCY_ID.matcher(body.agencyId()).matches()) {
            errors.add(new Problem.FieldError("agencyId", "AGENCY_ID_FORMAT",
                    "agencyId must be <type>:<code>, e.g. la:E06000099 (ONS code), nhs:RQX (ODS), school:<URN>, provider:<Ofsted URN>."));
        } else if (type == null || !body.agencyId().startsWith(type + ":")) {
            errors.add(new Problem.FieldError("agencyType", "AGENCY_TYPE_MISMATCH",
                    "agencyType must be the prefix of agencyId."));
        }
        if (type == null || !protocols.vocabulary().agencyTypes().containsKey(type)) {
            errors.add(new Problem.FieldError("agencyType", "UNKNOWN_AGENCY_TYPE",
                    "agencyType must be one of " + protocols.vocabulary().agencyTypes().keySet() + "."));
        }
        if (body.displayName() == null || body.displayName().isBlank() || body.displayName().length() > 120
                || CONTROL.matcher(body.displayName()).find()) {
            errors.add(new Problem.FieldError("displayName", "DISPLAY_NAME",
                    "displayName is required: 1 to 120 characters, no control characters."));
        }
        if (body.dpoContact() == null || !EMAIL.matcher(body.dpoContact()).matches()) {
            errors.add(new Problem.FieldError("dpoContact", "EMAIL_FORMAT",
                    "dpoContact must be the data-protection officer's email address."));
        }
        LinkedHashSet<String> signs = new LinkedHashSet<>();
        if (body.protocols() == null || body.protocols().isEmpty()) {
            errors.add(new Problem.FieldError("protocols", "REQUIRED", "protocols must list at least one protocol the agency signs."));
        } else {
            LocalDate today = LocalDate.now(LONDON);
            for (int i = 0; i < body.protocols().size(); i++) {
                String id = body.protocols().get(i);
                Protocol protocol = id == null ? null : protocols.protocol(id).orElse(null);
                if (protocol == null) {
                    errors.add(new Problem.FieldError("protocols[" + i + "]", "UNKNOWN_PROTOCOL",
                            "No protocol '" + id + "'; known: " + protocols.protocols().stream().map(Protocol::id).toList() + "."));
                } else if (!protocol.inForceOn(today)) {
                    errors.add(new Problem.FieldError("protocols[" + i + "]", "PROTOCOL_NOT_IN_FORCE",
                            "Protocol '" + id + "' is not in force today."));
                } else {
                    signs.add(id);
                }
            }
        }
        if (body.webhookUrl() != null) {
            try {
                urls.validate(body.webhookUrl(), "webhookUrl");
            } catch (ApiException e) {
                errors.addAll(e.errors());
            }
        }
        if (errors.size() == 1) {
            Problem.FieldError only = errors.get(0);
            throw new ApiException(400, only.rule(), only.message(), errors);
        }
        if (!errors.isEmpty()) {
            throw new ApiException(400, "VALIDATION_FAILED", errors.size() + " fields are invalid; see errors.", errors);
        }
        return List.copyOf(signs);
    }

    /** The Keycloak client id for an agency: {@code la:E06000099} becomes {@code la-e06000099}. */
    static String clientId(String agencyId) {
        return agencyId.toLowerCase(java.util.Locale.ROOT).replace(':', '-');
    }
}
