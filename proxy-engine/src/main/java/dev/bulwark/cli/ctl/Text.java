package dev.bulwark.cli.ctl;

import dev.bulwark.model.SafeText;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** Small formatting for people. */
final class Text {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private Text() {}

    /** An instant to the second, UTC, ISO-8601. */
    static String time(Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Microseconds since the epoch as a UTC clock time with milliseconds. */
    static String clock(long micros) {
        return CLOCK.format(Instant.EPOCH.plus(micros, ChronoUnit.MICROS));
    }

    static String duration(long seconds) {
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3600;
        long minutes = seconds % 3600 / 60;
        if (days > 0) {
            return days + "d " + hours + "h";
        }
        if (hours > 0) {
            return hours + "h " + minutes + "m";
        }
        return minutes > 0 ? minutes + "m " + seconds % 60 + "s" : seconds + "s";
    }

    /**
     * Text already rendered for people (it may hold escapes and cut markers, which must not be
     * escaped again); a {@link Table} takes it as it is.
     */
    record Shown(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * One line, at most {@code max} characters of it shown: runs of spaces, tabs and line feeds
     * become one space (a summary), everything a terminal would act on or not draw is escaped, and
     * a cut says how much it left out.
     */
    static Shown cut(String text, int max) {
        return new Shown(SafeText.excerpt(text.replaceAll("[ \\t\\n]+", " ").strip(), max));
    }

    /** Untrusted text for one line of output. */
    static String safe(String text) {
        return SafeText.line(text);
    }

    /** An enum as it is on the wire: lower case. */
    static String name(Enum<?> value) {
        return value == null ? "-" : value.name().toLowerCase(Locale.ROOT);
    }

    static String list(List<String> values) {
        return values.isEmpty() ? "-" : String.join(",", values);
    }
}
