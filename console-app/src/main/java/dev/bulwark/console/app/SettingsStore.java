package dev.bulwark.console.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.console.client.EngineAddress;
import dev.bulwark.model.ManagementJson;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Reads and writes {@link ConsoleSettings} as a small JSON file, by default
 * {@code $XDG_CONFIG_HOME/bulwark/console.json} (else {@code ~/.config/bulwark/console.json}):
 * <pre>{"theme":"dark","recent":[{"socket":"/var/lib/bulwark/bulwark.sock"},
 *  {"host":"bulwark.example.com","port":7433,"ca":"/etc/bulwark/ca.pem","token_file":"/home/me/.bulwark-token"}]}</pre>
 * A missing or unreadable file gives the defaults: settings are a convenience, never a reason not to start.
 * Small file I/O; called on the UI thread.
 */
public final class SettingsStore {
    private static final ObjectMapper JSON = ManagementJson.newMapper();

    private final Path file;

    public SettingsStore(Path file) {
        this.file = requireNonNull(file, "file is null");
    }

    public static Path defaultPath() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("bulwark").resolve("console.json");
    }

    public Path file() {
        return file;
    }

    public ConsoleSettings load() {
        if (!Files.isRegularFile(file)) {
            return ConsoleSettings.defaults();
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            Theme theme = Theme.LIGHT;
            if (root.hasNonNull("theme")) {
                try {
                    theme = Theme.parse(root.get("theme").asText());
                } catch (IllegalArgumentException e) {
                    // Keep the default.
                }
            }
            List<EngineAddress> recent = new ArrayList<>();
            for (JsonNode entry : root.path("recent")) {
                EngineAddress address = address(entry);
                if (address != null && !recent.contains(address)) {
                    recent.add(address);
                }
            }
            return new ConsoleSettings(theme, recent);
        } catch (IOException | RuntimeException e) {
            System.getLogger(SettingsStore.class.getName()).log(System.Logger.Level.WARNING,
                    "ignoring unreadable console settings in {0}: {1}", file, e.getMessage());
            return ConsoleSettings.defaults();
        }
    }

    private static EngineAddress address(JsonNode entry) {
        try {
            if (entry.hasNonNull("socket")) {
                return new EngineAddress.Local(Path.of(entry.get("socket").asText()));
            }
            if (entry.hasNonNull("host")) {
                return new EngineAddress.Remote(entry.get("host").asText(), entry.path("port").asInt(),
                        entry.hasNonNull("ca") ? Path.of(entry.get("ca").asText()) : null,
                        entry.hasNonNull("token_file") ? Path.of(entry.get("token_file").asText()) : null);
            }
        } catch (RuntimeException e) {
            // An entry a newer console wrote, or a hand edit gone wrong: skip it.
        }
        return null;
    }

    /** Writes the settings (to a temporary file first, so a crash never leaves half a file). */
    public void save(ConsoleSettings settings) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("theme", settings.theme().name().toLowerCase(java.util.Locale.ROOT));
        ArrayNode recent = root.putArray("recent");
        for (EngineAddress address : settings.recent()) {
            ObjectNode entry = recent.addObject();
            switch (address) {
                case EngineAddress.Local local -> entry.put("socket", local.socket().toString());
                case EngineAddress.Remote remote -> {
                    entry.put("host", remote.host());
                    entry.put("port", remote.port());
                    if (remote.caCertificate() != null) {
                        entry.put("ca", remote.caCertificate().toString());
                    }
                    if (remote.tokenFile() != null) {
                        entry.put("token_file", remote.tokenFile().toString());
                    }
                }
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), root);
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
