package uk.safeguarding.gateway.duty;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Partnership facts the duty emitters need that are not about one child. */
@ConfigMapping(prefix = "gateway.duties")
public interface DutiesConfig {

    /** The agency told of a serious event at a children's home (regulation 40): HMCI, through Ofsted, in England. */
    @WithDefault("regulator:ofsted")
    String regulator();
}
