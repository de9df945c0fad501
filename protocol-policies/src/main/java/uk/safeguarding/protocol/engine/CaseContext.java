package uk.safeguarding.protocol.engine;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What the duty planner needs to know about a child's case: which agency holds each case role, the
 * dates deadlines may be measured against, and whether the placement was an emergency.
 *
 * @param agencies case role (home-council, host-police, school, ...) to agency id
 * @param dates case date (placement-start, arrival) to instant
 * @param termCalendar the council whose school terms count for "next school day" deadlines (the school's
 *     council), or null for working days
 */
public record CaseContext(Map<String, String> agencies, Map<String, Instant> dates, boolean emergencyPlacement,
        String termCalendar) {

    public CaseContext(Map<String, String> agencies, Map<String, Instant> dates, boolean emergencyPlacement) {
        this(agencies, dates, emergencyPlacement, null);
    }

    public CaseContext {
        agencies = Collections.unmodifiableMap(new LinkedHashMap<>(agencies));
        dates = Collections.unmodifiableMap(new LinkedHashMap<>(dates));
    }

    /** Every agency in the case, once each, in case-role order. */
    public List<String> allInvolved() {
        return List.copyOf(new LinkedHashSet<>(agencies.values()));
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Map<String, String> agencies = new LinkedHashMap<>();
        private final Map<String, Instant> dates = new LinkedHashMap<>();
        private boolean emergency;
        private String termCalendar;

        public Builder role(String caseRole, String agencyId) {
            agencies.put(caseRole, agencyId);
            return this;
        }

        public Builder date(String caseDate, Instant at) {
            dates.put(caseDate, at);
            return this;
        }

        public Builder emergencyPlacement(boolean emergency) {
            this.emergency = emergency;
            return this;
        }

        /** The council whose school terms count for next-school-day deadlines. */
        public Builder termCalendar(String council) {
            this.termCalendar = council;
            return this;
        }

        public CaseContext build() {
            return new CaseContext(agencies, dates, emergency, termCalendar);
        }
    }
}
