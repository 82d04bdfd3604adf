package dev.bulwark.management;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.AuditVerification;
import dev.bulwark.model.Decision;
import dev.bulwark.model.EngineStats;
import dev.bulwark.model.EngineStatus;
import dev.bulwark.model.Frame;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.Operator;
import dev.bulwark.model.RecordingQuery;
import dev.bulwark.model.RecordingSummary;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import dev.bulwark.model.RuleTestResult;
import dev.bulwark.model.SessionDetail;
import dev.bulwark.model.SessionSummary;
import dev.bulwark.model.TestIdentity;
import dev.bulwark.model.VaultEntry;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/**
 * What the management server asks of the rest of the engine, one small interface per part, so each
 * can be implemented where that part lives. Live events do not go through here: the engine
 * publishes them to the {@link EventHub}.
 *
 * <p>Every method is called on the management event loop and must return at once: work that reads
 * the store, H2, files or the network runs on the implementation's own executor and completes the
 * future from there. To answer with a specific error code, complete the future exceptionally with
 * a {@link ManagementException} (not_found, conflict, bad_request, unavailable); its message goes
 * to the operator as is, so it must hold no secret. Any other exception becomes {@code internal}
 * with a generic message, and is logged.
 */
public record ManagementBackend(
        EngineBackend engine,
        SessionsBackend sessions,
        RulesBackend rules,
        ApprovalsBackend approvals,
        RecordingsBackend recordings,
        AuditBackend audit,
        VaultBackend vault) {

    public ManagementBackend {
        requireNonNull(engine, "engine is null");
        requireNonNull(sessions, "sessions is null");
        requireNonNull(rules, "rules is null");
        requireNonNull(approvals, "approvals is null");
        requireNonNull(recordings, "recordings is null");
        requireNonNull(audit, "audit is null");
        requireNonNull(vault, "vault is null");
    }

    /** The engine itself. */
    public interface EngineBackend {
        /** The engine's version, for the welcome. Must not block. */
        String version();

        CompletableFuture<EngineStatus> status();

        CompletableFuture<EngineStats> stats();
    }

    /** The live session registry. */
    public interface SessionsBackend {
        CompletableFuture<List<SessionSummary>> list();

        /** Fails with not_found for an unknown id. */
        CompletableFuture<SessionDetail> get(String sessionId);

        /**
         * Ends a session: its client gets an error (57P01) and is disconnected, its pending approvals
         * are withdrawn. Completes once the kill is under way; fails with not_found for an unknown id.
         *
         * @param reason the operator's reason, absent when none was given (record it with the session end)
         */
        CompletableFuture<Void> kill(String sessionId, Operator by, Optional<String> reason);
    }

    /** Policy and masking rules, stored with versions. */
    public interface RulesBackend {
        /** Rules of one kind, or of every kind; ordered by kind, then id. */
        CompletableFuture<List<RuleDocument>> list(Optional<RuleKind> kind);

        /** Fails with not_found. */
        CompletableFuture<RuleDocument> get(RuleKind kind, String id);

        /**
         * Validates and stores a rule, with version = previous + 1 (1 when new), changed_by = {@code by}.
         * Fails with bad_request when the owning part rejects the body (say why in the message),
         * conflict when {@code expectedVersion} is present and differs from the stored version (0: must not exist).
         * Publishes {@link EventHub#ruleChanged} once stored.
         */
        CompletableFuture<RuleDocument> put(RuleKind kind, String id, JsonNode body, OptionalLong expectedVersion,
                Operator by);

        /**
         * Deletes a rule and returns it as it was. Fails with not_found, or conflict on a version
         * mismatch. Publishes {@link EventHub#ruleDeleted}.
         */
        CompletableFuture<RuleDocument> delete(RuleKind kind, String id, OptionalLong expectedVersion, Operator by);

        /**
         * Classifies a statement and decides it for an identity with the current rules, without
         * running it; lists the result columns masking would change. Fails with not_found for an
         * unknown target.
         */
        CompletableFuture<RuleTestResult> test(String statement, TestIdentity identity, Optional<String> target);
    }

    /** Held statements. */
    public interface ApprovalsBackend {
        /** Approvals in one state, or every approval the engine still remembers; oldest first. */
        CompletableFuture<List<ApprovalSummary>> list(Optional<ApprovalState> state);

        /**
         * Records a reviewer's decision and returns the approval as it now stands. Fails with
         * not_found, with conflict when it is no longer pending, with forbidden when the reviewer
         * may not decide it (their own request, a second vote by the same person), with signed_out when
         * the reviewer's token has expired by the time the decision is made. Publishes
         * {@link EventHub#approvalChanged}.
         */
        CompletableFuture<ApprovalSummary> decide(String approvalId, Decision decision, String reason,
                AuthenticatedOperator by);
    }

    /** The recording store, read side. */
    public interface RecordingsBackend {
        CompletableFuture<RecordingPage> search(RecordingQuery query);

        /**
         * Frames of a session with {@code fromSeq <= seq <= toSeq}, at most {@code limit}, in order.
         * Fails with not_found for an unknown session.
         */
        CompletableFuture<FramePage> frames(String sessionId, long fromSeq, OptionalLong toSeq, int limit);
    }

    /** The tamper-evident audit chain. */
    public interface AuditBackend {
        CompletableFuture<AuditVerification> verify();

        /**
         * Writes every audit record, one JSON text per line, to {@code fileName} in the engine's
         * export directory (never elsewhere: the name is a plain file name, checked already) and
         * returns how many. Fails with conflict if the file exists.
         */
        CompletableFuture<Long> exportToFile(String fileName);

        /**
         * Streams every audit record, one JSON text per line, in batches to {@code sink} (from the
         * implementation's thread, never the event loop), and returns how many.
         */
        CompletableFuture<Long> export(LineSink sink);
    }

    /** The credential vault: names only, never secrets. */
    public interface VaultBackend {
        CompletableFuture<List<VaultEntry>> entries();
    }

    /** Receives a streamed export. */
    @FunctionalInterface
    public interface LineSink {
        /**
         * Takes the next lines. Blocks while the operator's connection is backed up; throws when it
         * is gone, and the export should stop then.
         */
        void accept(List<String> lines) throws IOException;
    }

    /** A page of recording search results; {@code next} is the cursor of the following page. */
    public record RecordingPage(List<RecordingSummary> recordings, Optional<String> next) {
        public RecordingPage {
            recordings = List.copyOf(recordings);
            requireNonNull(next, "next is null");
        }
    }

    /** A page of frames; {@code next} is the from_seq of the following page, empty on the last. */
    public record FramePage(List<Frame> frames, OptionalLong next) {
        public FramePage {
            frames = List.copyOf(frames);
            requireNonNull(next, "next is null");
        }
    }
}
