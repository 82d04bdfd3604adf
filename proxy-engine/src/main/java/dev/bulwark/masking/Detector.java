package dev.bulwark.masking;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Finds one kind of sensitive value inside a text. The patterns are bounded (no unbounded nested
 * repetition) so a hostile value cannot make them backtrack for long; checksums (Luhn, mod 97)
 * keep random digit runs from being taken for cards or IBANs.
 */
sealed interface Detector {

    /** The {@link TextFeatures} bit a text must have for this detector to possibly match. */
    int feature();

    /** Adds [start, end) spans of matches to {@code out}. */
    void find(String text, List<int[]> out);

    String name();

    static Detector of(DetectorKind kind) {
        return switch (kind) {
            case EMAIL -> new Regex("email", TextFeatures.AT, Pattern.compile(
                    "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                            + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?){0,8}\\.[A-Za-z]{2,24}(?![A-Za-z0-9-])"));
            case PAYMENT_CARD -> new PaymentCard();
            case IBAN -> new Iban();
            case PHONE -> new Phone();
            case US_SSN -> new Regex("us_ssn", TextFeatures.DIGITS_9, Pattern.compile(
                    "(?<![0-9-])(?!000|666|9[0-9]{2})[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}(?![0-9-])"));
            case JWT -> new Regex("jwt", TextFeatures.JWT, Pattern.compile(
                    "eyJ[A-Za-z0-9_-]{2,8000}\\.eyJ[A-Za-z0-9_-]{2,8000}\\.[A-Za-z0-9_-]{0,8000}"));
            case API_KEY -> new Regex("api_key", TextFeatures.API_KEY, Pattern.compile(
                    "(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}(?![A-Za-z0-9])"
                            + "|(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}(?![A-Za-z0-9_])"
                            + "|(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}(?![A-Za-z0-9_])"
                            + "|(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,250}"
                            + "|(?<![A-Za-z0-9_])[sr]k_(?:live|test)_[A-Za-z0-9]{16,247}(?![A-Za-z0-9])"));
        };
    }

    /** A detector that is a regular expression, optionally validated. */
    record Regex(String name, int feature, Pattern pattern) implements Detector {

        public Regex {
            requireNonNull(name, "name is null");
            requireNonNull(pattern, "pattern is null");
        }

        @Override
        public void find(String text, List<int[]> out) {
            Matcher matcher = pattern.matcher(text);
            while (matcher.find()) {
                if (matcher.end() > matcher.start()) {
                    out.add(new int[] {matcher.start(), matcher.end()});
                }
            }
        }
    }

    /**
     * A custom regular expression from a rule. It cannot be pre-filtered, and since an operator
     * wrote it, it runs against a text that stops answering after a bounded number of reads: a
     * pattern that backtracks too long is treated as a match (fail closed).
     */
    record Custom(String name, Pattern pattern) implements Detector {

        public Custom {
            requireNonNull(name, "name is null");
            requireNonNull(pattern, "pattern is null");
        }

        @Override
        public int feature() {
            return TextFeatures.ALWAYS;
        }

        @Override
        public void find(String text, List<int[]> out) {
            try {
                Matcher matcher = pattern.matcher(new BoundedText(text, 64L * text.length() + 100_000));
                while (matcher.find()) {
                    if (matcher.end() > matcher.start()) {
                        out.add(new int[] {matcher.start(), matcher.end()});
                    }
                }
            } catch (BoundedText.Exhausted e) {
                out.add(new int[] {0, text.length()});
            }
        }
    }

    /** 13 to 19 digits with optional single space/dash separators, passing the Luhn check. */
    record PaymentCard() implements Detector {

        private static final Pattern CANDIDATE = Pattern.compile("(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])");

        @Override
        public String name() {
            return "payment_card";
        }

        @Override
        public int feature() {
            return TextFeatures.DIGITS_13;
        }

        @Override
        public void find(String text, List<int[]> out) {
            Matcher matcher = CANDIDATE.matcher(text);
            while (matcher.find()) {
                int[] span = luhnSpan(text, matcher.start(), matcher.end());
                if (span != null) {
                    out.add(span);
                }
            }
        }

        /** The whole run if it passes; else the longest run of whole groups that does (a card followed by a year). */
        private static int[] luhnSpan(String text, int start, int end) {
            if (luhn(text, start, end)) {
                return new int[] {start, end};
            }
            List<Integer> groupStarts = new ArrayList<>();
            List<Integer> groupEnds = new ArrayList<>();
            int i = start;
            while (i < end) {
                int groupStart = i;
                while (i < end && Character.isDigit(text.charAt(i))) {
                    i++;
                }
                groupStarts.add(groupStart);
                groupEnds.add(i);
                i++; // separator
            }
            for (int width = groupStarts.size() - 1; width >= 1; width--) {
                for (int first = 0; first + width <= groupStarts.size(); first++) {
                    int spanStart = groupStarts.get(first);
                    int spanEnd = groupEnds.get(first + width - 1);
                    int digits = countDigits(text, spanStart, spanEnd);
                    if (digits >= 13 && digits <= 19 && luhn(text, spanStart, spanEnd)) {
                        return new int[] {spanStart, spanEnd};
                    }
                }
            }
            return null;
        }

        static boolean luhn(CharSequence text, int start, int end) {
            int sum = 0;
            int digits = 0;
            boolean doubled = false;
            for (int i = end - 1; i >= start; i--) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    continue;
                }
                int d = c - '0';
                if (doubled) {
                    d *= 2;
                    if (d > 9) {
                        d -= 9;
                    }
                }
                sum += d;
                digits++;
                doubled = !doubled;
            }
            return digits >= 13 && digits <= 19 && sum % 10 == 0;
        }

        private static int countDigits(String text, int start, int end) {
            int digits = 0;
            for (int i = start; i < end; i++) {
                if (Character.isDigit(text.charAt(i))) {
                    digits++;
                }
            }
            return digits;
        }
    }

    /** Country code, two check digits, 11 to 30 alphanumerics (spaces allowed), mod 97 == 1. */
    record Iban() implements Detector {

        private static final Pattern CANDIDATE = Pattern.compile(
                "(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])");

        @Override
        public String name() {
            return "iban";
        }

        @Override
        public int feature() {
            return TextFeatures.IBAN;
        }

        @Override
        public void find(String text, List<int[]> out) {
            Matcher matcher = CANDIDATE.matcher(text);
            while (matcher.find()) {
                int end = matcher.end();
                // A trailing word ("... 00 EUR") may have been swallowed: drop groups from the right.
                while (end > matcher.start()) {
                    if (valid(text.substring(matcher.start(), end))) {
                        out.add(new int[] {matcher.start(), end});
                        break;
                    }
                    int space = text.lastIndexOf(' ', end - 1);
                    if (space <= matcher.start()) {
                        break;
                    }
                    end = space;
                }
            }
        }

        static boolean valid(String candidate) {
            String compact = candidate.replace(" ", "").toUpperCase(java.util.Locale.ROOT);
            if (compact.length() < 15 || compact.length() > 34) {
                return false;
            }
            String rearranged = compact.substring(4) + compact.substring(0, 4);
            int remainder = 0;
            for (int i = 0; i < rearranged.length(); i++) {
                char c = rearranged.charAt(i);
                int value;
                if (c >= '0' && c <= '9') {
                    value = c - '0';
                    remainder = (remainder * 10 + value) % 97;
                } else if (c >= 'A' && c <= 'Z') {
                    value = c - 'A' + 10;
                    remainder = (remainder * 100 + value) % 97;
                } else {
                    return false;
                }
            }
            return remainder == 1;
        }
    }

    /**
     * International numbers ("+" then 8 to 15 digits with spaces, dots, dashes, parentheses) and the
     * North American shapes (415) 555-0199, 415-555-0199, 415.555.0199. Bare digit strings are not
     * phone numbers here: they are far more often ids and amounts.
     */
    record Phone() implements Detector {

        private static final Pattern INTERNATIONAL = Pattern.compile(
                "(?<![A-Za-z0-9+])\\+[1-9](?:[ .()-]{0,2}[0-9]){6,14}(?![0-9])");
        private static final Pattern NORTH_AMERICAN = Pattern.compile(
                "(?<![0-9A-Za-z-])(?:\\([2-9][0-9]{2}\\) ?|[2-9][0-9]{2}[-. ])[2-9][0-9]{2}[-. ][0-9]{4}(?![0-9])");

        @Override
        public String name() {
            return "phone";
        }

        @Override
        public int feature() {
            return TextFeatures.PHONE;
        }

        @Override
        public void find(String text, List<int[]> out) {
            int before = out.size();
            Matcher matcher = INTERNATIONAL.matcher(text);
            while (matcher.find()) {
                int digits = 0;
                for (int i = matcher.start(); i < matcher.end(); i++) {
                    if (Character.isDigit(text.charAt(i))) {
                        digits++;
                    }
                }
                if (digits >= 8 && digits <= 15) {
                    out.add(new int[] {matcher.start(), matcher.end()});
                }
            }
            int international = out.size();
            matcher = NORTH_AMERICAN.matcher(text);
            while (matcher.find()) {
                boolean inside = false;
                for (int i = before; i < international && !inside; i++) {
                    inside = matcher.start() < out.get(i)[1] && matcher.end() > out.get(i)[0];
                }
                if (!inside) {
                    out.add(new int[] {matcher.start(), matcher.end()});
                }
            }
        }
    }

    /** A CharSequence that throws once read too many times: a budget for a regex's backtracking. */
    final class BoundedText implements CharSequence {

        static final class Exhausted extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Exhausted() {
                super("pattern ran too long", null, false, false);
            }
        }

        private final String text;
        private final int offset;
        private final int length;
        private final long[] budget;

        BoundedText(String text, long budget) {
            this(text, 0, text.length(), new long[] {budget});
        }

        private BoundedText(String text, int offset, int length, long[] budget) {
            this.text = text;
            this.offset = offset;
            this.length = length;
            this.budget = budget;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            if (--budget[0] < 0) {
                throw new Exhausted();
            }
            return text.charAt(offset + index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BoundedText(text, offset + start, end - start, budget);
        }

        @Override
        public String toString() {
            return text.substring(offset, offset + length);
        }
    }
}
