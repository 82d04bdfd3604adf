package dev.bulwark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bulwark.auth.LocalIssuer;
import dev.bulwark.config.ConfigLoader;
import dev.bulwark.config.EngineConfig;
import dev.bulwark.demo.DemoDatabase;
import dev.bulwark.demo.SelfSignedCertificate;
import dev.bulwark.engine.Engine;
import dev.bulwark.vault.Credential;
import dev.bulwark.vault.Vault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bulwark demo}: a real PostgreSQL with a {@code shop} database full of personal data, the
 * engine in front of it with a local token issuer, and how to connect as alice, ci-agent or dba.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start an embedded PostgreSQL with sample data and the engine in front of it.")
public final class DemoCommand implements Callable<Integer> {
    static final String TARGET = "shop";
    static final Duration TOKEN_TTL = Duration.ofHours(1);

    @Option(names = "--port", description = "Port of the engine's listener (default: ${DEFAULT-VALUE}).", defaultValue = "6432")
    int port;

    @Option(names = "--data", paramLabel = "DIR", description = "Where the demo keeps its state (default: ${DEFAULT-VALUE}).",
            defaultValue = TokenCommand.DEFAULT_DATA_DIRECTORY)
    Path data;

    @Option(names = "--operator-port", paramLabel = "PORT",
            description = "Also open the operator TLS listener on 127.0.0.1:PORT (0: any free port) for consoles on other desktops.")
    Integer operatorPort;

    record DemoUser(String name, String group, String role) {}

    static final List<DemoUser> USERS = List.of(
            new DemoUser("alice", "analysts", "shop_analyst"),
            new DemoUser("ci-agent", "automation", "shop_reader"),
            new DemoUser("dba", "dba", "shop_owner"));

    @Override
    public Integer call() throws Exception {
        RunningDemo demo = start();
        System.out.println(demo.instructions());
        System.out.flush();
        RunCommand.awaitShutdown(demo);
        return 0;
    }

    /** A started demo: PostgreSQL, the engine, and the tokens; {@link #close()} stops both and removes demo.json. */
    public record RunningDemo(Engine engine, DemoDatabase database, Path dir, int port, Map<String, String> tokens,
                              String instructions) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            Files.deleteIfExists(dir.resolve("demo.json"));
            try {
                engine.close();
            } finally {
                database.close();
            }
        }
    }

    /** Starts everything and writes demo.json; the caller closes the result. */
    public RunningDemo start() throws Exception {
        long started = System.nanoTime();
        Path dir = data.toAbsolutePath();
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("demo.json"));
        Vault vault = Vault.openForWriting(dir, System.getenv());
        Map<String, String> known = new LinkedHashMap<>();
        for (String login : DemoDatabase.logins()) {
            String entry = vaultEntry(login);
            if (vault.user(entry).isPresent()) {
                known.put(login, vault.credential(entry).password());
            }
        }
        DemoDatabase database = DemoDatabase.start(dir, known);
        Engine engine = null;
        try {
            for (String login : DemoDatabase.logins()) {
                if (!known.containsKey(login)) {
                    vault.put(vaultEntry(login), new Credential(login, database.password(login)));
                }
            }
            LocalIssuer issuer = LocalIssuer.open(dir);
            Path[] tls = SelfSignedCertificate.ensure(dir.resolve("tls"));
            Path rulesDir = dir.resolve("rules");
            Files.createDirectories(rulesDir);
            copyResourceIfAbsent("/dev/bulwark/policy/demo-rules.yaml", rulesDir.resolve("policy.yaml"));
            copyResourceIfAbsent(dev.bulwark.masking.MaskingConfig.DEMO_RESOURCE, rulesDir.resolve("masking.yaml"));
            Path configFile = dir.resolve("bulwark.yaml");
            Files.writeString(configFile, config(dir, database.port(), issuer, tls));
            engine = Engine.start(ConfigLoader.load(configFile, EngineConfig.class));
            int actualPort = engine.address(0).getPort();

            Map<String, String> tokens = new LinkedHashMap<>();
            for (DemoUser user : USERS) {
                tokens.put(user.name(), issuer.mint(user.name(), List.of(user.group()), TOKEN_TTL));
            }
            writeDemoJson(dir, actualPort, tokens);
            String instructions = instructions(dir, actualPort, tls[0], tokens, (System.nanoTime() - started) / 1_000_000);
            return new RunningDemo(engine, database, dir, actualPort, tokens, instructions);
        } catch (Exception e) {
            if (engine != null) {
                engine.close();
            }
            database.close();
            throw e;
        }
    }

    /** The operator TLS listener's config, when asked for: operators in group dba are admins, in reviewers reviewers. */
    private String operatorListener(Path[] tls) {
        if (operatorPort == null) {
            return "";
        }
        return """
                  tcp:
                    enabled: true
                    host: 127.0.0.1
                    port: %d
                    certificate: %s
                    private_key: %s
                    audience: bulwark-management
                    roles: {admin: [dba], reviewer: [reviewers], viewer: [analysts, automation]}
                """.formatted(operatorPort, tls[0], tls[1]);
    }

    private static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return 0;
        }
    }

    private static void copyResourceIfAbsent(String resource, Path file) throws java.io.IOException {
        if (Files.exists(file)) {
            return; // the operator may have edited it
        }
        try (var in = DemoCommand.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new java.io.IOException("missing resource " + resource);
            }
            Files.copy(in, file);
        }
    }

    /**
     * The vault entry of a demo login: the target's name for the service login (catalog lookups), and
     * {@code shop-ROLE} for each role a grant logs in as.
     */
    static String vaultEntry(String login) {
        return login.equals(DemoDatabase.SERVICE_USER) ? TARGET : TARGET + "-" + login;
    }

    private String config(Path dir, int postgresPort, LocalIssuer issuer, Path[] tls) {
        StringBuilder grants = new StringBuilder();
        for (DemoUser user : USERS) {
            // Each grant logs in as its own role (no SET ROLE from a login that could become the others).
            grants.append("    - group: ").append(user.group()).append("\n")
                    .append("      target: ").append(TARGET).append("\n")
                    .append("      role: ").append(user.role()).append("\n")
                    .append("      credential: vault:").append(vaultEntry(user.role())).append("\n");
        }
        return """
                # Written by `bulwark demo`: the configuration the demo engine runs with.
                data_dir: %s
                listeners:
                  - host: 127.0.0.1
                    port: %d
                    tls: optional
                    allow_plaintext_loopback: true
                tls:
                  certificate: %s
                  private_key: %s
                targets:
                  - name: %s
                    host: 127.0.0.1
                    port: %d
                    database: %s
                    username: %s
                    credential: vault:%s
                    sslmode: prefer
                    audit: strict
                rules:
                  policy_file: %s
                  masking_file: %s
                management:
                  # The local user (this uid) is the demo's operator: an admin, and a reviewer in group dba.
                  operators:
                    - uid: %d
                      role: admin
                      groups: [dba]
                %s
                auth:
                  issuers:
                    - issuer: %s
                      audience: %s
                      jwks_file: %s
                      algorithms: [ES256]
                      groups_claim: groups
                  grants:
                %s""".formatted(dir, port, tls[0], tls[1], TARGET, postgresPort, DemoDatabase.DATABASE,
                DemoDatabase.SERVICE_USER, TARGET, dir.resolve("rules/policy.yaml"), dir.resolve("rules/masking.yaml"),
                currentUid(), operatorListener(tls), LocalIssuer.ISSUER, LocalIssuer.AUDIENCE, issuer.jwksFile().toAbsolutePath(), grants);
    }

    private static void writeDemoJson(Path dir, int port, Map<String, String> tokens) throws java.io.IOException {
        Map<String, Object> demo = new LinkedHashMap<>();
        demo.put("host", "127.0.0.1");
        demo.put("port", port);
        demo.put("target", TARGET);
        demo.put("users", tokens);
        Path file = dir.resolve("demo.json");
        Path temp = dir.resolve("demo.json.tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(temp.toFile(), demo);
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static String instructions(Path dir, int port, Path cert, Map<String, String> tokens, long millis) {
        StringBuilder out = new StringBuilder();
        out.append("\nBulwark demo ready in ").append(millis).append(" ms: engine on 127.0.0.1:").append(port)
                .append(" in front of an embedded PostgreSQL (database \"").append(TARGET).append("\").\n\n");
        out.append("Connect as one of the demo users (tokens valid for ").append(TOKEN_TTL.toMinutes()).append(" minutes):\n");
        for (DemoUser user : USERS) {
            out.append("\n  # ").append(user.name()).append(" (group ").append(user.group()).append(", database role ")
                    .append(user.role()).append(")\n");
            out.append("  PGPASSWORD='").append(tokens.get(user.name())).append("' \\\n    psql \"host=localhost port=").append(port)
                    .append(" dbname=").append(TARGET).append(" user=").append(user.name())
                    .append(" sslmode=verify-full sslrootcert=").append(cert).append("\"\n");
        }
        out.append("\nA fresh token:   ./bulwark token --sub alice --groups analysts --data ").append(dir).append('\n');
        out.append("For scripts:     ").append(dir.resolve("demo.json")).append(" (host, port, target, users -> token)\n");
        out.append("Configuration:   ").append(dir.resolve("bulwark.yaml")).append('\n');
        out.append("\nCtrl-C stops the engine and PostgreSQL.\n");
        return out.toString();
    }
}
