package dev.bulwark.masking;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Date and time values in PostgreSQL's ISO text form (DateStyle ISO, what pgjdbc and psql use)
 * and its binary form (days or microseconds since 2000-01-01).
 */
final class Temporals {

    static final LocalDate PG_EPOCH_DATE = LocalDate.of(2000, 1, 1);
    static final LocalDateTime PG_EPOCH = PG_EPOCH_DATE.atStartOfDay();
    static final String INFINITY = "infinity";
    static final String MINUS_INFINITY = "-infinity";

    private static final Pattern DATE = Pattern.compile("(\\d{4,7})-(\\d{2})-(\\d{2})( BC)?");
    private static final Pattern TIMESTAMP = Pattern.compile(
            "(\\d{4,7})-(\\d{2})-(\\d{2})[ T](\\d{2}):(\\d{2}):(\\d{2})(\\.\\d{1,6})?"
                    + "(?:([+-])(\\d{2})(?::?(\\d{2}))?(?::?(\\d{2}))?)?( BC)?");
    private static final Pattern TIME = Pattern.compile(
            "(\\d{2}):(\\d{2}):(\\d{2})(\\.\\d{1,6})?(?:([+-])(\\d{2})(?::?(\\d{2}))?(?::?(\\d{2}))?)?");

    private Temporals() {
    }

    /** A timestamp as read from text: local date-time plus the offset east of UTC in seconds (0 if none). */
    record Stamp(LocalDateTime dateTime, int offsetSeconds, boolean hasOffset) {
        LocalDateTime utc() {
            return dateTime.minusSeconds(offsetSeconds);
        }
    }

    /** A time of day with an optional offset east of UTC in seconds. */
    record Clock(LocalTime time, int offsetSeconds) {
    }

    static LocalDate parseDate(String text) {
        Matcher m = DATE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not an ISO date");
        }
        int year = isoYear(Integer.parseInt(m.group(1)), m.group(4) != null);
        return LocalDate.of(year, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    static Stamp parseTimestamp(String text) {
        Matcher m = TIMESTAMP.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not an ISO timestamp");
        }
        int year = isoYear(Integer.parseInt(m.group(1)), m.group(12) != null);
        LocalDateTime dateTime = LocalDateTime.of(year, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)),
                nanos(m.group(7)));
        if (m.group(8) == null) {
            return new Stamp(dateTime, 0, false);
        }
        return new Stamp(dateTime, offset(m.group(8), m.group(9), m.group(10), m.group(11)), true);
    }

    static Clock parseTime(String text) {
        Matcher m = TIME.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a time");
        }
        int hour = Integer.parseInt(m.group(1));
        LocalTime time = hour == 24
                ? LocalTime.MAX
                : LocalTime.of(hour, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), nanos(m.group(4)));
        int offset = m.group(5) == null ? 0 : offset(m.group(5), m.group(6), m.group(7), m.group(8));
        return new Clock(time, offset);
    }

    static String formatDate(LocalDate date) {
        int year = date.getYear();
        boolean bc = year <= 0;
        return String.format("%04d-%02d-%02d%s", bc ? 1 - year : year, date.getMonthValue(), date.getDayOfMonth(),
                bc ? " BC" : "");
    }

    /** ISO text of a timestamp, with "+00" appended when {@code utcSuffix} (timestamptz in UTC). */
    static String formatTimestamp(LocalDateTime dateTime, boolean utcSuffix) {
        int year = dateTime.getYear();
        boolean bc = year <= 0;
        StringBuilder out = new StringBuilder(32);
        out.append(String.format("%04d-%02d-%02d ", bc ? 1 - year : year, dateTime.getMonthValue(),
                dateTime.getDayOfMonth()));
        appendTime(out, dateTime.toLocalTime());
        if (utcSuffix) {
            out.append("+00");
        }
        if (bc) {
            out.append(" BC");
        }
        return out.toString();
    }

    static String formatTime(LocalTime time) {
        StringBuilder out = new StringBuilder(16);
        appendTime(out, time);
        return out.toString();
    }

    static String formatOffset(int offsetSeconds) {
        int abs = Math.abs(offsetSeconds);
        StringBuilder out = new StringBuilder(9).append(offsetSeconds < 0 ? '-' : '+')
                .append(String.format("%02d", abs / 3600));
        if (abs % 3600 != 0) {
            out.append(String.format(":%02d", abs % 3600 / 60));
            if (abs % 60 != 0) {
                out.append(String.format(":%02d", abs % 60));
            }
        }
        return out.toString();
    }

    static LocalDate dateFromDays(int days) {
        return PG_EPOCH_DATE.plusDays(days);
    }

    static int daysOf(LocalDate date) {
        return Math.toIntExact(ChronoUnit.DAYS.between(PG_EPOCH_DATE, date));
    }

    static LocalDateTime fromMicros(long micros) {
        return PG_EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    static long microsOf(LocalDateTime dateTime) {
        return ChronoUnit.MICROS.between(PG_EPOCH, dateTime);
    }

    static LocalTime timeFromMicros(long micros) {
        return LocalTime.ofNanoOfDay(Math.min(micros, 86_400_000_000L - 1) * 1000);
    }

    static long microsOfTime(LocalTime time) {
        return time.toNanoOfDay() / 1000;
    }

    private static void appendTime(StringBuilder out, LocalTime time) {
        out.append(String.format("%02d:%02d:%02d", time.getHour(), time.getMinute(), time.getSecond()));
        int micros = time.getNano() / 1000;
        if (micros != 0) {
            String fraction = String.format("%06d", micros);
            int end = fraction.length();
            while (fraction.charAt(end - 1) == '0') {
                end--;
            }
            out.append('.').append(fraction, 0, end);
        }
    }

    private static int isoYear(int year, boolean bc) {
        return bc ? 1 - year : year;
    }

    private static int nanos(String fraction) {
        if (fraction == null) {
            return 0;
        }
        String digits = (fraction.substring(1) + "000000").substring(0, 6);
        return Integer.parseInt(digits) * 1000;
    }

    private static int offset(String sign, String hours, String minutes, String seconds) {
        int value = Integer.parseInt(hours) * 3600
                + (minutes == null ? 0 : Integer.parseInt(minutes) * 60)
                + (seconds == null ? 0 : Integer.parseInt(seconds));
        return sign.equals("-") ? -value : value;
    }
}
