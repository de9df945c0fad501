package uk.safeguarding.gateway.outbound;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Set;

/** Where the gateway may send requests of its own (webhooks, OAuth token endpoints, witnesses); docs/SECURITY.md. */
@ConfigMapping(prefix = "gateway.outbound")
public interface OutboundConfig {

    /** Allow loopback, private, link-local, CGNAT and other non-public addresses (dev and test receivers on this host); off in %prod. */
    @WithDefault("false")
    boolean allowPrivateAddresses();

    /** Allow plain http to a loopback address (a receiver on the same host); off in %prod, where only https is sent. */
    @WithDefault("false")
    boolean allowHttpToLoopback();

    /** Ports outbound URLs may name (an absent port means the scheme's default). */
    @WithDefault("443")
    Set<Integer> allowedPorts();

    /** Allow any port (dev and test receivers listen on random ports); off in %prod. */
    @WithDefault("false")
    boolean allowAnyPort();
}
