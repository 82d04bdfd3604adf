package dev.bulwark.console.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.auth.LocalIssuer;
import dev.bulwark.cli.DemoCommand;
import dev.bulwark.console.client.EngineAddress;
import picocli.CommandLine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The real thing, as {@code bulwark demo} starts it: embedded PostgreSQL with the shop database,
 * the engine with the demo policy, masking, recording, approvals and the management socket at
 * {@code <data>/bulwark.sock}. The local operator on that socket is an admin reviewer in group dba.
 */
public final class RunningEngine implements AutoCloseable {
    private final DemoCommand.RunningDemo demo;
    private final JsonNode demoJson;

    private RunningEngine(DemoCommand.RunningDemo demo, JsonNode demoJson) {
        this.demo = demo;
        this.demoJson = demoJson;
    }

    /** Starts the demo in {@code data} on a free port; may block for a few seconds. */
    public static RunningEngine start(Path data) throws Exception {
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs("--port", "0", "--operator-port", "0", "--data", data.toString());
        DemoCommand.RunningDemo demo = command.start();
        try {
            return new RunningEngine(demo, new ObjectMapper().readTree(data.resolve("demo.json").toFile()));
        } catch (Exception e) {
            demo.close();
            throw e;
        }
    }

    public Path socket() {
        return demo.dir().resolve("bulwark.sock");
    }

    /** The operator TLS listener (for consoles on other desktops); its certificate is {@code <data>/tls/cert.pem}. */
    public EngineAddress.Remote remote(Path tokenFile) {
        int port = demo.engine().managementTcpAddress().orElseThrow().getPort();
        return new EngineAddress.Remote("localhost", port, demo.dir().resolve("tls/cert.pem"), tokenFile);
    }

    /** A token for the management audience, as an identity provider would issue it to an operator. */
    public String operatorToken(String subject, String... groups) {
        return LocalIssuer.open(demo.dir()).mint(subject, List.of(groups), Duration.ofMinutes(10), "bulwark-management", Map.of());
    }

    public int port() {
        return demo.port();
    }

    /** A pgjdbc connection through the engine as a demo user (alice, ci-agent, dba), over TLS. */
    public Connection connect(String user) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", demoJson.path("users").path(user).asText());
        properties.setProperty("sslmode", "require");
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("ApplicationName", "console-it");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + demo.port() + "/shop", properties);
    }

    @Override
    public void close() throws Exception {
        demo.close();
    }
}
