package dev.bulwark.console.app;

import dev.bulwark.console.client.EngineAddress;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LaunchOptionsTest {

    @Test
    void dataDirectoryMeansItsSocket() {
        assertEquals(new EngineAddress.Local(Path.of("/srv/bulwark/bulwark.sock")),
                LaunchOptions.parse(List.of("--data", "/srv/bulwark")).address());
        assertEquals(new EngineAddress.Local(Path.of("/run/b.sock")),
                LaunchOptions.parse(List.of("--socket=/run/b.sock")).address());
        assertEquals(new EngineAddress.Local(Path.of("/a/bulwark.sock")),
                LaunchOptions.parse(List.of("--socket", "/b.sock", "--data", "/a")).address(), "--data wins");
    }

    @Test
    void noEngineOptionLeavesTheChoiceToTheSettings() {
        LaunchOptions options = LaunchOptions.parse(List.of());
        assertNull(options.address());
        assertNull(options.theme());
    }

    @Test
    void aRemoteEngineWithTrustAndTokenFile() {
        LaunchOptions options = LaunchOptions.parse(List.of("--connect", "bulwark.example.com:7433", "--ca", "/etc/ca.pem",
                "--token-file", "/home/me/token", "--theme", "dark"));
        assertEquals(new EngineAddress.Remote("bulwark.example.com", 7433, Path.of("/etc/ca.pem"), Path.of("/home/me/token")),
                options.address());
        assertEquals(Theme.DARK, options.theme());
        assertEquals(new EngineAddress.Remote("::1", 7433, null, null),
                LaunchOptions.parse(List.of("--connect", "[::1]:7433")).address());
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("--connect goes without --data and --socket", assertThrows(IllegalArgumentException.class,
                () -> LaunchOptions.parse(List.of("--data", "/a", "--connect", "h:1"))).getMessage());
        assertEquals("--data needs a value", assertThrows(IllegalArgumentException.class,
                () -> LaunchOptions.parse(List.of("--data"))).getMessage());
        assertEquals("unknown option --frobnicate", assertThrows(IllegalArgumentException.class,
                () -> LaunchOptions.parse(List.of("--frobnicate"))).getMessage());
        assertEquals("--connect: the port must be between 1 and 65535", assertThrows(IllegalArgumentException.class,
                () -> LaunchOptions.parse(List.of("--connect", "h:70000"))).getMessage());
        assertEquals("--ca and --token-file go with --connect", assertThrows(IllegalArgumentException.class,
                () -> LaunchOptions.parse(List.of("--ca", "/x"))).getMessage());
        assertTrue(LaunchOptions.parse(List.of("--help")).help());
    }
}
