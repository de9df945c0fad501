package uk.safeguarding.gateway.duty;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Partnership facts the duty emitters need that are not about one child. */
@ConfigMapping(prefix = "gateway.duties")
public interface DutiesConfig {

    /** The agency told of a serious event at a children's home (regulation 40): HMCI, through Ofsted, in England. */
    @WithDefault("regulator:ofsted")
    String regulator();

    /**
     * Continuous school days of unauthorised absence after which a school tells the council's
     * children-missing-education officer: 10 under the Education (Pupil Registration) (England)
     * Regulations 2024 and the Children missing education guidance (2024), as the partnership reads them.
     */
    @WithDefault("10")
    int cmeAbsenceSchoolDays();
}
