package dev.bulwark.cli;

import dev.bulwark.auth.AuthConfig;
import dev.bulwark.auth.Identity;
import dev.bulwark.auth.LocalIssuer;
import dev.bulwark.auth.TokenVerifier;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenCommandTest {
    @TempDir
    Path data;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine command = new CommandLine(new TokenCommand());
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(args);
    }

    @Test
    void printsATokenThatVerifiesThroughTheSameVerifier() throws Exception {
        Instant before = Instant.now();
        assertEquals(0, run("--sub", "alice", "--groups", "analysts,dba", "--ttl", "10m",
                "--claim", "department=finance", "--data", data.toString()), err::toString);

        String printed = out.toString();
        assertTrue(printed.endsWith(System.lineSeparator()));
        String token = printed.strip();
        assertEquals(1, printed.lines().count(), "the token and nothing else");

        var issuer = LocalIssuer.open(data).issuerConfig(Map.of("department", "department"));
        try (TokenVerifier verifier = new TokenVerifier(new AuthConfig(List.of(issuer), null, null), Runnable::run)) {
            Identity identity = verifier.verify(token).get(5, TimeUnit.SECONDS);
            assertEquals("alice", identity.subject());
            assertEquals(Set.of("analysts", "dba"), identity.groups());
            assertEquals(LocalIssuer.ISSUER, identity.issuer());
            assertEquals(Map.of("department", "finance"), identity.attributes());
            Duration lifetime = Duration.between(before, identity.expiresAt());
            assertTrue(lifetime.compareTo(Duration.ofMinutes(9)) > 0 && lifetime.compareTo(Duration.ofMinutes(11)) < 0, lifetime::toString);
        }
    }

    @Test
    void defaultsAreFifteenMinutesForAudienceBulwark() throws Exception {
        assertEquals(0, run("--sub", "bob", "--data", data.toString()), err::toString);
        var claims = com.nimbusds.jwt.SignedJWT.parse(out.toString().strip()).getJWTClaimsSet();
        assertEquals(List.of("bulwark"), claims.getAudience());
        assertEquals(Duration.ofMinutes(15), Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()));
        assertEquals(List.of(), claims.getStringListClaim("groups"));
    }

    @Test
    void durations() {
        TokenCommand.DurationConverter converter = new TokenCommand.DurationConverter();
        assertEquals(Duration.ofSeconds(90), converter.convert("90s"));
        assertEquals(Duration.ofMinutes(15), converter.convert("15m"));
        assertEquals(Duration.ofHours(2), converter.convert("2H"));
        assertEquals(Duration.ofDays(1), converter.convert("1d"));
        assertEquals(Duration.ofMinutes(15), converter.convert("PT15M"));
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertEquals(2, run("--data", data.toString()));
        assertTrue(err.toString().contains("Missing required option: '--sub=NAME'"), err::toString);

        assertEquals(2, run("--sub", "alice", "--ttl", "soon", "--data", data.toString()));
        assertTrue(err.toString().contains("'soon' is not a duration like 15m, 2h or PT15M"), err::toString);

        assertEquals(2, run("--sub", "alice", "--ttl", "25h", "--data", data.toString()));
        assertTrue(err.toString().contains("the ttl must be more than 0 and at most 24h"), err::toString);

        assertEquals(2, run("--sub", "alice", "--claim", "iss=https://evil", "--data", data.toString()));
        assertTrue(err.toString().contains("the claim iss cannot be set as an extra claim"), err::toString);
        assertEquals("", out.toString());
    }
}
