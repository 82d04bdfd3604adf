package dev.bulwark.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a login costs the event loop when the issuer's keys are cached: parse, signature, claims.
 * Run: {@code java -cp <test classpath> org.openjdk.jmh.Main TokenVerifierBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenVerifierBenchmark {
    private Path directory;
    private TokenVerifier verifier;
    private String es256Token;
    private String rs256Token;

    @Setup
    public void setUp() throws Exception {
        directory = Files.createTempDirectory("bulwark-bench");
        LocalIssuer local = LocalIssuer.open(directory);
        es256Token = local.mint("alice", List.of("analysts"), Duration.ofHours(1));

        RSAKey rsa = TestIdp.rsaKey("rsa-1");
        Path rsaJwks = directory.resolve("rsa.json");
        Files.writeString(rsaJwks, new JWKSet(rsa.toPublicJWK()).toString());
        String rsaIssuer = "https://rsa.example.com";
        rs256Token = TestIdp.sign(rsa, TestIdp.validClaims(rsaIssuer, java.time.Instant.now())
                .expirationTime(java.util.Date.from(java.time.Instant.now().plusSeconds(3600))).build());

        verifier = new TokenVerifier(new AuthConfig(List.of(local.issuerConfig(),
                IssuerConfig.jwksFile(rsaIssuer, "bulwark", rsaJwks)), null, null), Runnable::run);
        verifier.preload().get();
    }

    @TearDown
    public void tearDown() throws Exception {
        verifier.close();
        try (var files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Benchmark
    public Identity es256() {
        return verifier.verify(es256Token).join();
    }

    @Benchmark
    public Identity rs256() {
        return verifier.verify(rs256Token).join();
    }
}
