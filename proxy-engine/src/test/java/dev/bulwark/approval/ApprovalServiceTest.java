package dev.bulwark.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.auth.Identity;
import dev.bulwark.auth.PersonKeys;
import dev.bulwark.management.EventHub;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.Decision;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.ManagementException;
import dev.bulwark.management.AuthenticatedOperator;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.policy.Approval;
import dev.bulwark.policy.HoldMode;
import dev.bulwark.recording.AdminAction;
import dev.bulwark.recording.FramePayload;
import dev.bulwark.store.ApprovalRow;
import dev.bulwark.store.JdbcStore;
import dev.bulwark.store.StoreConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.bulwark.approval.Fakes.approval;
import static dev.bulwark.approval.Fakes.held;
import static dev.bulwark.approval.Fakes.identity;
import static dev.bulwark.approval.Fakes.reviewer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApprovalServiceTest {
    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(15);
    private static final Duration WINDOW = Duration.ofMinutes(10);
    private static final String DELETE = "DELETE FROM orders WHERE created < $1";
    private static final Identity ALICE = identity("alice", "developers");
    private static final AuthenticatedOperator BOB = reviewer("bob", "dba");
    private static final AuthenticatedOperator CAROL = reviewer("carol", "dba", "sre");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    private JdbcStore store;
    private ExecutorService storeExecutor;
    private ManualTime time;
    private EventHub hub;
    private Fakes.Effects effects;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private ApprovalService service;

    @BeforeEach
    void start() {
        store = JdbcStore.open(StoreConfig.defaults(), dataDir);
        storeExecutor = Executors.newSingleThreadExecutor();
        time = new ManualTime(T0);
        hub = new EventHub(time);
        hub.subscribe(Set.of(EventTopic.APPROVALS), events::add);
        effects = new Fakes.Effects(hub);
        service = newService(ApprovalSettings.defaults());
    }

    @AfterEach
    void stop() throws InterruptedException {
        service.close();
        storeExecutor.shutdown();
        assertTrue(storeExecutor.awaitTermination(10, TimeUnit.SECONDS));
        store.close();
    }

    private ApprovalService newService(ApprovalSettings settings) {
        return new ApprovalService(store, storeExecutor, time, null, effects, time, settings);
    }

    private static Approval dba(int quorum) {
        return approval(quorum, TIMEOUT, HoldMode.WAIT, WINDOW, "dba");
    }

    private static Approval retry() {
        return approval(1, TIMEOUT, HoldMode.RETRY, WINDOW, "dba");
    }

    private ApprovalHandle hold(Identity who, Approval approval, Fakes.Frames frames) {
        return service.request(held("s-1", who, DELETE, List.of("2020-01-01"), approval, frames));
    }

    private ApprovalHandle hold(Approval approval) {
        return hold(ALICE, approval, new Fakes.Frames());
    }

    private static Outcome now(ApprovalHandle handle) {
        assertTrue(handle.outcome().isDone(), "the outcome should be known by now");
        return handle.outcome().join();
    }

    private static ManagementException failure(CompletableFuture<?> future) {
        ExecutionException thrown = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        Throwable cause = thrown.getCause();
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return assertInstanceOf(ManagementException.class, cause);
    }

    private ApprovalSummary decide(String id, Decision decision, String reason, AuthenticatedOperator by) throws Exception {
        return service.decide(id, decision, reason, by).get(10, TimeUnit.SECONDS);
    }

    private ApprovalRow storedRow(String id) throws Exception {
        service.storeWritesDone().get(10, TimeUnit.SECONDS);
        return store.approval(id).orElseThrow(() -> new AssertionError("no stored row for " + id));
    }

    // ------------------------------------------------------------------ the outcomes

    @Test
    void anApprovalLetsTheStatementRun() throws Exception {
        Fakes.Frames frames = new Fakes.Frames();
        ApprovalHandle handle = hold(ALICE, dba(1), frames);

        assertFalse(handle.outcome().isDone(), "the statement waits");
        assertEquals(HoldMode.WAIT, handle.mode());
        assertEquals("statement held for approval: request " + handle.id() + " (rule \"bulk-delete\"), waiting for"
                + " 1 approval from group dba; expires in 15m", handle.notice());
        assertEquals(StatementHash.of(DELETE, List.of("2020-01-01")), handle.statementHash());
        assertTrue(handle.id().matches("[0-9a-f]{16}"), handle.id());

        ApprovalSummary decided = decide(handle.id(), Decision.APPROVE, "ticket OPS-1", BOB);

        assertEquals(ApprovalState.APPROVED, decided.state());
        assertEquals(1, decided.approvals());
        assertEquals(new Outcome.Approved(List.of("bob")), now(handle));
        assertEquals(Optional.empty(), handle.clientError(now(handle)));
        assertEquals(List.of("ASKED", "GRANTED by bob", "GRANTED"), frames.states());
        assertEquals(List.of(AdminAction.approvalDecision("bob", handle.id(), true, "s-1", "ticket OPS-1")),
                effects.adminActions);
        assertEquals(0, time.scheduled(), "the timeout is cancelled");

        ApprovalRow row = storedRow(handle.id());
        assertEquals("approved", row.status());
        assertEquals("bob", row.decidedBy());
        assertEquals("alice", row.requestedBy());
        assertEquals("s-1", row.sessionId());
        assertEquals(store.nodeId(), row.nodeId());
        JsonNode request = JSON.readTree(row.request());
        assertEquals(DELETE, request.get("statement").asText());
        assertEquals("2020-01-01", request.get("parameters").get(0).asText());
        assertEquals(handle.statementHash(), request.get("statement_hash").asText());
        assertEquals("DELETE", request.get("verbs").get(0).asText());
        JsonNode decision = JSON.readTree(row.decision());
        assertEquals("approved", decision.get("state").asText());
        assertEquals("bob", decision.get("decisions").get(0).get("by").asText());
        assertEquals("approve", decision.get("decisions").get(0).get("decision").asText());
        assertEquals("ticket OPS-1", decision.get("decisions").get(0).get("reason").asText());
    }

    @Test
    void aDenialEndsItWithTheReviewersReason() throws Exception {
        Fakes.Frames frames = new Fakes.Frames();
        ApprovalHandle handle = hold(ALICE, dba(1), frames);

        ApprovalSummary decided = decide(handle.id(), Decision.DENY, "not during business hours", BOB);

        assertEquals(ApprovalState.DENIED, decided.state());
        Outcome outcome = now(handle);
        assertEquals(new Outcome.Denied("not during business hours", "bob"), outcome);
        ClientError error = handle.clientError(outcome).orElseThrow();
        assertEquals("42501", error.sqlState());
        assertEquals("statement denied by reviewer bob: not during business hours (approval request " + handle.id() + ")",
                error.message());
        assertEquals(List.of("ASKED", "DENIED by bob", "DENIED"), frames.states());
        assertEquals(AdminAction.APPROVAL_DENIED, effects.adminActions.getFirst().action());
        assertEquals("denied", storedRow(handle.id()).status());
    }

    @Test
    void nobodyDecidingInTimeExpiresIt() throws Exception {
        Fakes.Frames frames = new Fakes.Frames();
        ApprovalHandle handle = hold(ALICE, approval(1, Duration.ofMinutes(5), HoldMode.WAIT, WINDOW, "dba"), frames);

        time.advance(Duration.ofMinutes(5).minusMillis(1));
        assertFalse(handle.outcome().isDone(), "not yet");
        time.advance(Duration.ofMillis(1));

        Outcome outcome = now(handle);
        assertEquals(new Outcome.Expired(Duration.ofMinutes(5)), outcome);
        ClientError error = handle.clientError(outcome).orElseThrow();
        assertEquals("57014", error.sqlState());
        assertEquals("canceling statement: approval request " + handle.id()
                + " expired, nobody approved it within 5m", error.message());
        assertEquals(List.of("ASKED", "EXPIRED"), frames.states());
        ApprovalRow row = storedRow(handle.id());
        assertEquals("expired", row.status());
        assertEquals("engine", row.decidedBy());
        assertEquals(ErrorCode.CONFLICT, failure(service.decide(handle.id(), Decision.APPROVE, "late", BOB)).code());
        assertEquals(ApprovalState.EXPIRED, ((Event.ApprovalChanged) events.getLast()).approval().state());
    }

    @Test
    void aWithdrawnRequestCannotBeApprovedAfterwards() throws Exception {
        Fakes.Frames frames = new Fakes.Frames();
        ApprovalHandle handle = hold(ALICE, dba(1), frames);

        assertTrue(service.withdraw(handle.id(), "client cancelled"));
        assertFalse(service.withdraw(handle.id(), "again"), "only once");

        Outcome outcome = now(handle);
        assertEquals(new Outcome.Withdrawn("client cancelled"), outcome);
        assertEquals(new ClientError("57014", "canceling statement: approval request " + handle.id()
                + " withdrawn (client cancelled)"), handle.clientError(outcome).orElseThrow());
        ManagementException late = failure(service.decide(handle.id(), Decision.APPROVE, "ok", BOB));
        assertEquals(ErrorCode.CONFLICT, late.code());
        assertEquals("approval " + handle.id() + " is already withdrawn", late.getMessage());
        assertEquals(List.of("ASKED", "WITHDRAWN"), frames.states());
        assertEquals("withdrawn: client cancelled", frames.frames.getLast().reason());
        assertEquals(ApprovalState.WITHDRAWN, ((Event.ApprovalChanged) events.getLast()).approval().state());
        assertEquals("withdrawn", storedRow(handle.id()).status());
        assertEquals(0, time.scheduled());
        assertTrue(effects.adminActions.isEmpty(), "a withdrawal is no operator's decision");
    }

    @Test
    void cancellingTheOutcomeFutureWithdrawsAndEndingASessionWithdrawsItsRequests() throws Exception {
        ApprovalHandle cancelled = hold(dba(1));
        cancelled.outcome().cancel(false);
        assertEquals(ApprovalState.WITHDRAWN, service.get(cancelled.id()).orElseThrow().state());

        ApprovalHandle first = service.request(held("s-9", ALICE, "DROP TABLE a", List.of(), dba(1), ApprovalRecording.NONE));
        ApprovalHandle other = service.request(held("s-8", ALICE, "DROP TABLE b", List.of(), dba(1), ApprovalRecording.NONE));
        ApprovalHandle retryLater = service.request(held("s-9", ALICE, "DROP TABLE c", List.of(), retry(),
                ApprovalRecording.NONE));
        assertEquals(1, service.withdrawSession("s-9", "session killed"));
        assertEquals(new Outcome.Withdrawn("session killed"), now(first));
        assertFalse(other.outcome().isDone());
        assertEquals(ApprovalState.PENDING, service.get(retryLater.id()).orElseThrow().state(),
                "a RETRY request outlives its session: the identity retries from another one");
    }

    // ------------------------------------------------------------------ who may decide

    @Test
    void nobodyApprovesTheirOwnStatement() throws Exception {
        ApprovalHandle handle = hold(identity("bob", "dba"), dba(1), new Fakes.Frames());

        ManagementException refused = failure(service.decide(handle.id(), Decision.APPROVE, "mine", BOB));

        assertEquals(ErrorCode.FORBIDDEN, refused.code());
        assertEquals("you cannot approve your own statement", refused.getMessage());
        assertFalse(handle.outcome().isDone());
        assertEquals(ErrorCode.FORBIDDEN, failure(service.decide(handle.id(), Decision.DENY, "mine", BOB)).code());
        assertEquals(ApprovalState.APPROVED, decide(handle.id(), Decision.APPROVE, "ok", CAROL).state());
    }

    /** Spellings of "bob" that once decided bob's own request (issue 24 class 4). */
    private static final List<String> BOB_VARIANTS = List.of("Bob", "BOB", "bob ", " bob", "bob\t", "b ob",
            "bob\u200B", "b\u200Dob", "b\u200Cob", "\u200Fbob", "\u200Ebob", "\u202Ebob", "\u2066bob\u2069",
            "bo\u00ADb", "bob\uFE0F", "bob\u2060", "\uFEFFbob", "\uFF42\uFF4F\uFF42", "\uFF22\uFF4F\uFF42\u200B",
            "bob\u00A0", "bob\u3000", "bob\uDB40\uDC62", "\u0412\u041E\u0412", "b\u03BFb", "b\u043Eb");

    @Test
    void noSpellingOfTheRequestersNameDecidesTheirStatement() throws Exception {
        ApprovalHandle handle = hold(identity("bob", "dba"), dba(1), new Fakes.Frames());
        for (String variant : BOB_VARIANTS) {
            for (Decision decision : Decision.values()) {
                ManagementException refused = failure(service.decide(handle.id(), decision, "", reviewer(variant, "dba")));
                assertEquals("you cannot " + (decision == Decision.APPROVE ? "approve" : "deny") + " your own statement",
                        refused.getMessage(), variant);
            }
        }
        // As a token from another issuer would make it: same subject; or only the email or the username in common.
        Identity otherIssuer = new Identity("BOB", Set.of("dba"), "https://other-idp.example", "", Fakes.EXPIRES, Map.of());
        assertEquals("you cannot approve your own statement",
                failure(service.decide(handle.id(), Decision.APPROVE, "", Fakes.tokenReviewer(otherIssuer))).getMessage());
        assertFalse(handle.outcome().isDone());
        assertEquals(ApprovalState.APPROVED, decide(handle.id(), Decision.APPROVE, "", CAROL).state());
    }

    @Test
    void theRequestersEmailOrUsernameOnEitherSideMakesThemTheSamePerson() {
        Identity requester = new Identity("00u1abc", Set.of(), Fakes.ISSUER, "", Fakes.EXPIRES, Map.of(),
                Map.of("email", "dora@example.com", "preferred_username", "dkramer"));
        ApprovalHandle handle = hold(requester, dba(1), new Fakes.Frames());
        List<Identity> sameDora = List.of(
                new Identity("x-42", Set.of("dba"), "https://other-idp.example", "", Fakes.EXPIRES, Map.of(),
                        Map.of("email", "Dora@Example.com")),
                new Identity("x-43", Set.of("dba"), Fakes.ISSUER, "", Fakes.EXPIRES, Map.of("email", "dora@example.com\u200B")),
                new Identity("dkramer", Set.of("dba"), "https://other-idp.example", "", Fakes.EXPIRES, Map.of()),
                new Identity("x-44", Set.of("dba"), "https://other-idp.example", "", Fakes.EXPIRES, Map.of(),
                        Map.of("preferred_username", "\uFF44\uFF4B\uFF52\uFF41\uFF4D\uFF45\uFF52")));
        for (Identity dora : sameDora) {
            assertEquals("you cannot approve your own statement",
                    failure(service.decide(handle.id(), Decision.APPROVE, "", Fakes.tokenReviewer(dora))).getMessage(),
                    dora.toString());
        }
        // A Unix-socket operator configured as the same person.
        assertEquals("you cannot deny your own statement", failure(service.decide(handle.id(), Decision.DENY, "",
                Fakes.unixReviewer("dk", List.of("dora@example.com"), "dba"))).getMessage());
        assertFalse(handle.outcome().isDone());
    }

    @Test
    void aQuorumCountsPeopleNotSpellingsOrAccounts() throws Exception {
        ApprovalHandle handle = hold(ALICE, dba(2), new Fakes.Frames());
        Identity bobsToken = new Identity("bob", Set.of("dba"), Fakes.ISSUER, "", Fakes.EXPIRES, Map.of(),
                Map.of("email", "bob@example.com"));
        decide(handle.id(), Decision.APPROVE, "", Fakes.tokenReviewer(bobsToken));
        List<AuthenticatedOperator> bobAgain = new ArrayList<>();
        for (String variant : BOB_VARIANTS) {
            bobAgain.add(reviewer(variant, "dba"));
        }
        bobAgain.add(Fakes.tokenReviewer(new Identity("bob", Set.of("dba"), "https://other-idp.example", "",
                Fakes.EXPIRES, Map.of())));
        bobAgain.add(Fakes.tokenReviewer(new Identity("u-9", Set.of("dba"), "https://other-idp.example", "",
                Fakes.EXPIRES, Map.of(), Map.of("email", "BOB@example.com"))));
        bobAgain.add(Fakes.unixReviewer("robert", List.of("bob@example.com"), "dba"));
        for (AuthenticatedOperator again : bobAgain) {
            ManagementException refused = failure(service.decide(handle.id(), Decision.APPROVE, "", again));
            assertEquals("you have already approved this statement; it needs 2 approvals by different reviewers",
                    refused.getMessage(), again.toString());
        }
        assertEquals(1, service.get(handle.id()).orElseThrow().approvals());
        assertFalse(handle.outcome().isDone());
        assertEquals(ApprovalState.APPROVED, decide(handle.id(), Decision.APPROVE, "", CAROL).state());
    }

    @Test
    void aReviewerWhoseTokenExpiredDecidesNothingFromThatInstantOn() throws Exception {
        ApprovalHandle handle = hold(dba(1));
        Operator bob = new Operator("bob", OperatorRole.REVIEWER, List.of("dba"));
        PersonKeys person = PersonKeys.ofNames(List.of("bob"));
        for (Instant expiry : List.of(time.instant(), time.instant().minusSeconds(25))) {
            for (Decision decision : Decision.values()) {
                ManagementException late = failure(service.decide(handle.id(), decision, "",
                        new AuthenticatedOperator(bob, person, Optional.of(expiry))));
                assertEquals(ErrorCode.SIGNED_OUT, late.code(), "expiry " + expiry);
            }
        }
        assertFalse(handle.outcome().isDone());
        assertEquals(ApprovalState.APPROVED, decide(handle.id(), Decision.APPROVE, "", new AuthenticatedOperator(bob,
                person, Optional.of(time.instant().plusMillis(1)))).state(), "a millisecond before expiry it counts");
    }

    @Test
    void theRequestersMappedEmailAttributeCountsAsTheirName() {
        Identity requester = new Identity("00u1abc", Set.of(), Fakes.ISSUER, "", Fakes.EXPIRES,
                Map.of("email", "dora@example.com"));
        ApprovalHandle handle = hold(requester, dba(1), new Fakes.Frames());

        ManagementException refused = failure(service.decide(handle.id(), Decision.APPROVE, "",
                reviewer("dora@example.com", "dba")));

        assertEquals("you cannot approve your own statement", refused.getMessage());
    }

    @Test
    void onlyMembersOfTheRulesGroupsMayDecide() throws Exception {
        ApprovalHandle handle = hold(dba(1));

        ManagementException refused = failure(service.decide(handle.id(), Decision.APPROVE, "", reviewer("sam", "sre")));
        assertEquals(ErrorCode.FORBIDDEN, refused.code());
        assertEquals("approval needs a member of group dba", refused.getMessage());
        ManagementException admin = failure(service.decide(handle.id(), Decision.DENY, "",
                Fakes.operator(new Operator("root", OperatorRole.ADMIN, List.of()))));
        assertEquals("approval needs a member of group dba", admin.getMessage(), "admins need the group too");

        ApprovalHandle either = hold(ALICE, approval(1, TIMEOUT, HoldMode.WAIT, WINDOW, "dba", "sre"), new Fakes.Frames());
        assertEquals("approval needs a member of groups dba or sre",
                failure(service.decide(either.id(), Decision.APPROVE, "", reviewer("x", "ops"))).getMessage());
        assertEquals(ApprovalState.APPROVED,
                decide(either.id(), Decision.APPROVE, "", Fakes.operator(new Operator("ada", OperatorRole.ADMIN, List.of("sre")))).state());
        assertFalse(handle.outcome().isDone());
    }

    @Test
    void aViewerNeverDecidesEvenInTheGroup() {
        ApprovalHandle handle = hold(dba(1));

        ManagementException refused = failure(service.decide(handle.id(), Decision.APPROVE, "",
                Fakes.operator(new Operator("vic", OperatorRole.VIEWER, List.of("dba")))));

        assertEquals(ErrorCode.FORBIDDEN, refused.code());
        assertEquals("a viewer cannot approve or deny statements; that needs the reviewer or admin role",
                refused.getMessage());
        assertFalse(handle.outcome().isDone());
    }

    @Test
    void aQuorumOfTwoNeedsTwoDifferentReviewers() throws Exception {
        Fakes.Frames frames = new Fakes.Frames();
        ApprovalHandle handle = hold(ALICE, dba(2), frames);
        assertTrue(handle.notice().contains("waiting for 2 approvals by different reviewers from group dba"),
                handle.notice());

        ApprovalSummary first = decide(handle.id(), Decision.APPROVE, "looks fine", BOB);
        assertEquals(ApprovalState.PENDING, first.state());
        assertEquals(1, first.approvals());
        assertFalse(handle.outcome().isDone());

        ManagementException again = failure(service.decide(handle.id(), Decision.APPROVE, "really", BOB));
        assertEquals(ErrorCode.FORBIDDEN, again.code());
        assertEquals("you have already approved this statement; it needs 2 approvals by different reviewers",
                again.getMessage());
        assertFalse(handle.outcome().isDone());

        ApprovalSummary second = decide(handle.id(), Decision.APPROVE, "", CAROL);
        assertEquals(ApprovalState.APPROVED, second.state());
        assertEquals(2, second.approvals());
        assertEquals(new Outcome.Approved(List.of("bob", "carol")), now(handle));
        assertEquals(List.of("ASKED", "GRANTED by bob", "GRANTED by carol", "GRANTED"), frames.states());
        assertEquals("approval 1 of 2: looks fine", frames.frames.get(1).reason());
        assertEquals(2, effects.adminActions.size());
    }

    @Test
    void oneDenialAfterAnApprovalEndsIt() throws Exception {
        ApprovalHandle handle = hold(dba(2));
        decide(handle.id(), Decision.APPROVE, "", BOB);

        ApprovalSummary denied = decide(handle.id(), Decision.DENY, "wrong table", CAROL);

        assertEquals(ApprovalState.DENIED, denied.state());
        assertEquals(new Outcome.Denied("wrong table", "carol"), now(handle));
        assertEquals(2, denied.decisions().size());
        assertEquals(ErrorCode.CONFLICT,
                failure(service.decide(handle.id(), Decision.APPROVE, "", reviewer("dan", "dba"))).code());
    }

    @Test
    void decidingTwiceIsAConflictAndAnUnknownIdIsNotFound() throws Exception {
        ApprovalHandle handle = hold(dba(1));
        decide(handle.id(), Decision.APPROVE, "", BOB);

        ManagementException twice = failure(service.decide(handle.id(), Decision.DENY, "", CAROL));
        assertEquals(ErrorCode.CONFLICT, twice.code());
        assertEquals("approval " + handle.id() + " is already approved", twice.getMessage());

        ManagementException unknown = failure(service.decide("0000000000000000", Decision.APPROVE, "", BOB));
        assertEquals(ErrorCode.NOT_FOUND, unknown.code());
        assertEquals("no approval 0000000000000000", unknown.getMessage());
        assertEquals(ErrorCode.BAD_REQUEST,
                failure(service.decide(handle.id(), Decision.DENY, "x".repeat(1001), CAROL)).code());
    }

    @Test
    void anEndedApprovalOnlyTheStoreRemembersIsStillAConflict() throws Exception {
        service.close();
        service = newService(new ApprovalSettings(0, null, null, null, null));
        ApprovalHandle handle = hold(dba(1));
        decide(handle.id(), Decision.DENY, "no", BOB);
        service.storeWritesDone().get(10, TimeUnit.SECONDS);

        ManagementException late = failure(service.decide(handle.id(), Decision.APPROVE, "", CAROL));

        assertEquals(ErrorCode.CONFLICT, late.code());
        assertEquals("approval " + handle.id() + " is already denied", late.getMessage());
    }

    // ------------------------------------------------------------------ RETRY mode

    @Test
    void retryModeRefusesNowAndLetsTheSameStatementRunOnceAfterApproval() throws Exception {
        Fakes.Frames frames = new Fakes.Frames();
        ApprovalHandle first = hold(ALICE, retry(), frames);

        Outcome later = now(first);
        assertEquals(new Outcome.RetryLater(TIMEOUT, WINDOW), later);
        ClientError error = first.clientError(later).orElseThrow();
        assertEquals("42501", error.sqlState());
        assertTrue(error.message().contains(first.id()), error.message());
        assertEquals("statement not run: it needs approval, requested as " + first.id()
                + "; once approved (within 15m), run the same statement again within 10m", error.message());
        assertEquals(ApprovalState.PENDING, service.get(first.id()).orElseThrow().state());

        ApprovalHandle early = hold(ALICE, retry(), frames);
        assertEquals(first.id(), early.id(), "a retry before the approval files no second request");
        assertEquals(new Outcome.RetryLater(TIMEOUT, WINDOW), now(early));
        assertEquals(1, service.stats().requested());

        decide(first.id(), Decision.APPROVE, "go", BOB);
        time.advance(Duration.ofMinutes(9));

        ApprovalHandle retried = hold(ALICE, retry(), frames);
        assertEquals(new Outcome.Approved(List.of("bob")), now(retried));
        assertEquals(first.id(), retried.id());
        assertEquals(FramePayload.ApprovalState.GRANTED, frames.frames.getLast().state());

        ApprovalHandle again = hold(ALICE, retry(), frames);
        assertInstanceOf(Outcome.RetryLater.class, now(again), "the approval was used up");
        assertNotEquals(first.id(), again.id(), "so a new request is filed");
    }

    @Test
    void aRetryApprovalIsForThatIdentityTargetAndExactStatementOnceWithinTheWindow() throws Exception {
        ApprovalHandle handle = hold(retry());
        decide(handle.id(), Decision.APPROVE, "", BOB);
        String hash = handle.statementHash();

        assertFalse(service.consumeRetryApproval(identity("mallory", "developers"), "orders", "bulwark_rw", hash), "other subject");
        assertFalse(service.consumeRetryApproval(new Identity("alice", Set.of(), "https://other.example.com", "",
                Fakes.EXPIRES, Map.of()), "orders", "bulwark_rw", hash), "same subject from another issuer");
        assertFalse(service.consumeRetryApproval(ALICE, "billing", "bulwark_rw", hash), "other target");
        assertFalse(service.consumeRetryApproval(ALICE, "orders", "bulwark_ro", hash), "other database role");
        assertFalse(service.consumeRetryApproval(ALICE, "orders", "Bulwark_rw", hash), "role differing in case");
        assertFalse(service.consumeRetryApproval(ALICE, "orders", "", hash), "no role");
        assertFalse(service.consumeRetryApproval(ALICE, "orders", "bulwark_rw",
                StatementHash.of(DELETE + " ", List.of("2020-01-01"))), "changed text");
        assertFalse(service.consumeRetryApproval(ALICE, "orders", "bulwark_rw",
                StatementHash.of(DELETE, List.of("2030-01-01"))), "changed parameter");

        assertTrue(service.consumeRetryApproval(ALICE, "orders", "bulwark_rw", hash));
        assertFalse(service.consumeRetryApproval(ALICE, "orders", "bulwark_rw", hash), "once");

        ApprovalHandle next = hold(retry());
        decide(next.id(), Decision.APPROVE, "", BOB);
        time.advance(WINDOW);
        assertFalse(service.consumeRetryApproval(ALICE, "orders", "bulwark_rw", hash), "after the window");
        assertEquals(0, service.stats().retryGrants(), "purged when the window closed");
    }

    @Test
    void aRetryApprovalGivenForOneDatabaseRoleDoesNotRunAsAnother() throws Exception {
        // Issue 24 class 5: approved when asked from a shop_reader session, it ran in a shop_analyst one.
        Fakes.Frames frames = new Fakes.Frames();
        ApprovalHandle asked = service.request(Fakes.held("s-1", ALICE, "shop_reader", DELETE, List.of("2020-01-01"),
                retry(), frames));
        assertEquals("shop_reader", service.get(asked.id()).orElseThrow().role(), "the reviewer is shown the role");
        decide(asked.id(), Decision.APPROVE, "", BOB);

        for (String other : List.of("shop_analyst", "SHOP_READER", "shop_reader ", "")) {
            ApprovalHandle elsewhere = service.request(Fakes.held("s-2", ALICE, other, DELETE, List.of("2020-01-01"),
                    retry(), frames));
            assertInstanceOf(Outcome.RetryLater.class, now(elsewhere), "role " + other);
            assertNotEquals(asked.id(), elsewhere.id(), "a new request is filed for role \"" + other + "\"");
        }
        ApprovalHandle same = service.request(Fakes.held("s-3", ALICE, "shop_reader", DELETE, List.of("2020-01-01"),
                retry(), frames));
        assertEquals(new Outcome.Approved(List.of("bob")), now(same), "the approved role still may, once");
    }

    @Test
    void concurrentRetriesUseAnApprovalOnlyOnce() throws Exception {
        ApprovalHandle handle = hold(retry());
        decide(handle.id(), Decision.APPROVE, "", BOB);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                attempts.add(pool.submit(() -> {
                    go.await();
                    return service.consumeRetryApproval(ALICE, "orders", "bulwark_rw", handle.statementHash());
                }));
            }
            go.countDown();
            int granted = 0;
            for (Future<Boolean> attempt : attempts) {
                granted += attempt.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, granted);
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ limits

    @Test
    void limitsRefuseInsteadOfHolding() {
        service.close();
        service = newService(new ApprovalSettings(null, 3, 2, 50, null));

        ApprovalHandle huge = service.request(held("s-1", ALICE, "DELETE FROM t WHERE x = $1", List.of("y".repeat(40)),
                dba(1), ApprovalRecording.NONE));
        Outcome tooLong = now(huge);
        assertInstanceOf(Outcome.Refused.class, tooLong);
        assertEquals("53400", huge.clientError(tooLong).orElseThrow().sqlState());
        assertEquals("", huge.id());

        hold(dba(1));
        service.request(held("s-1", ALICE, "DELETE FROM b", List.of(), dba(1), ApprovalRecording.NONE));
        ApprovalHandle third = service.request(held("s-1", ALICE, "DELETE FROM c", List.of(), dba(1), ApprovalRecording.NONE));
        assertEquals(new Outcome.Refused("you have 2 statements waiting for approval already"
                + " (approvals.max_pending_per_requester)"), now(third));

        service.request(held("s-2", identity("eve"), "DELETE FROM d", List.of(), dba(1), ApprovalRecording.NONE));
        ApprovalHandle fourth = service.request(held("s-3", identity("fay"), "DELETE FROM e", List.of(), dba(1),
                ApprovalRecording.NONE));
        assertEquals(new Outcome.Refused("too many statements are waiting for approval (approvals.max_pending is 3)"),
                now(fourth));
        assertEquals(3, service.stats().refused());
        assertEquals(3, service.stats().pending());
    }

    @Test
    void settingsDefaultsAreSensibleAndValidatedByKey() {
        assertEquals(new ApprovalSettings(1000, 1000, 20, 100_000, 500), ApprovalSettings.defaults());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new ApprovalSettings(null, 0, null, null, null));
        assertEquals("approvals.max_pending must be at least 1 (got 0)", bad.getMessage());
    }

    // ------------------------------------------------------------------ listing, events, store

    @Test
    void listShowsPendingFromMemoryAndHistoryFromMemoryAndTheStore() throws Exception {
        ApprovalHandle older = hold(dba(1));
        decide(older.id(), Decision.DENY, "no", BOB);
        service.storeWritesDone().get(10, TimeUnit.SECONDS);
        // a restart: the new service only has the store
        service.close();
        service = newService(ApprovalSettings.defaults());
        time.advance(Duration.ofSeconds(1));
        ApprovalHandle approved = hold(dba(1));
        decide(approved.id(), Decision.APPROVE, "", BOB);
        time.advance(Duration.ofSeconds(1));
        ApprovalHandle waiting = hold(dba(1));

        List<ApprovalSummary> pending = service.list(Optional.of(ApprovalState.PENDING)).get(10, TimeUnit.SECONDS);
        assertEquals(List.of(waiting.id()), pending.stream().map(ApprovalSummary::id).toList());

        List<ApprovalSummary> all = service.list(Optional.empty()).get(10, TimeUnit.SECONDS);
        assertEquals(List.of(older.id(), approved.id(), waiting.id()), all.stream().map(ApprovalSummary::id).toList(),
                "oldest first, the oldest from the store");
        ApprovalSummary fromStore = all.getFirst();
        assertEquals(ApprovalState.DENIED, fromStore.state());
        assertEquals("bob", fromStore.decisions().getFirst().by());
        assertEquals(Decision.DENY, fromStore.decisions().getFirst().decision());
        assertEquals(DELETE, fromStore.statement(), "the text alone: bind values have their own field");
        assertEquals(List.of("2020-01-01"), fromStore.parameters());
        assertEquals(List.of("DELETE"), fromStore.classification().verbs());
        assertEquals(older.statementHash(), fromStore.statementHash());
        assertEquals("bulk-delete", fromStore.rule());

        List<ApprovalSummary> denied = service.list(Optional.of(ApprovalState.DENIED)).get(10, TimeUnit.SECONDS);
        assertEquals(List.of(older.id()), denied.stream().map(ApprovalSummary::id).toList());
    }

    @Test
    void eventsFollowEveryChangeInOrder() throws Exception {
        ApprovalHandle handle = hold(dba(2));
        decide(handle.id(), Decision.APPROVE, "", BOB);
        decide(handle.id(), Decision.APPROVE, "", CAROL);

        assertEquals(3, events.size());
        Event.ApprovalRequested requested = assertInstanceOf(Event.ApprovalRequested.class, events.get(0));
        assertEquals(ApprovalState.PENDING, requested.approval().state());
        assertEquals(DELETE, requested.approval().statement(), "the text alone: bind values have their own field");
        assertEquals(List.of("2020-01-01"), requested.approval().parameters());
        assertEquals(List.of("DELETE"), requested.approval().classification().verbs());
        assertEquals("alice", requested.approval().requester());
        assertEquals(2, requested.approval().quorum());
        Event.ApprovalChanged one = assertInstanceOf(Event.ApprovalChanged.class, events.get(1));
        assertEquals(1, one.approval().approvals());
        assertEquals(ApprovalState.PENDING, one.approval().state());
        Event.ApprovalChanged done = assertInstanceOf(Event.ApprovalChanged.class, events.get(2));
        assertEquals(ApprovalState.APPROVED, done.approval().state());
        assertTrue(events.get(0).seq() < events.get(1).seq() && events.get(1).seq() < events.get(2).seq());
        assertTrue(hub.snapshot(Set.of(EventTopic.APPROVALS)).approvals().isEmpty(), "no longer pending in the hub");
    }

    @Test
    void recoverAtStartWithdrawsThisNodesLeftoverPendingRowsOnly() throws Exception {
        store.saveApproval(new ApprovalRow("left-1", store.nodeId(), "s-old", "alice", 1, "pending", "{}", null, null, null));
        store.saveApproval(new ApprovalRow("left-2", store.nodeId(), "s-old", "alice", 2, "pending", "{}", null, null, null));
        store.saveApproval(new ApprovalRow("other-node", "node-b", "s-b", "alice", 3, "pending", "{}", null, null, null));
        store.saveApproval(new ApprovalRow("done", store.nodeId(), "s-old", "alice", 4, "approved", "{}", "bob", 5L, "{}"));

        assertEquals(2, service.recoverAtStart().get(10, TimeUnit.SECONDS));

        assertEquals("withdrawn", store.approval("left-1").orElseThrow().status());
        assertEquals("engine", store.approval("left-2").orElseThrow().decidedBy());
        assertEquals("pending", store.approval("other-node").orElseThrow().status());
        assertEquals("approved", store.approval("done").orElseThrow().status());
        assertEquals(0, service.recoverAtStart().get(10, TimeUnit.SECONDS), "idempotent");
        ManagementException elsewhere = failure(service.decide("other-node", Decision.APPROVE, "", BOB));
        assertEquals(ErrorCode.CONFLICT, elsewhere.code());
        assertEquals("approval other-node waits on engine node node-b; decide it there", elsewhere.getMessage());
    }

    @Test
    void closingWithdrawsWhatWaits() {
        ApprovalHandle handle = hold(dba(1));
        service.close();
        assertEquals(new Outcome.Withdrawn("the engine is shutting down"), now(handle));
        assertInstanceOf(Outcome.Refused.class, now(hold(dba(1))), "nothing new is held after close");
    }

    // ------------------------------------------------------------------ concurrency

    /** Requests the concurrency test denies or withdraws first. */
    private static boolean spoiled(String id) {
        return Math.floorMod(id.hashCode(), 6) < 2;
    }

    @Test
    void manyRequestsAndDecisionsFromSeveralThreadsKeepCountsRight() throws Exception {
        int requesters = 4;
        int perRequester = 60;
        int total = requesters * perRequester;
        service.close();
        service = newService(new ApprovalSettings(total, total, total, null, total));
        List<String> reviewers = List.of("r1", "r2", "r3");
        Map<String, BlockingQueue<String>> queues = new HashMap<>();
        for (String name : reviewers) {
            queues.put(name, new LinkedBlockingQueue<>());
        }
        BlockingQueue<String> spoilers = new LinkedBlockingQueue<>();
        Map<String, ApprovalHandle> handles = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> acceptedApprovals = new ConcurrentHashMap<>();
        String poison = "stop";

        ExecutorService pool = Executors.newFixedThreadPool(requesters + reviewers.size() + 1);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int r = 0; r < requesters; r++) {
                Identity who = identity("user" + r);
                int requester = r;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < perRequester; i++) {
                        ApprovalHandle handle = service.request(held("s-" + requester, who,
                                "DELETE FROM t" + i, List.of(), dba(2), ApprovalRecording.NONE));
                        handles.put(handle.id(), handle);
                        acceptedApprovals.put(handle.id(), new AtomicInteger());
                        if (!spoiled(handle.id())) {
                            queues.values().forEach(queue -> queue.add(handle.id()));
                        }
                        spoilers.add(handle.id());
                    }
                    return null;
                }));
            }
            for (String name : reviewers) {
                AuthenticatedOperator operator = reviewer(name, "dba");
                work.add(pool.submit(() -> {
                    for (int seen = 0; seen < total; seen++) {
                        String id = queues.get(name).take();
                        try {
                            service.decide(id, Decision.APPROVE, "", operator).join();
                            acceptedApprovals.get(id).incrementAndGet();
                        } catch (CompletionException e) {
                            ManagementException refused = (ManagementException) e.getCause();
                            assertEquals(ErrorCode.CONFLICT, refused.code(), refused.getMessage());
                        }
                    }
                    return null;
                }));
            }
            work.add(pool.submit(() -> {
                AuthenticatedOperator operator = reviewer("spoiler", "dba");
                for (int seen = 0; seen < total; seen++) {
                    String id = spoilers.take();
                    if (!spoiled(id)) {
                        continue;
                    }
                    // A third of the requests are denied or withdrawn before the reviewers see them (then
                    // their approvals must be refused): decided by the id, not by who wins a race, so
                    // both outcomes occur however the threads are scheduled.
                    if (Math.floorMod(id.hashCode(), 6) == 0) {
                        service.decide(id, Decision.DENY, "no", operator).join();
                    } else {
                        service.withdraw(id, "client cancelled");
                    }
                    queues.values().forEach(queue -> queue.add(id));
                }
                return null;
            }));
            for (Future<?> future : work) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(total, handles.size(), "every request got its own id");
        Map<Class<?>, Integer> outcomes = new HashMap<>();
        for (ApprovalHandle handle : handles.values()) {
            Outcome outcome = handle.outcome().get(10, TimeUnit.SECONDS);
            outcomes.merge(outcome.getClass(), 1, Integer::sum);
            int accepted = acceptedApprovals.get(handle.id()).get();
            assertTrue(accepted <= 2, "at most a quorum of approvals is accepted, got " + accepted);
            if (outcome instanceof Outcome.Approved approved) {
                assertEquals(2, accepted);
                assertEquals(2, new HashSet<>(approved.approvers()).size(), "two different reviewers");
            }
        }
        ApprovalService.Stats stats = service.stats();
        assertEquals(total, stats.requested());
        assertEquals(0, stats.pending());
        assertEquals(total, stats.approved() + stats.denied() + stats.withdrawn());
        assertEquals(stats.approved(), (long) outcomes.getOrDefault(Outcome.Approved.class, 0));
        assertEquals(stats.denied(), (long) outcomes.getOrDefault(Outcome.Denied.class, 0));
        assertEquals(stats.withdrawn(), (long) outcomes.getOrDefault(Outcome.Withdrawn.class, 0));
        assertTrue(stats.approved() > 0 && stats.denied() + stats.withdrawn() > 0, stats.toString());

        // events: per approval, requested first, one final change last, sequence numbers rising
        Map<String, List<Event>> byId = new HashMap<>();
        long lastSeq = 0;
        for (Event event : events) {
            assertTrue(event.seq() > lastSeq);
            lastSeq = event.seq();
            ApprovalSummary summary = event instanceof Event.ApprovalRequested requested ? requested.approval()
                    : ((Event.ApprovalChanged) event).approval();
            byId.computeIfAbsent(summary.id(), id -> new ArrayList<>()).add(event);
        }
        assertEquals(total, byId.size());
        for (List<Event> list : byId.values()) {
            assertInstanceOf(Event.ApprovalRequested.class, list.getFirst());
            long finals = list.stream().filter(event -> event instanceof Event.ApprovalChanged changed
                    && changed.approval().state().isFinal()).count();
            assertEquals(1, finals);
            assertTrue(((Event.ApprovalChanged) list.getLast()).approval().state().isFinal());
        }

        service.storeWritesDone().get(30, TimeUnit.SECONDS);
        List<ApprovalRow> rows = store.approvals(null, total * 2);
        assertEquals(total, rows.size());
        assertTrue(rows.stream().noneMatch(row -> row.status().equals("pending")));
        assertEquals(stats.approved(), rows.stream().filter(row -> row.status().equals("approved")).count());
        assertEquals(0, stats.storeFailures());
    }

    // ------------------------------------------------------------------ the hash

    @Test
    void theStatementHashCoversTextAndParametersWithoutAmbiguity() {
        // pinned: computed independently from the documented layout
        assertEquals("cebd000af578ba43591439e26e2592e69c936e77cc7dd473fb5cb5705d42fbc0",
                StatementHash.of("SELECT 1", List.of()));
        assertEquals("58361d6d19d61daf4dc1332cea0ac675dd5c505df93a9b46eed93d9a01a2916f",
                StatementHash.of("DELETE FROM t WHERE id = $1 AND note = $2", Arrays.asList(null, "\u00e9")));
        assertNotEquals(StatementHash.of("a", List.of("bc")), StatementHash.of("ab", List.of("c")));
        assertNotEquals(StatementHash.of("x", Arrays.asList((String) null)), StatementHash.of("x", List.of("NULL")));
        assertNotEquals(StatementHash.of("x", Arrays.asList((String) null)), StatementHash.of("x", List.of("")));
        assertNotEquals(StatementHash.of("x", List.of()), StatementHash.of("x", List.of("")));
        assertNotEquals(StatementHash.of("x", List.of("a", "b")), StatementHash.of("x", List.of("b", "a")));
        assertEquals(StatementHash.of("x", List.of("a")), StatementHash.of("x", List.of("a")));
    }
}
