package dev.bulwark.masking;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * numeric's binary form.
 *
 * <pre>
 * Int16 ndigits, Int16 weight, Int16 sign (0x0000 +, 0x4000 -, 0xC000 NaN, 0xD000 +Inf, 0xF000 -Inf),
 * Int16 dscale, then ndigits Int16 base-10000 digits; value = sum digit[i] * 10000^(weight - i)
 * </pre>
 */
final class NumericCodec {

    private static final int POSITIVE = 0x0000;
    private static final int NEGATIVE = 0x4000;
    private static final int NAN = 0xC000;
    private static final int PLUS_INFINITY = 0xD000;
    private static final int MINUS_INFINITY = 0xF000;
    private static final BigInteger BASE = BigInteger.valueOf(10_000);

    private NumericCodec() {
    }

    /** The value as PostgreSQL prints it ("NaN", "Infinity", "-Infinity" or a plain decimal). */
    static String decode(byte[] bytes) {
        if (bytes.length < 8) {
            throw new IllegalArgumentException("numeric too short");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int ndigits = in.getShort() & 0xffff;
        int weight = in.getShort();
        int sign = in.getShort() & 0xffff;
        int dscale = in.getShort() & 0xffff;
        if (bytes.length != 8 + 2 * ndigits) {
            throw new IllegalArgumentException("numeric length mismatch");
        }
        switch (sign) {
            case NAN -> {
                return "NaN";
            }
            case PLUS_INFINITY -> {
                return "Infinity";
            }
            case MINUS_INFINITY -> {
                return "-Infinity";
            }
            case POSITIVE, NEGATIVE -> {
            }
            default -> throw new IllegalArgumentException("numeric sign");
        }
        BigInteger unscaled = BigInteger.ZERO;
        for (int i = 0; i < ndigits; i++) {
            int digit = in.getShort();
            if (digit < 0 || digit >= 10_000) {
                throw new IllegalArgumentException("numeric digit");
            }
            unscaled = unscaled.multiply(BASE).add(BigInteger.valueOf(digit));
        }
        // unscaled holds digits with the last one at 10000^(weight - ndigits + 1)
        BigDecimal value = new BigDecimal(unscaled).scaleByPowerOfTen(4 * (weight - ndigits + 1));
        if (sign == NEGATIVE) {
            value = value.negate();
        }
        return value.setScale(dscale, java.math.RoundingMode.DOWN).toPlainString();
    }

    static byte[] encode(String text) {
        switch (text) {
            case "NaN" -> {
                return header(0, 0, NAN, 0);
            }
            case "Infinity" -> {
                return header(0, 0, PLUS_INFINITY, 0);
            }
            case "-Infinity" -> {
                return header(0, 0, MINUS_INFINITY, 0);
            }
            default -> {
            }
        }
        BigDecimal value = new BigDecimal(text);
        int dscale = Math.max(value.scale(), 0);
        BigDecimal abs = value.abs();
        // Align to a multiple of 4 fraction digits so the unscaled value splits into base-10000 digits.
        int alignedScale = (dscale + 3) / 4 * 4;
        BigInteger unscaled = abs.setScale(alignedScale, java.math.RoundingMode.UNNECESSARY).unscaledValue();
        if (unscaled.signum() == 0) {
            return header(0, 0, POSITIVE, dscale);
        }
        java.util.ArrayDeque<Integer> digits = new java.util.ArrayDeque<>();
        while (unscaled.signum() > 0) {
            BigInteger[] qr = unscaled.divideAndRemainder(BASE);
            digits.addFirst(qr[1].intValue());
            unscaled = qr[0];
        }
        int weight = digits.size() - 1 - alignedScale / 4;
        while (!digits.isEmpty() && digits.peekLast() == 0) {
            digits.removeLast();
        }
        while (!digits.isEmpty() && digits.peekFirst() == 0) {
            digits.removeFirst();
            weight--;
        }
        byte[] head = header(digits.size(), weight, value.signum() < 0 ? NEGATIVE : POSITIVE, dscale);
        ByteBuffer out = ByteBuffer.allocate(head.length + 2 * digits.size()).put(head);
        for (int digit : digits) {
            out.putShort((short) digit);
        }
        return out.array();
    }

    private static byte[] header(int ndigits, int weight, int sign, int dscale) {
        return ByteBuffer.allocate(8)
                .putShort((short) ndigits).putShort((short) weight).putShort((short) sign).putShort((short) dscale)
                .array();
    }
}
