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
        return scanBytes(bytes, from, to);
    }

    /** For texts already decoded (messages, values about to be searched): allocates a copy. */
    static int scan(CharSequence text) {
        byte[] bytes = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return scanBytes(bytes, 0, bytes.length);
    }

    private static final byte OTHER = 0;
    private static final byte DIGIT = 1;
    private static final byte SEPARATOR = 2;
    private static final byte PLUS = 3;
    private static final byte AT_SIGN = 4;
    /** First letters of the key and token shapes: e (eyJ), A (AKIA), g (ghp_), x (xox), k (sk_live). */
    private static final byte TRIGGER = 5;
    private static final byte[] CLASSES = new byte[256];

    static {
        for (char c = '0'; c <= '9'; c++) {
            CLASSES[c] = DIGIT;
        }
        for (char c : " -.()/".toCharArray()) {
            CLASSES[c] = SEPARATOR;
        }
        CLASSES['+'] = PLUS;
        CLASSES['@'] = AT_SIGN;
        for (char c : "eAgxk".toCharArray()) {
            CLASSES[c] = TRIGGER;
        }
    }

    /**
     * One loop with only local state, so nothing is allocated per value; a table lookup per byte
     * keeps ordinary letters on the shortest path.
     */
    private static int scanBytes(byte[] bytes, int from, int to) {
        int bits = ALWAYS;
        int run = 0;
        int separators = 0;
        boolean runHasPlus = false;
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            switch (CLASSES[b & 0xff]) {
                case DIGIT -> {
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
                    // An IBAN starts with two letters and two digits: look back from the second digit.
                    if (i - 3 >= from && digit(at(bytes, i - 1, to)) && letter(at(bytes, i - 2, to))
                            && letter(at(bytes, i - 3, to))) {
                        bits |= IBAN;
                    }
                }
                case SEPARATOR -> {
                    if (++separators > 2) {
                        run = 0;
                        runHasPlus = false;
                    }
                }
                case PLUS -> {
                    ++separators;
                    run = 0;
                    runHasPlus = true;
                }
                case AT_SIGN -> {
                    bits |= AT;
                    run = 0;
                    separators = 0;
                    runHasPlus = false;
                }
                case TRIGGER -> {
                    run = 0;
                    separators = 0;
                    runHasPlus = false;
                    bits |= trigger(b, bytes, i, to);
                }
                default -> {
                    run = 0;
                    separators = 0;
                    runHasPlus = false;
                }
            }
        }
        return bits;
    }

    private static int trigger(byte b, byte[] bytes, int i, int to) {
        return switch (b) {
            case 'e' -> at(bytes, i + 1, to) == 'y' && at(bytes, i + 2, to) == 'J' ? JWT : 0;
            case 'A' -> upper(at(bytes, i + 1, to)) && upper(at(bytes, i + 2, to))
                    && upper(at(bytes, i + 3, to)) ? API_KEY : 0;
            case 'g' -> at(bytes, i + 1, to) == 'h'
                    && (at(bytes, i + 3, to) == '_' || at(bytes, i + 2, to) == 'i') ? API_KEY : 0;
            case 'x' -> at(bytes, i + 1, to) == 'o' && at(bytes, i + 2, to) == 'x' ? API_KEY : 0;
            case 'k' -> at(bytes, i + 1, to) == '_'
                    && (at(bytes, i + 2, to) == 'l' || at(bytes, i + 2, to) == 't') ? API_KEY : 0;
            default -> 0;
        };
    }

    private static byte at(byte[] bytes, int i, int to) {
        return i < to ? bytes[i] : 0;
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
