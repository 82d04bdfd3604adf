package dev.bulwark.recording;

import dev.bulwark.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code recording.enabled} is on unless switched off explicitly (only the benchmark switches it off). */
class RecordingSwitchTest {
    @Test
    void sessionsAreRecordedByDefault() {
        assertTrue(RecordingConfig.defaults().enabled());
        assertTrue(ConfigLoader.parse("queue_capacity: 5", RecordingConfig.class).enabled());
        assertTrue(new RecordingConfig(null, null, null, null, null, null, null, null, null, null).enabled());
    }

    @Test
    void enabledFalseSwitchesSessionRecordingOff() {
        RecordingConfig off = ConfigLoader.parse("enabled: false\nqueue_capacity: 5", RecordingConfig.class);
        assertFalse(off.enabled());
        assertFalse(off.withQueueCapacity(7).enabled(), "a derived config keeps the switch");
    }
}
