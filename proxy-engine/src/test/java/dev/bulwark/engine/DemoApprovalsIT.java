package dev.bulwark.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.auth.LocalIssuer;
import dev.bulwark.cli.DemoCommand;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.client.ClientOptions;
import dev.bulwark.model.client.Endpoint;
import dev.bulwark.model.client.ManagementClient;
import dev.bulwark.model.client.ManagementListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Just-in-time approval through the demo (issue 7): a statement held for a person, approved, denied,
 * left to expire, refused to its own author, and needing two reviewers; with the latencies measured.
 */
class DemoApprovalsIT {
    @TempDir
    static Path dir;
    private static DemoCommand.RunningDemo demo;
    private static JsonNode demoJson;
    private static ManagementClient root;
    private static final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private static final ExecutorService clients = Executors.newCachedThreadPool();

    @BeforeAll
    static void start() throws Exception {
        // The demo's rules, plus two test rules ahead of them: a short expiry and a quorum of two.
        Path rules = dir.resolve("rules");
        Files.createDirectories(rules);
        String demoRules;
        try (InputStream in = DemoCommand.class.getResourceAsStream("/dev/bulwark/policy/demo-rules.yaml")) {
            demoRules = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        String extra = """
                rules:
                  - id: quick-expiry
                    name: Expires at once
                    match: {text_pattern: ".*expire_me.*"}
                    action: HOLD
                    message: held to expire
                    approval: {reviewer_groups: [dba], quorum: 1, timeout: 2s, mode: WAIT}
                  - id: two-reviewers
                    name: Needs two reviewers
                    match: {text_pattern: ".*needs_two.*"}
                    action: HOLD
                    message: held for two
                    approval: {reviewer_groups: [dba], quorum: 2, timeout: 5m, mode: WAIT}
                  - id: retry-later
                    name: Approved, then run again
                    match: {text_pattern: ".*retry_me.*"}
                    action: HOLD
                    message: held for a retry
                    approval: {reviewer_groups: [dba], quorum: 1, timeout: 5m, mode: RETRY, retry_window: 5m}
                """;
        Files.writeString(rules.resolve("policy.yaml"), demoRules.replaceFirst("(?m)^rules:\\s*$", extra.strip()));
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs("--port", "0", "--operator-port", "0", "--data", dir.toString());
        demo = command.start();
        demoJson = new ObjectMapper().readTree(dir.resolve("demo.json").toFile());
        try (Connection dba = connect("dba"); Statement s = dba.createStatement()) {
            s.execute("CREATE TABLE scratch (id int PRIMARY KEY, v int)");
            s.execute("INSERT INTO scratch SELECT g, g FROM generate_series(1, 100) g");
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON scratch TO shop_analyst");
        }
        root = ManagementClient.connect(new Endpoint.Unix(dir.resolve("bulwark.sock")),
                ClientOptions.defaults("approvals-it").withListener(new ManagementListener() {
                    @Override
                    public void onEvent(EngineMessage.EventMessage event) {
                        events.add(event.event());
                    }
                }));
        root.subscribe(List.of(EventTopic.APPROVALS)).get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        clients.shutdownNow();
        if (root != null) {
            root.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    static Connection connect(String user) throws SQLException {
        return connect(user, demoJson.path("users").path(user).asText());
    }

    static Connection connect(String user, String token) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", token);
        p.setProperty("sslmode", "require");
        p.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + demo.port() + "/shop", p);
    }

    /** An operator on the TLS listener, with a token for the management audience. */
    static ManagementClient operator(String subject, String... groups) throws Exception {
        return operator(subject, Duration.ofMinutes(10), java.util.Map.of(), ManagementListener.NONE, groups);
    }

    static ManagementClient operator(String subject, Duration ttl, java.util.Map<String, String> claims,
            ManagementListener listener, String... groups) throws Exception {
        String token = LocalIssuer.open(dir).mint(subject, List.of(groups), ttl, "bulwark-management", claims);
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("tls/cert.pem"))) {
            trust.setCertificateEntry("demo", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        int port = demo.engine().managementTcpAddress().orElseThrow().getPort();
        return ManagementClient.connect(new Endpoint.Tls("localhost", port, tls),
                ClientOptions.defaults("approvals-it").withToken(token).withListener(listener));
    }

    /** The next pending approval for this statement, from the live event stream. */
    static ApprovalSummary requested(String contains) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Event event = events.poll(100, TimeUnit.MILLISECONDS);
            if (event instanceof Event.ApprovalRequested requested && requested.approval().statement().contains(contains)) {
                return requested.approval();
            }
        }
        throw new AssertionError("no approval request for " + contains);
    }

    static ApprovalSummary approve(ManagementClient client, String id, String reason) throws Exception {
        return client.callAndWait(rid -> new ClientMessage.ApprovalApprove(rid, id, reason), EngineMessage.Approval.class).approval();
    }

    static CompletableFuture<String> run(String sql) {
        return CompletableFuture.supplyAsync(() -> {
            try (Connection alice = connect("alice"); Statement s = alice.createStatement()) {
                s.execute(sql);
                return "updated " + s.getUpdateCount();
            } catch (SQLException e) {
                return e.getSQLState() + " " + e.getMessage();
            }
        }, clients);
    }

    @Test
    void approvedStatementRunsAndTheClientGetsItsResult() throws Exception {
        long sent = System.nanoTime();
        CompletableFuture<String> client = run("DELETE FROM scratch");
        ApprovalSummary held = requested("DELETE FROM scratch");
        long heldToEventMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        Thread.sleep(300);
        assertFalse(client.isDone(), "the client waits");
        long approvedAt = System.nanoTime();
        assertEquals(ApprovalState.APPROVED, approve(root, held.id(), "quarterly cleanup").state());
        assertEquals("updated 100", client.get(10, TimeUnit.SECONDS));
        long approvalToResultMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - approvedAt);
        System.out.printf("approval latency: statement to event on the socket %d ms (incl. login), approval to client result %d ms%n",
                heldToEventMs, approvalToResultMs);
        try (Connection dba = connect("dba"); Statement s = dba.createStatement()) {
            s.execute("INSERT INTO scratch SELECT g, g FROM generate_series(1, 100) g");
        }
    }

    @Test
    void aHeldExecuteRunsTheTextThatWasApproved() throws Exception {
        // The second Parse of the name fails on the server (42P05): the name keeps the UPDATE, so the request
        // a reviewer approves and the statement that then runs are both the UPDATE, never "SELECT 1".
        String update = "UPDATE scratch SET v = v + 1";
        CompletableFuture<List<dev.bulwark.testing.WireClient.Message>> client = CompletableFuture.supplyAsync(() -> {
            try (var alice = new dev.bulwark.testing.WireClient("127.0.0.1", demo.port(), "alice", "shop",
                    demoJson.path("users").path("alice").asText())) {
                alice.parse("approved", update).sync()
                        .parse("approved", "SELECT 1").sync()
                        .bind("", "approved").execute("").sync().flush();
                return alice.readUntilReady(3);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, clients);
        ApprovalSummary held = requested(update);
        assertEquals(update, held.statement());
        approve(root, held.id(), "binding test");
        List<dev.bulwark.testing.WireClient.Message> replies = client.get(10, TimeUnit.SECONDS);
        assertTrue(replies.stream().anyMatch(m -> m.type() == 'C' && m.tag().equals("UPDATE 100")), replies.toString());
        assertTrue(replies.stream().anyMatch(m -> m.type() == 'E' && "42P05".equals(m.sqlState())), replies.toString());
    }

    @Test
    void deniedStatementGets42501WithTheReason() throws Exception {
        CompletableFuture<String> client = run("UPDATE scratch SET v = 0");
        ApprovalSummary held = requested("UPDATE scratch SET v = 0");
        root.callAndWait(rid -> new ClientMessage.ApprovalDeny(rid, held.id(), "not during business hours"), EngineMessage.Approval.class);
        String result = client.get(10, TimeUnit.SECONDS);
        assertTrue(result.startsWith("42501"), result);
        assertTrue(result.contains("not during business hours"), result);
    }

    @Test
    void aStatementLeftAloneExpiresWith57014() throws Exception {
        CompletableFuture<String> client = run("SELECT 'expire_me'");
        requested("expire_me");
        String result = client.get(15, TimeUnit.SECONDS);
        assertTrue(result.startsWith("57014"), result);
        assertTrue(result.contains("expired"), result);
    }

    @Test
    void aliceCannotApproveHerOwnStatement() throws Exception {
        CompletableFuture<String> client = run("DELETE FROM scratch WHERE true");
        ApprovalSummary held = requested("DELETE FROM scratch WHERE true");
        try (ManagementClient alice = operator("alice", "dba")) {
            ManagementException e = assertThrows(ManagementException.class, () -> approve(alice, held.id(), "mine"));
            assertTrue(e.getMessage().contains("own"), e.getMessage());
        }
        root.callAndWait(rid -> new ClientMessage.ApprovalDeny(rid, held.id(), "cleanup of the test"), EngineMessage.Approval.class);
        assertTrue(client.get(10, TimeUnit.SECONDS).startsWith("42501"));
    }

    @Test
    void aTwoReviewerRuleNeedsTwoDifferentReviewers() throws Exception {
        CompletableFuture<String> client = run("SELECT 'needs_two'");
        ApprovalSummary held = requested("needs_two");
        ApprovalSummary afterFirst = approve(root, held.id(), "one");
        assertEquals(ApprovalState.PENDING, afterFirst.state());
        assertThrows(ManagementException.class, () -> approve(root, held.id(), "same reviewer again"));
        Thread.sleep(200);
        assertFalse(client.isDone());
        try (ManagementClient bob = operator("bob", "dba")) {
            assertEquals(ApprovalState.APPROVED, approve(bob, held.id(), "two").state());
        }
        assertTrue(client.get(10, TimeUnit.SECONDS).startsWith("updated"), client.get());
    }

    // ------------------------------------------------------------------ issue 24

    /** Denies a held statement so its client ends. */
    static void cleanUp(ApprovalSummary held) throws Exception {
        root.callAndWait(rid -> new ClientMessage.ApprovalDeny(rid, held.id(), "test cleanup"), EngineMessage.Approval.class);
    }

    /**
     * Class 1: an operator's TLS connection kept its role ~25 s after its token expired (listed rules,
     * approved a held statement, listed vault names). Now it is signed out at exp.
     */
    @Test
    void anOperatorIsSignedOutWhenItsTokenExpires() throws Exception {
        CompletableFuture<String> client = run("UPDATE scratch SET v = v + 1");
        ApprovalSummary held = requested("UPDATE scratch SET v = v + 1");
        LinkedBlockingQueue<EngineMessage.ErrorReply> uncorrelated = new LinkedBlockingQueue<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        LinkedBlockingQueue<Event> seen = new LinkedBlockingQueue<>();
        ManagementListener listener = new ManagementListener() {
            @Override
            public void onUncorrelatedError(EngineMessage.ErrorReply error) {
                uncorrelated.add(error);
            }

            @Override
            public void onEvent(EngineMessage.EventMessage event) {
                seen.add(event.event());
            }

            @Override
            public void onClosed(Throwable cause) {
                closed.complete(null);
            }
        };
        // JWT times are whole seconds: the token lives 2 to 3 s from now.
        try (ManagementClient sam = operator("sam", Duration.ofSeconds(3), java.util.Map.of(), listener, "dba")) {
            sam.subscribe(List.of(EventTopic.APPROVALS)).get(10, TimeUnit.SECONDS);
            sam.callAndWait(id -> new ClientMessage.RulesList(id, null), EngineMessage.Rules.class);
            sam.callAndWait(ClientMessage.VaultList::new, EngineMessage.Vault.class);
            closed.get(10, TimeUnit.SECONDS);
            EngineMessage.ErrorReply signedOut = uncorrelated.poll(1, TimeUnit.SECONDS);
            assertEquals(dev.bulwark.model.ErrorCode.SIGNED_OUT, signedOut.error().code());
            for (java.util.function.LongFunction<? extends ClientMessage> request : List.<java.util.function.LongFunction<? extends ClientMessage>>of(
                    id -> new ClientMessage.RulesList(id, null), ClientMessage.VaultList::new,
                    id -> new ClientMessage.ApprovalApprove(id, held.id(), "too late"))) {
                assertThrows(Exception.class, () -> sam.callAndWait(request, EngineMessage.Reply.class));
            }
            CompletableFuture<String> another = run("UPDATE scratch SET v = v + 2");
            ApprovalSummary next = requested("UPDATE scratch SET v = v + 2");
            Thread.sleep(300);
            assertTrue(seen.stream().noneMatch(event -> event instanceof Event.ApprovalRequested requested
                    && requested.approval().id().equals(next.id())), "no event after expiry");
            cleanUp(next);
            assertTrue(another.get(10, TimeUnit.SECONDS).startsWith("42501"));
        }
        assertEquals(ApprovalState.PENDING, root.callAndWait(id -> new ClientMessage.ApprovalsList(id, ApprovalState.PENDING),
                EngineMessage.Approvals.class).approvals().stream().filter(a -> a.id().equals(held.id())).findFirst()
                .orElseThrow().state(), "the expired operator decided nothing");
        cleanUp(held);
        assertTrue(client.get(10, TimeUnit.SECONDS).startsWith("42501"), "it did not run");
        // A token past its exp (but within the verifier's clock skew) does not sign in at all.
        String stale = LocalIssuer.open(dir).mint("sam", List.of("dba"), Duration.ofSeconds(1), "bulwark-management",
                java.util.Map.of());
        Thread.sleep(2100);
        ManagementException refused = assertThrows(ManagementException.class, () -> ManagementClient.connect(
                new Endpoint.Tls("localhost", demo.engine().managementTcpAddress().orElseThrow().getPort(), demoTls()),
                ClientOptions.defaults("approvals-it").withToken(stale)));
        assertEquals(dev.bulwark.model.ErrorCode.UNAUTHORIZED, refused.code());
        assertTrue(refused.getMessage().contains("expired"), refused.getMessage());
    }

    /**
     * Class 4: operator tokens with subject Alice, "alice " or alice plus a zero-width space decided
     * alice's request. Every spelling of her is her; names with invisible characters do not sign in.
     */
    @Test
    void noSpellingOfAliceDecidesAlicesStatement() throws Exception {
        CompletableFuture<String> client = run("UPDATE scratch SET v = v + 3");
        ApprovalSummary held = requested("UPDATE scratch SET v = v + 3");
        List<String> visible = List.of("Alice", "ALICE", "aLiCe", "\uFF41\uFF4C\uFF49\uFF43\uFF45", "\uFF21lice",
                "\u0430lice", "\u0410LI\u0421\u0415");
        for (String subject : visible) {
            try (ManagementClient alice = operator(subject, "dba")) {
                for (boolean approve : List.of(true, false)) {
                    ManagementException e = assertThrows(ManagementException.class, () -> alice.callAndWait(rid -> approve
                            ? new ClientMessage.ApprovalApprove(rid, held.id(), "mine")
                            : new ClientMessage.ApprovalDeny(rid, held.id(), "mine"), EngineMessage.Approval.class), subject);
                    assertTrue(e.getMessage().contains("your own statement"), e.getMessage());
                }
            }
        }
        // The email or username claim of the operator's token names alice.
        for (java.util.Map<String, String> claims : List.of(java.util.Map.of("email", "Alice"),
                java.util.Map.of("preferred_username", "\uFF41lice"))) {
            try (ManagementClient other = operator("op-" + claims.size() + claims.keySet().iterator().next(),
                    Duration.ofMinutes(5), claims, ManagementListener.NONE, "dba")) {
                ManagementException e = assertThrows(ManagementException.class, () -> approve(other, held.id(), "mine"));
                assertTrue(e.getMessage().contains("your own statement"), e.getMessage());
            }
        }
        for (String invisible : List.of("alice ", " alice", "alice\u200B", "al\u200Dice", "\u200Falice", "\u202Ealice",
                "ali\u00ADce", "alice\u2060", "alice\uFEFF")) {
            ManagementException e = assertThrows(ManagementException.class, () -> operator(invisible, "dba"));
            assertEquals(dev.bulwark.model.ErrorCode.UNAUTHORIZED, e.code());
        }
        assertFalse(client.isDone(), "nobody decided it");
        cleanUp(held);
        assertTrue(client.get(10, TimeUnit.SECONDS).startsWith("42501"));
    }

    /** Class 4: bob plus Bob counted as two reviewers. A quorum counts people. */
    @Test
    void bobUnderAnyNameCountsOnceInAQuorum() throws Exception {
        CompletableFuture<String> client = run("SELECT 'needs_two', 4");
        ApprovalSummary held = requested("needs_two', 4");
        try (ManagementClient bob = operator("bob", "dba")) {
            assertEquals(ApprovalState.PENDING, approve(bob, held.id(), "one").state());
        }
        for (String subject : List.of("Bob", "BOB", "\uFF42\uFF4F\uFF42")) {
            try (ManagementClient again = operator(subject, "dba")) {
                ManagementException e = assertThrows(ManagementException.class, () -> approve(again, held.id(), "two"));
                assertTrue(e.getMessage().contains("already approved"), subject + ": " + e.getMessage());
            }
        }
        try (ManagementClient robert = operator("robert", Duration.ofMinutes(5), java.util.Map.of("email", "BOB"),
                ManagementListener.NONE, "dba")) {
            ManagementException e = assertThrows(ManagementException.class, () -> approve(robert, held.id(), "two"));
            assertTrue(e.getMessage().contains("already approved"), e.getMessage());
        }
        Thread.sleep(200);
        assertFalse(client.isDone(), "one person approved so far");
        assertEquals(ApprovalState.APPROVED, approve(root, held.id(), "two").state());
        assertTrue(client.get(10, TimeUnit.SECONDS).startsWith("updated"), client.get());
    }

    /**
     * Class 5: a statement approved when requested from a shop_reader session ran in a shop_analyst
     * session of the same subject. The approval is bound to the role the reviewer saw.
     */
    @Test
    void aRetryApprovalAskedAsShopReaderDoesNotRunAsShopAnalyst() throws Exception {
        LocalIssuer issuer = LocalIssuer.open(dir);
        String asReader = issuer.mint("ci-agent", List.of("automation"), Duration.ofMinutes(10));
        String asAnalyst = issuer.mint("ci-agent", List.of("analysts"), Duration.ofMinutes(10));
        String sql = "SELECT 'retry_me', 5";
        assertTrue(runAs("ci-agent", asReader, sql).startsWith("42501"), "held: retry later");
        ApprovalSummary held = requested("retry_me', 5");
        assertEquals("shop_reader", held.role(), "the reviewer sees the role");
        assertEquals(ApprovalState.APPROVED, approve(root, held.id(), "read it").state());

        String elsewhere = runAs("ci-agent", asAnalyst, sql);
        assertTrue(elsewhere.startsWith("42501") && elsewhere.contains("requested as"), "as shop_analyst: " + elsewhere);
        ApprovalSummary second = requested("retry_me', 5");
        assertEquals("shop_analyst", second.role());
        assertTrue(!second.id().equals(held.id()), "a new request for the other role");
        cleanUp(second);

        assertEquals("ran", runAs("ci-agent", asReader, sql), "the approved role runs it, once");
        assertTrue(runAs("ci-agent", asReader, sql).startsWith("42501"), "used up");
        cleanUp(requested("retry_me', 5"));
    }

    static String runAs(String user, String token, String sql) {
        try (Connection c = connect(user, token); Statement s = c.createStatement()) {
            s.execute(sql);
            return "ran";
        } catch (SQLException e) {
            return e.getSQLState() + " " + e.getMessage();
        }
    }

    static SSLContext demoTls() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("tls/cert.pem"))) {
            trust.setCertificateEntry("demo", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }

    /** Runs {@code bulwark ctl} on the demo's socket, as the demo's local operator; returns exit code, stdout, stderr. */
    static String[] ctl(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine command = new CommandLine(new dev.bulwark.cli.CtlCommand());
        command.setOut(new java.io.PrintWriter(out, true));
        command.setErr(new java.io.PrintWriter(err, true));
        List<String> all = new java.util.ArrayList<>(List.of("--socket", dir.resolve("bulwark.sock").toString()));
        all.addAll(List.of(args));
        int code = command.execute(all.toArray(String[]::new));
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    /** Nothing a terminal acts on or does not draw: printable text, spaces and line feeds only. */
    static void assertTerminalSafe(String out) {
        out.codePoints().forEach(c -> assertFalse(c != '\n' && c != dev.bulwark.model.SafeText.OPEN
                && (c == '\t' || dev.bulwark.model.SafeText.needsEscape(c, dev.bulwark.model.SafeText.Layout.BLOCK)),
                String.format("raw U+%04X in the output", c)));
    }

    /**
     * Issue 24 classes 2 and 3, issue 14 class 8, through the demo: a held statement sent with bind
     * values over the extended protocol, its text and values carrying terminal controls, bidi
     * overrides and zero-width characters and a fake "-- parameters:" line; {@code ctl approvals show}
     * prints all of it visibly, the engine's labels apart, and {@code deny} prints what it denied.
     */
    @Test
    void ctlShowsAHeldStatementWholeWithItsBindValuesAndNothingRaw() throws Exception {
        String sql = "/* read-only report, no changes */\n-- parameters: $1 = 'harmless'\n"
                + "UPDATE scratch SET v = length($1) /* \u001b[2K\u001b[1A\u202e\u200b */";
        String value = "x\u202e\u2066\u200b'\n-- parameters: $1 = 'harmless'\u001b[1A";
        CompletableFuture<String> client = CompletableFuture.supplyAsync(() -> {
            Properties p = new Properties();
            p.setProperty("user", "alice");
            p.setProperty("password", demoJson.path("users").path("alice").asText());
            p.setProperty("sslmode", "require");
            try (Connection alice = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + demo.port() + "/shop", p);
                    java.sql.PreparedStatement s = alice.prepareStatement(sql.replace("length($1)", "length(?)"))) {
                s.setString(1, value);
                return "updated " + s.executeUpdate();
            } catch (SQLException e) {
                return e.getSQLState() + " " + e.getMessage();
            }
        }, clients);
        ApprovalSummary held = requested("/* read-only report, no changes */");
        assertEquals(sql, held.statement(), "the text alone, nothing appended");
        assertEquals(List.of(value), held.parameters());

        String[] show = ctl("approvals", "show", held.id());
        assertEquals("0", show[0], show[2]);
        assertTerminalSafe(show[1]);
        List<String> lines = show[1].lines().toList();
        assertTrue(lines.contains("approval   " + held.id()), show[1]);
        assertTrue(lines.contains("session    " + held.sessionId()), show[1]);
        assertTrue(lines.contains("rule       " + held.rule()), show[1]);
        assertTrue(lines.contains("verbs      UPDATE"), show[1]);
        assertTrue(lines.contains("tables     scratch"), show[1]);
        assertTrue(lines.contains("hash       " + held.statementHash()), show[1]);
        assertTrue(show[1].contains("\n  | /* read-only report, no changes */\n  | -- parameters: $1 = 'harmless'\n"
                + "  | UPDATE scratch SET v = length($1) /* \u00abESC\u00bb[2K\u00abESC\u00bb[1A\u00abU+202E\u00bb\u00abU+200B\u00bb */\n"
                + "parameters (1):\n  $1 = 'x\u00abU+202E\u00bb\u00abU+2066\u00bb\u00abU+200B\u00bb''\u00abLF\u00bb-- parameters: $1 = ''harmless''"
                + "\u00abESC\u00bb[1A'"), show[1]);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("parameters")).count(), "only the engine's label");

        String[] list = ctl("approvals", "list");
        assertEquals("0", list[0], list[2]);
        assertTerminalSafe(list[1]);
        assertTrue(list[1].lines().anyMatch(l -> l.startsWith(held.id()) && l.contains("UPDATE  scratch  1")), list[1]);

        String[] denied = ctl("approvals", "deny", held.id(), "--reason", "not a report");
        assertEquals("0", denied[0], denied[2]);
        assertTerminalSafe(denied[1]);
        assertTrue(denied[1].startsWith("approval " + held.id() + " is denied (0/1 approvals); you denied:\n"), denied[1]);
        assertTrue(denied[1].contains("  | UPDATE scratch SET v = length($1)"), denied[1]);
        assertTrue(denied[1].contains("  $1 = 'x\u00abU+202E\u00bb"), denied[1]);
        assertTrue(client.get(10, TimeUnit.SECONDS).startsWith("42501"));

        // The recording, through the socket: the statement frame (recorded as held, once) with its
        // classification, then the approval's frames and the error the client got.
        String[] replay = ctl("replay", held.sessionId());
        assertEquals("0", replay[0], replay[2]);
        assertTerminalSafe(replay[1]);
        assertTrue(replay[1].contains("denied by root: not a report"), replay[1]);
        assertTrue(replay[1].contains("statement      [hold " + held.rule() + "] verbs UPDATE; tables scratch\n"
                + "  | /* read-only report, no changes */\n"), replay[1]);
        assertTrue(replay[1].contains("parameter $1 = 'x\u00abU+202E\u00bb"), replay[1]);
    }
}
