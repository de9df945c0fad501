package uk.safeguarding.gateway.language;

import jakarta.enterprise.context.RequestScoped;
import java.util.ArrayList;
import java.util.List;
import uk.safeguarding.gateway.referral.LanguageCheck;

/** The language flags found in this request's body, kept until the answer is written. */
@RequestScoped
public class FlagsFound {

    private final List<LanguageCheck.Flag> flags = new ArrayList<>();

    void addAll(List<LanguageCheck.Flag> found) {
        flags.addAll(found);
    }

    public List<LanguageCheck.Flag> flags() {
        return List.copyOf(flags);
    }
}
