package dev.bulwark.console.app;

import dev.bulwark.console.client.EngineAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SettingsStoreTest {
    @TempDir
    Path directory;

    @Test
    void remembersThemeAndRecentEnginesButNoToken() throws Exception {
        SettingsStore store = new SettingsStore(directory.resolve("bulwark/console.json"));
        EngineAddress local = new EngineAddress.Local(Path.of("/var/lib/bulwark/bulwark.sock"));
        EngineAddress remote = new EngineAddress.Remote("bulwark.example.com", 7433, Path.of("/etc/ca.pem"), null);
        ConsoleSettings settings = ConsoleSettings.defaults().withTheme(Theme.DARK).withUsed(local).withUsed(remote)
                .withUsed(local);

        store.save(settings);

        ConsoleSettings loaded = store.load();
        assertEquals(Theme.DARK, loaded.theme());
        assertEquals(List.of(local, remote), loaded.recent());
        String text = Files.readString(store.file());
        assertFalse(text.contains("token\""), text);
    }

    @Test
    void aMissingOrBrokenFileGivesTheDefaults() throws Exception {
        SettingsStore store = new SettingsStore(directory.resolve("console.json"));
        assertEquals(ConsoleSettings.defaults(), store.load());
        Files.writeString(store.file(), "{not json");
        assertEquals(ConsoleSettings.defaults(), store.load());
        Files.writeString(store.file(), "{\"theme\":\"purple\",\"recent\":[{\"host\":\"h\",\"port\":0},{\"socket\":\"/s\"}]}");
        assertEquals(new ConsoleSettings(Theme.LIGHT, List.of(new EngineAddress.Local(Path.of("/s")))), store.load());
    }

    @Test
    void recentEnginesAreBounded() {
        ConsoleSettings settings = ConsoleSettings.defaults();
        for (int i = 0; i < 20; i++) {
            settings = settings.withUsed(new EngineAddress.Local(Path.of("/s" + i)));
        }
        assertEquals(ConsoleSettings.MAX_RECENT, settings.recent().size());
        assertEquals(new EngineAddress.Local(Path.of("/s19")), settings.recent().get(0));
    }
}
