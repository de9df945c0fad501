package uk.safeguarding.gateway.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Which addresses the gateway must never send to in production, and how host strings that are IPv4
 * literals in disguise ({@code 2130706433}, {@code 0x7f.1}, {@code 0177.0.0.1}) are read: the way
 * {@code inet_aton} reads them, the most permissive reading any client might apply, so that what is
 * checked is never narrower than what could be connected to.
 */
public final class AddressClass {

    private AddressClass() {
    }

    /** The non-public range {@code address} is in (e.g. "loopback", "link-local (cloud metadata)"), or null when public. */
    public static String nonPublicRange(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            byte[] embedded = embeddedIpv4(b);
            if (embedded != null) {
                String inner = ipv4Range(embedded);
                return inner == null ? null : inner + " (IPv4 inside an IPv6 address)";
            }
            return ipv6Range(b);
        }
        return ipv4Range(b);
    }

    private static String ipv4Range(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        if (a0 == 0) {
            return "unspecified (0.0.0.0/8)";
        }
        if (a0 == 127) {
            return "loopback (127.0.0.0/8)";
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
            return "private (RFC 1918)";
        }
        if (a0 == 169 && a1 == 254) {
            return "link-local (169.254.0.0/16, cloud metadata)";
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return "carrier-grade NAT (100.64.0.0/10)";
        }
        if (a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0) {
            return "IETF protocol assignments (192.0.0.0/24)";
        }
        if (a0 == 198 && (a1 & 0xfe) == 18) {
            return "benchmarking (198.18.0.0/15)";
        }
        if (a0 >= 224 && a0 <= 239) {
            return "multicast (224.0.0.0/4)";
        }
        if (a0 >= 240) {
            return "reserved or broadcast (240.0.0.0/4)";
        }
        return null;
    }

    private static String ipv6Range(byte[] b) {
        boolean zeroTo14 = true;
        for (int i = 0; i < 15; i++) {
            zeroTo14 &= b[i] == 0;
        }
        if (zeroTo14 && b[15] == 0) {
            return "unspecified (::)";
        }
        if (zeroTo14 && b[15] == 1) {
            return "loopback (::1)";
        }
        int b0 = b[0] & 0xff;
        if ((b0 & 0xfe) == 0xfc) {
            return "unique local (fc00::/7)";
        }
        if (b0 == 0xfe && (b[1] & 0xc0) == 0x80) {
            return "link-local (fe80::/10)";
        }
        if (b0 == 0xfe && (b[1] & 0xc0) == 0xc0) {
            return "site-local (fec0::/10)";
        }
        if (b0 == 0xff) {
            return "multicast (ff00::/8)";
        }
        if (b0 == 0x20 && b[1] == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) {
            return "documentation (2001:db8::/32)";
        }
        if (b0 == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
            // Teredo tunnels to an address the gateway cannot check.
            return "Teredo (2001::/32)";
        }
        if (b0 == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && b[4] == 0 && b[5] == 1) {
            return "local-use NAT64 (64:ff9b:1::/48)";
        }
        if (allZero(b, 0, 8) && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && b[10] == 0 && b[11] == 0) {
            return "IPv4-translated (::ffff:0:0:0/96)";
        }
        if (b0 == 0x01 && allZero(b, 1, 8)) {
            return "discard-only (100::/64)";
        }
        return null;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The IPv4 address inside an IPv4-mapped ({@code ::ffff:a.b.c.d}), IPv4-compatible ({@code ::a.b.c.d}),
     * NAT64 ({@code 64:ff9b::a.b.c.d}) or 6to4 ({@code 2002:AABB:CCDD::}) address; null for any other.
     */
    static byte[] embeddedIpv4(byte[] b) {
        boolean zeroTo9 = true;
        for (int i = 0; i < 10; i++) {
            zeroTo9 &= b[i] == 0;
        }
        boolean mapped = zeroTo9 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeroTo9 && b[10] == 0 && b[11] == 0 && !((b[12] | b[13] | b[14]) == 0 && (b[15] & 0xfe) == 0);
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        if (mapped || compatible || nat64) {
            return new byte[] {b[12], b[13], b[14], b[15]};
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return new byte[] {b[2], b[3], b[4], b[5]};
        }
        return null;
    }

    /**
     * The address a host string denotes when it is an IPv4 literal in any form {@code inet_aton} accepts
     * (one to four parts, each decimal, octal with a leading 0, or hex with 0x), or an IPv6 literal in
     * brackets or without; null when it is a name.
     */
    public static InetAddress literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.contains(":")) {
            if (!h.matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?")) {
                return null;
            }
            try {
                return InetAddress.getByName(h); // a literal: no lookup
            } catch (UnknownHostException e) {
                return null;
            }
        }
        String[] parts = h.endsWith(".") ? h.substring(0, h.length() - 1).split("\\.", -1) : h.split("\\.", -1);
        if (parts.length == 0 || parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long v = number(parts[i]);
            if (v == null) {
                return null;
            }
            values[i] = v;
        }
        long address = 0;
        int last = parts.length - 1;
        for (int i = 0; i < last; i++) {
            if (values[i] > 0xff) {
                return null;
            }
            address |= values[i] << (8 * (3 - i));
        }
        long rest = 1L << (8 * (4 - last));
        if (values[last] >= rest) {
            return null;
        }
        address |= values[last];
        try {
            return InetAddress.getByAddress(h, new byte[] {(byte) (address >>> 24), (byte) (address >>> 16),
                    (byte) (address >>> 8), (byte) address});
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static Long number(String part) {
        try {
            if (part.matches("0[xX][0-9A-Fa-f]*")) {
                return part.length() == 2 ? 0L : Long.parseLong(part.substring(2), 16);
            }
            if (part.matches("0[0-7]+")) {
                return Long.parseLong(part.substring(1), 8);
            }
            if (part.matches("[0-9]{1,12}")) {
                return Long.parseLong(part);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

}
