package dev.bulwark.policy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON forms of the policy records' time values, so that rule sets read the same with any ObjectMapper
 * (no JavaTimeModule needed): durations as {@code "15m"}, {@code "90s"}, {@code "1h30m"} (ISO-8601
 * {@code "PT15M"} and plain seconds also read), instants as ISO-8601 strings.
 */
final class PolicyJson {

    private static final Pattern HUMAN_DURATION = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?");

    private PolicyJson() {
    }

    /** Parses {@code 15m}, {@code 1h30m}, {@code 45s}, {@code 500ms}, {@code 2d} or ISO-8601 {@code PT15M}. */
    static Duration parseDuration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("p")) {
            try {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("cannot read duration \"" + text + "\"");
            }
        }
        Matcher matcher = HUMAN_DURATION.matcher(value);
        if (value.isEmpty() || !matcher.matches()) {
            throw new IllegalArgumentException("cannot read duration \"" + text + "\"; write it like 15m, 90s, 1h30m");
        }
        Duration duration = Duration.ZERO;
        if (matcher.group(1) != null) {
            duration = duration.plusDays(Long.parseLong(matcher.group(1)));
        }
        if (matcher.group(2) != null) {
            duration = duration.plusHours(Long.parseLong(matcher.group(2)));
        }
        if (matcher.group(3) != null) {
            duration = duration.plusMinutes(Long.parseLong(matcher.group(3)));
        }
        if (matcher.group(4) != null) {
            duration = duration.plusSeconds(Long.parseLong(matcher.group(4)));
        }
        if (matcher.group(5) != null) {
            duration = duration.plusMillis(Long.parseLong(matcher.group(5)));
        }
        return duration;
    }

    /** The shortest human form: {@code 15m}, {@code 1h30m}, {@code 90s} is written {@code 1m30s}. */
    static String formatDuration(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        long days = duration.toDays();
        if (days > 0) {
            text.append(days).append('d');
        }
        if (duration.toHoursPart() > 0) {
            text.append(duration.toHoursPart()).append('h');
        }
        if (duration.toMinutesPart() > 0) {
            text.append(duration.toMinutesPart()).append('m');
        }
        if (duration.toSecondsPart() > 0) {
            text.append(duration.toSecondsPart()).append('s');
        }
        if (duration.toMillisPart() > 0) {
            text.append(duration.toMillisPart()).append("ms");
        }
        return text.toString();
    }

    static final class DurationSerializer extends JsonSerializer<Duration> {
        @Override
        public void serialize(Duration value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(formatDuration(value));
        }
    }

    static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                return Duration.ofSeconds(parser.getLongValue());
            }
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                return (Duration) context.handleUnexpectedToken(Duration.class, parser);
            }
            try {
                return parseDuration(parser.getText());
            } catch (IllegalArgumentException e) {
                return (Duration) context.handleWeirdStringValue(Duration.class, parser.getText(), e.getMessage());
            }
        }
    }

    static final class InstantSerializer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(value.toString());
        }
    }

    static final class InstantDeserializer extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = parser.getValueAsString();
            if (text == null) {
                return (Instant) context.handleUnexpectedToken(Instant.class, parser);
            }
            try {
                return Instant.parse(text.trim());
            } catch (DateTimeParseException e) {
                return (Instant) context.handleWeirdStringValue(Instant.class, text,
                        "expected an ISO-8601 instant such as 2026-01-31T12:00:00Z");
            }
        }
    }
}
