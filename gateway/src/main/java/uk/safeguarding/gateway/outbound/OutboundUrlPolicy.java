package uk.safeguarding.gateway.outbound;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import uk.safeguarding.gateway.problem.ApiException;

/**
 * Where the gateway may send requests of its own: webhook endpoints, OAuth token endpoints and (at
 * merge) audit witnesses. Checked twice: when a URL is registered, without DNS (syntax, scheme, port,
 * literal addresses however written, names that are always local), answering 400 with the field and
 * the rule; and at every send, where the host is resolved, every address it resolves to is checked,
 * and the connection is made to the checked address ({@link PinnedHttp}), so a DNS answer that changes
 * between check and connect (rebinding) cannot redirect it. In production loopback, private,
 * link-local (cloud metadata), CGNAT, unspecified, multicast and reserved addresses are refused, only
 * https is sent and only to the allowed ports (443); dev and test allow local receivers explicitly.
 */
@ApplicationScoped
public class OutboundUrlPolicy {

    /** Why a URL is refused; the name is the problem+json rule code. */
    public enum Rule { URL_INVALID, URL_NOT_HTTPS, URL_PORT_NOT_ALLOWED, URL_ADDRESS_NOT_ALLOWED, URL_UNRESOLVABLE }

    /** A refusal: the rule and a message naming the host and range, never a secret. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Rule rule;

        Refused(Rule rule, String message) {
            super(message);
            this.rule = rule;
        }

        public Rule rule() {
            return rule;
        }
    }

    /** A URL that passed the send-time check, with the address to connect to (and nothing else). */
    public record Target(URI uri, String host, int port, boolean https, InetAddress address) {

        /** Path and query, as sent on the request line. */
        public String requestUri() {
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        }
    }

    /** A resolver, so tests can give a name the answer a hostile DNS would. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final boolean allowHttpToLoopback;
    private final boolean allowAnyPort;
    private final Set<Integer> allowedPorts;
    private final Resolver resolver;

    @Inject
    OutboundUrlPolicy(OutboundConfig config) {
        this(config, InetAddress::getAllByName);
    }

    public OutboundUrlPolicy(OutboundConfig config, Resolver resolver) {
        this.allowPrivate = config.allowPrivateAddresses();
        this.allowHttpToLoopback = config.allowHttpToLoopback();
        this.allowAnyPort = config.allowAnyPort();
        this.allowedPorts = Set.copyOf(config.allowedPorts());
        this.resolver = resolver;
    }

    /** The registration-time check as an API answer: 400 naming {@code field} and the rule. */
    public void validate(String url, String field) {
        try {
            check(url);
        } catch (Refused e) {
            throw ApiException.badRequest(field, e.rule().name(), field + ": " + e.getMessage());
        }
    }

    /** Everything that can be checked without DNS; returns the parsed URL. Never blocks. */
    public URI check(String url) {
        URI uri;
        try {
            uri = url == null ? null : new URI(url);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || uri.getScheme() == null || uri.getRawUserInfo() != null
                || uri.getRawFragment() != null) {
            throw new Refused(Rule.URL_INVALID, "must be an absolute https URL with a host, without credentials or fragment");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        InetAddress literal = AddressClass.literal(host);
        String range = literal != null ? AddressClass.nonPublicRange(literal) : alwaysLocalName(host);
        if (range != null && !allowPrivate) {
            throw new Refused(Rule.URL_ADDRESS_NOT_ALLOWED, host + " is a " + range + " address, refused for outbound calls");
        }
        boolean loopback = range != null && range.startsWith("loopback");
        if (!scheme.equals("https") && !(scheme.equals("http") && allowHttpToLoopback && loopback)) {
            throw new Refused(Rule.URL_NOT_HTTPS, allowHttpToLoopback
                    ? "must use https (plain http only to a loopback address)" : "must use https");
        }
        int port = port(uri);
        if (!allowAnyPort && !allowedPorts.contains(port)) {
            throw new Refused(Rule.URL_PORT_NOT_ALLOWED, "port " + port + " is not an allowed outbound port " + allowedPorts);
        }
        return uri;
    }

    /**
     * The send-time check: resolves the host now (blocking: call it off the event loop), refuses if any
     * address it resolves to is refused, and returns the first one to connect to.
     */
    public Target resolve(String url) {
        URI uri = check(url);
        String host = uri.getHost();
        InetAddress literal = AddressClass.literal(host);
        InetAddress[] addresses;
        if (literal != null) {
            addresses = new InetAddress[] {literal};
        } else {
            try {
                addresses = resolver.resolve(host);
            } catch (UnknownHostException e) {
                throw new Refused(Rule.URL_UNRESOLVABLE, host + " does not resolve");
            }
        }
        if (addresses.length == 0) {
            throw new Refused(Rule.URL_UNRESOLVABLE, host + " does not resolve");
        }
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        for (InetAddress a : addresses) {
            String range = AddressClass.nonPublicRange(a);
            if (range != null && !allowPrivate) {
                // Rule and host only: the message is stored in last_error and shown to administrators and
                // DPOs, who need not learn the internal addresses a name resolves to.
                throw new Refused(Rule.URL_ADDRESS_NOT_ALLOWED, host + " resolves to a non-public address, refused for outbound calls");
            }
            if (!https && (range == null || !range.startsWith("loopback"))) {
                throw new Refused(Rule.URL_NOT_HTTPS, host + " resolves to an address that is not loopback: plain http is refused");
            }
        }
        return new Target(uri, host, port(uri), https, addresses[0]);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** Names that are local by definition (RFC 6761), whatever a resolver answers. */
    private static String alwaysLocalName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        h = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        return h.equals("localhost") || h.endsWith(".localhost") ? "loopback (localhost)" : null;
    }
}
