package dev.bulwark.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreConfigTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void defaultsArePinned() {
        StoreConfig defaults = StoreConfig.defaults();
        assertEquals("h2", defaults.kind());
        assertEquals(Dialect.H2, defaults.dialect());
        assertEquals("local", defaults.nodeId());
        assertEquals("bulwark", defaults.user());
        assertEquals(4, defaults.poolSize());
    }

    @Test
    void readsSnakeCaseYaml() throws Exception {
        StoreConfig config = YAML.readValue("""
                kind: PostgreSQL
                node_id: engine-2
                url: jdbc:postgresql://db:5432/bulwark
                password_env: BULWARK_STORE_PASSWORD
                pool_size: 8
                """, StoreConfig.class);
        assertEquals(Dialect.POSTGRESQL, config.dialect());
        assertEquals("engine-2", config.nodeId());
        assertEquals("BULWARK_STORE_PASSWORD", config.passwordEnv());
        assertEquals(8, config.poolSize());
    }

    @Test
    void invalidValuesNameTheirKey() {
        assertMessage("store.kind must be h2 or postgresql, not 'mysql'", () -> new StoreConfig("mysql", null, null, null, null, null, null));
        assertMessage("store.url must be a jdbc:postgresql: URL when store.kind is postgresql",
                () -> new StoreConfig("postgresql", null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new StoreConfig(null, "has space", null, null, null, null, null));
        assertMessage("store.pool_size must be between 1 and 64", () -> new StoreConfig(null, null, null, null, null, null, 0));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable executable) {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(failure.getMessage().contains(expected), failure.getMessage());
    }
}
