package dev.bulwark.recording;

import dev.bulwark.auth.Identity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Test data shared by the recording tests. */
final class Fixtures {
    static final Instant TOKEN_EXPIRY = Instant.parse("2026-11-21T09:00:00Z");

    private Fixtures() {}

    static Identity identity(String subject) {
        return new Identity(subject, Set.of("dba", "analysts"), "https://idp.example", "jti-" + subject, TOKEN_EXPIRY, Map.of());
    }

    static SessionInfo session(String id, String subject, AuditMode mode) {
        return new SessionInfo(id, identity(subject), "10.0.0.7:51234", "psql", "sales", "app_ro", mode);
    }

    static FramePayload.Statement select(String text) {
        return new FramePayload.Statement(FramePayload.Protocol.SIMPLE, text, List.of(), FramePayload.Verdict.ALLOW,
                "r1", "read-only", List.of("public.accounts"), List.of("SELECT"));
    }

    static RecordingConfig config(int queueCapacity, int keyRollRecords) {
        return new RecordingConfig(queueCapacity, null, null, null, null, null, keyRollRecords, null, null, null);
    }
}
