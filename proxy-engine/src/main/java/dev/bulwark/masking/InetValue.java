package dev.bulwark.masking;

import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * An inet/cidr value. Parsed by hand because {@code InetAddress.getByName} may resolve names
 * through DNS, which must never happen on an event loop or for data values.
 *
 * <pre>
 * binary: Byte1 family (2 = IPv4, 3 = IPv6), Byte1 bits, Byte1 is_cidr, Byte1 nb, nb address bytes
 * </pre>
 */
record InetValue(byte[] address, int bits) {

    static final int FAMILY_INET = 2;
    static final int FAMILY_INET6 = 3;

    InetValue {
        requireNonNull(address, "address is null");
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("address must have 4 or 16 bytes");
        }
        if (bits < 0 || bits > address.length * 8) {
            throw new IllegalArgumentException("bits out of range");
        }
        address = address.clone();
    }

    boolean ipv6() {
        return address.length == 16;
    }

    static InetValue parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] address = host.indexOf(':') >= 0 ? parseIpv6(host) : parseIpv4(host);
        int bits = slash < 0 ? address.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
        return new InetValue(address, bits);
    }

    static InetValue fromBinary(byte[] bytes) {
        if (bytes.length < 4) {
            throw new IllegalArgumentException("inet too short");
        }
        int length = bytes[3] & 0xff;
        if (bytes.length != 4 + length) {
            throw new IllegalArgumentException("inet length mismatch");
        }
        return new InetValue(Arrays.copyOfRange(bytes, 4, 4 + length), bytes[1] & 0xff);
    }

    byte[] toBinary(boolean cidr) {
        byte[] out = new byte[4 + address.length];
        out[0] = (byte) (ipv6() ? FAMILY_INET6 : FAMILY_INET);
        out[1] = (byte) bits;
        out[2] = (byte) (cidr ? 1 : 0);
        out[3] = (byte) address.length;
        System.arraycopy(address, 0, out, 4, address.length);
        return out;
    }

    /** PostgreSQL's text form: the mask is shown for inet only when it is not a host mask, always for cidr. */
    String toText(boolean cidr) {
        String host = ipv6() ? formatIpv6(address) : formatIpv4(address);
        return cidr || bits != address.length * 8 ? host + "/" + bits : host;
    }

    /** The canonical form used for tokenization (always with the mask). */
    String canonical() {
        return toText(true);
    }

    byte[] addressBytes() {
        return address.clone();
    }

    private static byte[] parseIpv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address");
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address");
            }
            int value = Integer.parseInt(parts[i]);
            if (value > 255) {
                throw new IllegalArgumentException("not an IPv4 address");
            }
            out[i] = (byte) value;
        }
        return out;
    }

    private static byte[] parseIpv6(String host) {
        int[] groups = new int[8];
        String head = host;
        String tail = "";
        int doubleColon = host.indexOf("::");
        if (doubleColon >= 0) {
            head = host.substring(0, doubleColon);
            tail = host.substring(doubleColon + 2);
            if (tail.contains("::")) {
                throw new IllegalArgumentException("not an IPv6 address");
            }
        }
        int[] headGroups = groups(head);
        int[] tailGroups = groups(tail);
        int total = headGroups.length + tailGroups.length;
        if (doubleColon < 0 ? total != 8 : total > 7) {
            throw new IllegalArgumentException("not an IPv6 address");
        }
        System.arraycopy(headGroups, 0, groups, 0, headGroups.length);
        System.arraycopy(tailGroups, 0, groups, 8 - tailGroups.length, tailGroups.length);
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (groups[i] >> 8);
            out[2 * i + 1] = (byte) groups[i];
        }
        return out;
    }

    /** Hex groups separated by ':'; a trailing dotted IPv4 part counts as two groups. */
    private static int[] groups(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        String[] parts = text.split(":", -1);
        int count = parts.length;
        boolean embeddedIpv4 = parts[count - 1].indexOf('.') >= 0;
        int[] out = new int[embeddedIpv4 ? count + 1 : count];
        for (int i = 0; i < count; i++) {
            String part = parts[i];
            if (embeddedIpv4 && i == count - 1) {
                byte[] v4 = parseIpv4(part);
                out[i] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
                out[i + 1] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
            } else {
                if (part.isEmpty() || part.length() > 4) {
                    throw new IllegalArgumentException("not an IPv6 address");
                }
                out[i] = Integer.parseInt(part, 16);
            }
        }
        return out;
    }

    private static String formatIpv4(byte[] address) {
        return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
    }

    /** RFC 5952 form: lowercase, no leading zeros, the longest run of two or more zero groups as "::". */
    private static String formatIpv6(byte[] address) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (address[2 * i] & 0xff) << 8 | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder(40);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
