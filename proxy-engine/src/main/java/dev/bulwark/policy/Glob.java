package dev.bulwark.policy;

/**
 * Wildcard matching for rule patterns: {@code *} matches any run of characters (also none), {@code ?}
 * exactly one; everything else matches itself, case-sensitively.
 */
final class Glob {

    private Glob() {
    }

    static boolean matches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int starPattern = -1;
        int starText = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                starPattern = p++;
                starText = t;
            } else if (starPattern >= 0) {
                p = starPattern + 1;
                t = ++starText;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** Whether the pattern matches every text (it is made of stars only). */
    static boolean matchesEverything(String pattern) {
        if (pattern.isEmpty()) {
            return false;
        }
        for (int i = 0; i < pattern.length(); i++) {
            if (pattern.charAt(i) != '*') {
                return false;
            }
        }
        return true;
    }
}
