package dev.bulwark.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads the engine's YAML file and validates it, with errors that name the key. */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** The mapper every config part is read with: snake_case keys, unknown keys are errors. */
    public static ObjectMapper yamlMapper() {
        return JsonMapper.builder(new YAMLFactory())
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .findAndAddModules()
                .build();
    }

    private static String pathOf(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return path.isEmpty() ? "(root)" : path;
    }

    public static <T> T load(Path file, Class<T> type) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read: " + e.getMessage());
        }
        return parse(text, type);
    }

    public static <T> T parse(String yaml, Class<T> type) {
        try {
            return yamlMapper().readValue(yaml, type);
        } catch (JsonMappingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConfigException ce) {
                throw ce;
            }
            if (cause instanceof IllegalArgumentException iae && iae.getMessage() != null) {
                // Parts validate themselves with messages that name their key already.
                throw new ConfigException(pathOf(e), iae.getMessage());
            }
            throw new ConfigException(pathOf(e), e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("(file)", "not valid YAML: " + e.getMessage());
        }
    }
}
