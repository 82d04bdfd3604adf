package dev.bulwark.cli.ctl;

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

    /** One line, at most {@code max} characters. */
    static String cut(String text, int max) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }

    /** An enum as it is on the wire: lower case. */
    static String name(Enum<?> value) {
        return value == null ? "-" : value.name().toLowerCase(Locale.ROOT);
    }

    static String list(List<String> values) {
        return values.isEmpty() ? "-" : String.join(",", values);
    }
}
