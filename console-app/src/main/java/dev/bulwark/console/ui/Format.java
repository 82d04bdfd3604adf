package dev.bulwark.console.ui;

import dev.bulwark.model.SafeText;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Text for times, durations and statements, the same everywhere in the console. */
public final class Format {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter SHORT_DATE_TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private Format() {}

    /** "4s", "3m 05s", "2h 07m", "3d 04h": two units at most, so columns stay narrow. */
    public static String duration(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86_400) {
            return String.format(Locale.ROOT, "%dh %02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd %02dh", seconds / 86_400, seconds % 86_400 / 3600);
    }

    /** The time between two instants, as {@link #duration}. */
    public static String since(Instant start, Instant now) {
        return duration(Duration.between(start, now));
    }

    /** A gap between recorded frames: "+0 ms", "+850 ms", "+1.25 s", "+2m 05s". */
    public static String gapMicros(long micros) {
        if (micros < 0) {
            micros = 0;
        }
        if (micros < 1_000_000) {
            return "+" + (micros / 1000) + " ms";
        }
        if (micros < 60_000_000) {
            return String.format(Locale.ROOT, "+%.2f s", micros / 1_000_000.0);
        }
        return "+" + duration(Duration.ofNanos(micros * 1000));
    }

    public static String time(Instant instant, ZoneId zone) {
        return instant == null ? "" : TIME.format(instant.atZone(zone));
    }

    /** "11-21 09:48": for narrow columns where the year is obvious. */
    public static String shortDateTime(Instant instant, ZoneId zone) {
        return instant == null ? "" : SHORT_DATE_TIME.format(instant.atZone(zone));
    }

    public static String dateTime(Instant instant, ZoneId zone) {
        return instant == null ? "" : DATE_TIME.format(instant.atZone(zone));
    }

    /**
     * A statement on one line for a label: white space collapsed, controls, bidi and invisible
     * characters shown by their code (the one renderer, {@link SafeText}), cut to {@code max}
     * characters with an explicit marker of what was left out.
     */
    public static String oneLine(String sql, int max) {
        if (sql == null) {
            return "";
        }
        return SafeText.excerpt(sql.strip().replaceAll("[ \\t\\n]+", " "), max);
    }

    /** Untrusted text (a name, a message a client or server chose) for a one-line label. */
    public static String safe(String text) {
        return SafeText.line(text);
    }

    /**
     * A statement as one line for lists: leading comments (a ticket number, a tool's tag) dropped
     * so the statement itself shows, then as {@link #oneLine}. The full text is shown elsewhere.
     */
    public static String statementLine(String sql, int max) {
        if (sql == null) {
            return "";
        }
        String rest = sql.strip();
        while (true) {
            if (rest.startsWith("--")) {
                int end = rest.indexOf('\n');
                if (end < 0) {
                    break;
                }
                rest = rest.substring(end + 1).strip();
            } else if (rest.startsWith("/*")) {
                int end = rest.indexOf("*/");
                if (end < 0) {
                    break;
                }
                rest = rest.substring(end + 2).strip();
            } else {
                break;
            }
        }
        return oneLine(rest.isEmpty() ? sql : rest, max);
    }

    /** "1,234". */
    public static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** An enum constant as users read it: IN_TRANSACTION becomes "in transaction". */
    public static String words(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
