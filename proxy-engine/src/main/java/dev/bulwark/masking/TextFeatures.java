package dev.bulwark.masking;

/**
 * A single allocation-free pass over a value that says which detectors could possibly match, so
 * the common case (a value with nothing sensitive in it) never decodes a String or runs a regex.
 * It over-approximates: a set bit only means "run that detector".
 */
final class TextFeatures {

    static final int AT = 1;
    static final int DIGITS_13 = 1 << 1;
    static final int PHONE = 1 << 2;
    static final int DIGITS_9 = 1 << 3;
    static final int IBAN = 1 << 4;
    static final int JWT = 1 << 5;
    static final int API_KEY = 1 << 6;
    /** Custom patterns cannot be pre-filtered. */
    static final int ALWAYS = 1 << 30;

    private TextFeatures() {
    }

    /** Scans UTF-8 bytes (bytes of multi-byte characters count as "other"). */
    static int scan(byte[] bytes, int from, int to) {
        return scan(bytes, null, from, to);
    }

    static int scan(CharSequence text) {
        return scan(null, text, 0, text.length());
    }

    /** One loop with only local state, so nothing is allocated per value. */
    private static int scan(byte[] bytes, CharSequence text, int from, int to) {
        int bits = ALWAYS;
        int run = 0;
        int separators = 0;
        boolean runHasPlus = false;
        for (int i = from; i < to; i++) {
            byte b = at(bytes, text, i, to);
            if (b >= '0' && b <= '9') {
                run++;
                separators = 0;
                if (run >= 13) {
                    bits |= DIGITS_13;
                }
                if (run >= 10 || run >= 7 && runHasPlus) {
                    bits |= PHONE;
                }
                if (run >= 9) {
                    bits |= DIGITS_9;
                }
                continue;
            }
            if (b == ' ' || b == '-' || b == '.' || b == '(' || b == ')' || b == '/' || b == '+') {
                if (++separators > 2) {
                    run = 0;
                    runHasPlus = false;
                }
                if (b == '+') {
                    run = 0;
                    runHasPlus = true;
                }
                continue;
            }
            run = 0;
            separators = 0;
            runHasPlus = false;
            switch (b) {
                case '@' -> bits |= AT;
                case 'e' -> {
                    if (at(bytes, text, i + 1, to) == 'y' && at(bytes, text, i + 2, to) == 'J') {
                        bits |= JWT;
                    }
                }
                case 'A' -> {
                    if (upper(at(bytes, text, i + 1, to)) && upper(at(bytes, text, i + 2, to))
                            && upper(at(bytes, text, i + 3, to))) {
                        bits |= API_KEY;
                    }
                }
                case 'g' -> {
                    if (at(bytes, text, i + 1, to) == 'h' && (at(bytes, text, i + 3, to) == '_'
                            || at(bytes, text, i + 2, to) == 'i')) {
                        bits |= API_KEY;
                    }
                }
                case 'x' -> {
                    if (at(bytes, text, i + 1, to) == 'o' && at(bytes, text, i + 2, to) == 'x') {
                        bits |= API_KEY;
                    }
                }
                case 'k' -> {
                    if (at(bytes, text, i + 1, to) == '_' && (at(bytes, text, i + 2, to) == 'l'
                            || at(bytes, text, i + 2, to) == 't')) {
                        bits |= API_KEY;
                    }
                }
                default -> {
                }
            }
            if (letter(b) && letter(at(bytes, text, i + 1, to)) && digit(at(bytes, text, i + 2, to))
                    && digit(at(bytes, text, i + 3, to))) {
                bits |= IBAN;
            }
        }
        return bits;
    }

    private static byte at(byte[] bytes, CharSequence text, int i, int to) {
        if (i >= to) {
            return 0;
        }
        if (bytes != null) {
            return bytes[i];
        }
        char c = text.charAt(i);
        return c < 128 ? (byte) c : (byte) 0x80;
    }

    private static boolean upper(byte b) {
        return b >= 'A' && b <= 'Z' || b >= '0' && b <= '9';
    }

    private static boolean letter(byte b) {
        return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z';
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }
}
