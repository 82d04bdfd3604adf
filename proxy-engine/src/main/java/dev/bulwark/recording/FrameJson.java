package dev.bulwark.recording;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON form of frame payloads and admin details: snake_case names, record components in
 * declaration order, nulls written out. Reading ignores unknown fields so older engines can read
 * newer recordings.
 */
public final class FrameJson {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private FrameJson() {}

    public static String write(FramePayload payload) {
        try {
            return MAPPER.writerFor(FramePayload.class).writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a " + payload.kind() + " frame", e);
        }
    }

    public static FramePayload read(String json) {
        try {
            return MAPPER.readValue(json, FramePayload.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a frame payload: " + e.getOriginalMessage(), e);
        }
    }

    static String writeValue(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }
}
