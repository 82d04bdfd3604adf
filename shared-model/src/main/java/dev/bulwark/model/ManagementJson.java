package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The one JSON configuration both ends of the management protocol use: snake_case field names,
 * unknown fields ignored (so either side can add fields), unknown {@code type}s rejected, no
 * nulls written, {@link Instant}s as ISO-8601 strings ({@code 2026-11-21T09:30:00Z}).
 *
 * <p>java.time support is a tiny serializer pair here rather than jackson-datatype-jsr310, so the
 * console and {@code bulwark ctl} need nothing but jackson-databind.
 */
public final class ManagementJson {
    private static final JsonMapper SHARED = newMapper();

    private ManagementJson() {}

    /** A new mapper with the protocol's configuration, for callers that want their own instance. */
    public static JsonMapper newMapper() {
        SimpleModule time = new SimpleModule("bulwark-time");
        time.addSerializer(Instant.class, new InstantSerializer());
        time.addDeserializer(Instant.class, new InstantDeserializer());
        return JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.USE_DEFAULTS))
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
                .enable(DeserializationFeature.FAIL_ON_MISSING_EXTERNAL_TYPE_ID_PROPERTY)
                // A missing number is 0 and a missing flag false, so optional limits can be left out;
                // a missing id is 0, which every request rejects.
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // One message per line: never pretty-print on the wire.
                .disable(SerializationFeature.INDENT_OUTPUT)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
                .addModule(time)
                .build();
    }

    /**
     * The shared, thread-safe mapper. Do not reconfigure it; use {@link #newMapper()} for a
     * differently configured copy.
     */
    public static JsonMapper mapper() {
        return SHARED;
    }

    /**
     * JSON for a terminal: the same values, but every character outside printable ASCII (C1
     * controls, DEL, bidi overrides, zero-width characters, ...) written as a {@code \\uXXXX}
     * escape, so JSON printed to a terminal or a log viewer cannot drive it; a JSON reader gets
     * the same strings back. (Jackson already escapes C0 controls.)
     */
    public static ObjectWriter terminalWriter(ObjectMapper mapper) {
        return mapper.writer().with(TerminalEscapes.INSTANCE);
    }

    private static final class TerminalEscapes extends CharacterEscapes {
        static final TerminalEscapes INSTANCE = new TerminalEscapes();
        private final int[] ascii;

        private TerminalEscapes() {
            ascii = CharacterEscapes.standardAsciiEscapesForJSON();
            ascii[0x7F] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return new SerializedString(String.format("\\u%04x", ch));
        }
    }

    private static final class InstantSerializer extends StdScalarSerializer<Instant> {
        InstantSerializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(value.toString());
        }
    }

    private static final class InstantDeserializer extends StdScalarDeserializer<Instant> {
        InstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) context.handleUnexpectedToken(Instant.class, parser);
            }
            String text = parser.getText().trim();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return (Instant) context.handleWeirdStringValue(Instant.class, text,
                        "expected an ISO-8601 instant such as 2026-11-21T09:30:00Z");
            }
        }
    }
}
