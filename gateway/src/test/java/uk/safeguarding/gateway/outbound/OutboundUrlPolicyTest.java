package uk.safeguarding.gateway.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.outbound.OutboundUrlPolicy.Refused;
import uk.safeguarding.gateway.outbound.OutboundUrlPolicy.Rule;

/** The outbound URL policy as production runs it, and as dev and test relax it, with the addresses it classifies. */
class OutboundUrlPolicyTest {

    record Settings(boolean allowPrivateAddresses, boolean allowHttpToLoopback, Set<Integer> allowedPorts, boolean allowAnyPort)
            implements OutboundConfig {
    }

    static final Settings PROD = new Settings(false, false, Set.of(443), false);
    static final Settings DEV = new Settings(true, true, Set.of(443), true);

    private static InetAddress[] answer(String... ips) {
        InetAddress[] out = new InetAddress[ips.length];
        for (int i = 0; i < ips.length; i++) {
            try {
                out[i] = InetAddress.getByName(ips[i]);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return out;
    }

    /** A policy whose every name resolves to the given addresses: what a hostile or changed DNS answers. */
    private static OutboundUrlPolicy resolvingTo(Settings settings, String... ips) {
        return new OutboundUrlPolicy(settings, host -> answer(ips));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            https://alerts.provider.example/hook                | OK
            https://93.184.216.34/hook                          | OK
            https://[2606:2800:220:1:248:1893:25c8:1946]/hook   | OK
            http://alerts.provider.example/hook                 | URL_NOT_HTTPS
            https://alerts.provider.example:8443/hook           | URL_PORT_NOT_ALLOWED
            https://alerts.provider.example:443/hook            | OK
            http://169.254.169.254/latest/meta-data/            | URL_ADDRESS_NOT_ALLOWED
            https://169.254.169.254/                            | URL_ADDRESS_NOT_ALLOWED
            https://127.0.0.1/                                  | URL_ADDRESS_NOT_ALLOWED
            https://localhost/                                  | URL_ADDRESS_NOT_ALLOWED
            https://api.localhost./                             | URL_ADDRESS_NOT_ALLOWED
            http://2130706433/                                  | URL_ADDRESS_NOT_ALLOWED
            https://0177.0.0.1/                                 | URL_ADDRESS_NOT_ALLOWED
            https://017700000001/                               | URL_ADDRESS_NOT_ALLOWED
            https://0x7f000001/                                 | URL_ADDRESS_NOT_ALLOWED
            https://0xA9FEA9FE/                                 | URL_ADDRESS_NOT_ALLOWED
            https://[::ffff:127.0.0.1]/                         | URL_ADDRESS_NOT_ALLOWED
            https://[::ffff:a9fe:a9fe]/                         | URL_ADDRESS_NOT_ALLOWED
            https://[64:ff9b::10.0.0.1]/                        | URL_ADDRESS_NOT_ALLOWED
            https://[2002:c0a8:0101::1]/                        | URL_ADDRESS_NOT_ALLOWED
            https://[64:ff9b:1::808:808]/                       | URL_ADDRESS_NOT_ALLOWED
            https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/     | URL_ADDRESS_NOT_ALLOWED
            https://[::ffff:0:808:808]/                         | URL_ADDRESS_NOT_ALLOWED
            https://[100::1]/                                   | URL_ADDRESS_NOT_ALLOWED
            https://[2001:4860:4860::8888]/                     | OK
            https://[::1]/                                      | URL_ADDRESS_NOT_ALLOWED
            https://[::]/                                       | URL_ADDRESS_NOT_ALLOWED
            https://[fe80::1]/                                  | URL_ADDRESS_NOT_ALLOWED
            https://[fd00::1]/                                  | URL_ADDRESS_NOT_ALLOWED
            https://[ff02::1]/                                  | URL_ADDRESS_NOT_ALLOWED
            https://10.1.2.3/                                   | URL_ADDRESS_NOT_ALLOWED
            https://172.16.0.1/                                 | URL_ADDRESS_NOT_ALLOWED
            https://172.31.255.255/                             | URL_ADDRESS_NOT_ALLOWED
            https://172.32.0.1/                                 | OK
            https://192.168.0.1/                                | URL_ADDRESS_NOT_ALLOWED
            https://100.64.0.1/                                 | URL_ADDRESS_NOT_ALLOWED
            https://100.127.255.255/                            | URL_ADDRESS_NOT_ALLOWED
            https://100.128.0.1/                                | OK
            https://0.0.0.0/                                    | URL_ADDRESS_NOT_ALLOWED
            https://224.0.0.1/                                  | URL_ADDRESS_NOT_ALLOWED
            https://255.255.255.255/                            | URL_ADDRESS_NOT_ALLOWED
            https://user:pw@alerts.provider.example/            | URL_INVALID
            https://0x7f.1/                                     | URL_INVALID
            https://127.1/                                      | URL_INVALID
            ftp://alerts.provider.example/                      | URL_NOT_HTTPS
            not a url                                           | URL_INVALID
            """)
    void productionRefusesNonPublicAddressesPlainHttpAndOtherPorts(String url, String expected) {
        OutboundUrlPolicy policy = new OutboundUrlPolicy(PROD, host -> answer("93.184.216.34"));
        if (expected.equals("OK")) {
            policy.check(url);
            assertEquals(443, policy.resolve(url).port());
            return;
        }
        Refused refused = assertThrows(Refused.class, () -> policy.check(url), url);
        assertEquals(Rule.valueOf(expected), refused.rule(), refused.getMessage());
    }

    @Test
    void theDecimalOctalAndHexFormsAreReadAsInetAtonReadsThem() {
        assertEquals("127.0.0.1", AddressClass.literal("2130706433").getHostAddress());
        assertEquals("127.0.0.1", AddressClass.literal("0177.0.0.1").getHostAddress());
        assertEquals("127.0.0.1", AddressClass.literal("0x7f.1").getHostAddress());
        assertEquals("127.0.0.1", AddressClass.literal("0x7f000001").getHostAddress());
        assertEquals("169.254.169.254", AddressClass.literal("0xA9FEA9FE").getHostAddress());
        assertEquals("10.0.1.2", AddressClass.literal("10.258").getHostAddress());
        assertNull(AddressClass.literal("alerts.provider.example"));
        assertNull(AddressClass.literal("256.1.1.1"), "not an address: a name, to be resolved (and fail)");
        assertNull(AddressClass.literal("4294967296"));
        assertEquals("link-local (169.254.0.0/16, cloud metadata)", AddressClass.nonPublicRange(AddressClass.literal("169.254.169.254")));
        assertTrue(AddressClass.nonPublicRange(AddressClass.literal("[::ffff:127.0.0.1]")).startsWith("loopback"));
        assertNull(AddressClass.nonPublicRange(AddressClass.literal("8.8.8.8")));
    }

    @Test
    void anIpv4MappedAddressAsRawIpv6BytesIsClassifiedByItsIpv4Part() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 169;
        mapped[13] = (byte) 254;
        mapped[14] = (byte) 169;
        mapped[15] = (byte) 254;
        // Inet6Address.getByAddress keeps the IPv6 form (InetAddress.getByAddress would unwrap it).
        InetAddress v6 = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertTrue(AddressClass.nonPublicRange(v6).startsWith("link-local"), AddressClass.nonPublicRange(v6));
    }

    @Test
    void atSendTimeEveryResolvedAddressIsCheckedAndTheCheckedOneIsPinned() {
        String url = "https://alerts.provider.example/hook";
        Refused privateAnswer = assertThrows(Refused.class, () -> resolvingTo(PROD, "10.0.0.7").resolve(url));
        assertEquals(Rule.URL_ADDRESS_NOT_ALLOWED, privateAnswer.rule());
        assertTrue(privateAnswer.getMessage().contains("alerts.provider.example") && !privateAnswer.getMessage().contains("10.0.0.7"),
                "host named, resolved address not (it is shown to administrators): " + privateAnswer.getMessage());
        Refused mixed = assertThrows(Refused.class, () -> resolvingTo(PROD, "93.184.216.34", "169.254.169.254").resolve(url));
        assertEquals(Rule.URL_ADDRESS_NOT_ALLOWED, mixed.rule(), "one bad address in the answer refuses the send");
        assertFalse(mixed.getMessage().contains("169.254"), mixed.getMessage());
        Refused unresolvable = assertThrows(Refused.class, () -> new OutboundUrlPolicy(PROD, host -> {
            throw new UnknownHostException(host);
        }).resolve(url));
        assertEquals(Rule.URL_UNRESOLVABLE, unresolvable.rule());

        OutboundUrlPolicy.Target target = resolvingTo(PROD, "93.184.216.34", "93.184.216.35").resolve(url + "?a=1");
        assertEquals("93.184.216.34", target.address().getHostAddress(), "the connection goes to the address checked");
        assertEquals("alerts.provider.example", target.host(), "the name still goes in Host, SNI and the certificate check");
        assertEquals(443, target.port());
        assertEquals("/hook?a=1", target.requestUri());
    }

    @Test
    void devAndTestAllowLocalReceiversButStillOnlyHttpToLoopback() {
        OutboundUrlPolicy dev = resolvingTo(DEV, "127.0.0.1");
        assertEquals("127.0.0.1", dev.resolve("http://127.0.0.1:8089/hooks").address().getHostAddress());
        assertEquals(8089, dev.resolve("http://localhost:8089/hooks").port());
        dev.check("https://10.0.0.5:9443/hooks");
        assertEquals(Rule.URL_NOT_HTTPS, assertThrows(Refused.class, () -> dev.check("http://10.0.0.5/hooks")).rule());
        assertEquals(Rule.URL_NOT_HTTPS, assertThrows(Refused.class, () -> dev.check("http://provider.example/hooks")).rule());
        assertEquals(Rule.URL_NOT_HTTPS, assertThrows(Refused.class,
                () -> resolvingTo(DEV, "10.0.0.5").resolve("http://localhost/hooks")).rule(),
                "http to a name is sent only if every address it resolves to is loopback");
    }
}
