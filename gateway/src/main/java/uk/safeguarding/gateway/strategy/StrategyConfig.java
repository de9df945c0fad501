package uk.safeguarding.gateway.strategy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Strategy discussions and the multi-agency child exploitation (MACE) view. */
@ConfigMapping(prefix = "gateway.strategy")
public interface StrategyConfig {

    /** The area's protocol whose active signatories are the partnership that holds the MACE view. */
    @WithDefault("professional-disagreement")
    String partnershipProtocol();
}
