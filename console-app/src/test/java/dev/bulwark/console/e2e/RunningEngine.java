package dev.bulwark.console.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.DemoCommand;
import picocli.CommandLine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
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
        new CommandLine(command).parseArgs("--port", "0", "--data", data.toString());
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
