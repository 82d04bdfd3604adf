package dev.bulwark.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.management.EventHub;
import dev.bulwark.masking.MaskingConfig;
import dev.bulwark.masking.MaskingPolicy;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import dev.bulwark.policy.RuleSet;
import dev.bulwark.recording.AdminAction;
import dev.bulwark.recording.Recorder;
import dev.bulwark.store.Micros;
import dev.bulwark.store.RuleVersion;
import dev.bulwark.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import static java.util.Objects.requireNonNull;

/**
 * The engine's live rules of both kinds, policy and masking, each kind a versioned set in the store.
 *
 * <p><b>Reading</b> ({@link #policy()}, {@link #masking()}, the versions) is lock-free: one volatile read
 * of an immutable snapshot, fit for the event loops, per statement.
 *
 * <p><b>Writing</b> ({@link #put}, {@link #delete}) changes one rule of a kind: it checks the rule, makes
 * the kind's next set, stores it as a new version ({@link Store#saveRuleSet}, blocking, so on the
 * executor given at {@link #load}), records a {@code rule_change} admin action whose SHA-256 vouches for
 * the stored document, swaps the snapshot in and publishes the change to the {@link EventHub}. Writes of
 * one kind are serialized; a failed write changes nothing.
 *
 * <p><b>Versions.</b> The store numbers the sets of a kind 1, 2, 3... Each rule also has its own version,
 * the one on its {@link RuleDocument} and the one {@code expectedVersion} is checked against: 1 when it is
 * created, one more each time its content changes. It is derived from the store's history at start, so
 * it survives restarts. Moving a rule is not a change of its content: its version stays, its
 * {@code position} changes.
 *
 * <p><b>Documents.</b> A rule's body is its JSON as the owning part writes it (policy: {@code RuleSets},
 * masking: {@code MaskingConfig} with snake_case names, empty lists left out), plus {@code "position"}:
 * its 0-based place in evaluation order. A put may carry {@code "position"} to move the rule there; it is
 * taken out before the rule is checked. A put of an existing id keeps its place; a new id goes last.
 * Whenever positions shift, every rule that moved is published again (same version, new position).
 */
public final class RuleBook implements LiveRules {
    private static final Logger LOG = LoggerFactory.getLogger(RuleBook.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** Who stores the rules read from the configured files at first start. */
    public static final String CONFIG_ACTOR = "config";
    static final String POSITION = "position";

    private final Store store;
    private final Recorder recorder;
    private final EventHub hub;
    private final Executor executor;
    private final Slot<RuleSet> policy;
    private final Slot<MaskingRuleFormat.Compiled> masking;

    private RuleBook(Store store, Recorder recorder, EventHub hub, Executor executor, byte[] maskingTokenKey) {
        this.store = store;
        this.recorder = recorder;
        this.hub = hub;
        this.executor = executor;
        this.policy = new Slot<>(new PolicyRuleFormat());
        this.masking = new Slot<>(new MaskingRuleFormat(maskingTokenKey));
    }

    /**
     * Loads the rules. For each kind: the newest set in the store if there is one (the store wins over
     * the file, so changes made at runtime survive a restart); else the configured file, stored as
     * version 1 by {@value #CONFIG_ACTOR} with its admin action; else no rules. Then publishes every
     * rule to the hub. <b>Blocks</b> on the store and the files: call it once at start, off the event loops.
     *
     * @param maskingTokenKey the masking tokenization key, or null when none is configured
     * @param executor where later writes run (they block on the store)
     * @throws IllegalStateException when a file or a stored set cannot be read or is not valid (the
     *     message names it and says why)
     */
    public static RuleBook load(Store store, Optional<Path> policyRulesFile, Optional<Path> maskingRulesFile,
            byte[] maskingTokenKey, Recorder recorder, EventHub hub, Executor executor) {
        requireNonNull(store, "store is null");
        requireNonNull(policyRulesFile, "policyRulesFile is null");
        requireNonNull(maskingRulesFile, "maskingRulesFile is null");
        requireNonNull(recorder, "recorder is null");
        requireNonNull(hub, "hub is null");
        requireNonNull(executor, "executor is null");
        RuleBook book = new RuleBook(store, recorder, hub, executor, maskingTokenKey);
        book.policy.load(policyRulesFile);
        book.masking.load(maskingRulesFile);
        for (RuleDocument document : book.documents(Optional.empty())) {
            hub.ruleChanged(document);
        }
        return book;
    }

    // ---------------------------------------------------------------- the read side (lock-free)

    /** The current policy rules. Lock-free; for the event loops. */
    @Override
    public RuleSet policy() {
        return policy.state.set;
    }

    /** The current masking rules, compiled. Lock-free; for the event loops. */
    @Override
    public MaskingPolicy masking() {
        return masking.state.set.policy();
    }

    /** The current masking rules as configured (what {@link #masking()} was compiled from). */
    public MaskingConfig maskingConfig() {
        return masking.state.set.config();
    }

    /** The current masking rules, configured and compiled, from one and the same version. */
    MaskingRuleFormat.Compiled maskingRules() {
        return masking.state.set;
    }

    /** The version of the current policy set in the store; 0 when none was ever stored. */
    public long policyVersion() {
        return policy.state.version;
    }

    /** The version of the current masking set in the store; 0 when none was ever stored. */
    public long maskingVersion() {
        return masking.state.version;
    }

    public long version(RuleKind kind) {
        return slot(kind).state.version;
    }

    /** Rules of one kind or of both, ordered by kind, then id (their order of evaluation is their position). */
    public List<RuleDocument> documents(Optional<RuleKind> kind) {
        List<RuleDocument> documents = new ArrayList<>();
        if (kind.isEmpty() || kind.get() == RuleKind.POLICY) {
            documents.addAll(policy.state.documents.values());
        }
        if (kind.isEmpty() || kind.get() == RuleKind.MASKING) {
            documents.addAll(masking.state.documents.values());
        }
        documents.sort(Comparator.comparing(RuleDocument::kind).thenComparing(RuleDocument::id));
        return documents;
    }

    public Optional<RuleDocument> document(RuleKind kind, String id) {
        return Optional.ofNullable(slot(kind).state.documents.get(id));
    }

    // ---------------------------------------------------------------- the write side (on the executor)

    /**
     * Stores one rule; see the class comment. Completes with the rule as stored (unchanged, and nothing
     * stored, when the body and position are what they were), or fails with a {@link ManagementException}:
     * bad_request when the rule is not valid, conflict when {@code expectedVersion} is present and is not
     * the rule's version (0 meaning "must not exist"). Other failures (the store) fail it as they are.
     */
    public CompletableFuture<RuleDocument> put(RuleKind kind, String id, JsonNode body, OptionalLong expectedVersion,
            String changedBy) {
        requireNonNull(kind, "kind is null");
        requireNonNull(id, "id is null");
        requireNonNull(body, "body is null");
        requireNonNull(expectedVersion, "expectedVersion is null");
        requireNonNull(changedBy, "changedBy is null");
        return CompletableFuture.supplyAsync(() -> slot(kind).put(id, body, expectedVersion, changedBy), executor);
    }

    /**
     * Deletes one rule and completes with it as it was; fails with not_found, or conflict when
     * {@code expectedVersion} is present and is not its version.
     */
    public CompletableFuture<RuleDocument> delete(RuleKind kind, String id, OptionalLong expectedVersion, String changedBy) {
        requireNonNull(kind, "kind is null");
        requireNonNull(id, "id is null");
        requireNonNull(expectedVersion, "expectedVersion is null");
        requireNonNull(changedBy, "changedBy is null");
        return CompletableFuture.supplyAsync(() -> slot(kind).delete(id, expectedVersion, changedBy), executor);
    }

    /** Every stored version of a kind's set, oldest first (the store's {@code ruleSetHistory}). */
    public CompletableFuture<List<RuleVersion>> history(RuleKind kind) {
        requireNonNull(kind, "kind is null");
        String storeKind = slot(kind).format.storeKind();
        return CompletableFuture.supplyAsync(() -> store.ruleSetHistory(storeKind), executor);
    }

    private Slot<?> slot(RuleKind kind) {
        return switch (kind) {
            case POLICY -> policy;
            case MASKING -> masking;
        };
    }

    /** A set as stored: its version, when, and the set stamped with them. */
    private record Saved<S>(long version, Instant at, S set) {}

    /** A rule's own version and who made it. */
    private record RuleMeta(long version, String changedBy, Instant changedAt) {}

    /**
     * One kind's rules at one version: immutable.
     *
     * @param version the store's version of the set, 0 when none was stored
     * @param set what the sessions read
     * @param bodies canonical bodies without position, in evaluation order
     * @param documents the documents, with positions, in evaluation order
     */
    private record State<S>(long version, S set, LinkedHashMap<String, ObjectNode> bodies, Map<String, RuleMeta> meta,
            LinkedHashMap<String, RuleDocument> documents) {
        int position(String id) {
            int position = 0;
            for (String candidate : bodies.keySet()) {
                if (candidate.equals(id)) {
                    return position;
                }
                position++;
            }
            return -1;
        }
    }

    /** One kind: its format, its current state, and the lock that serializes its writes. */
    private final class Slot<S> {
        final RuleFormat<S> format;
        final Object writeLock = new Object();
        volatile State<S> state;

        Slot(RuleFormat<S> format) {
            this.format = format;
            this.state = state(0, format.empty(), new LinkedHashMap<>(), Map.of());
        }

        void load(Optional<Path> file) {
            String kind = format.storeKind();
            Optional<RuleVersion> stored = store.latestRuleSet(kind);
            if (stored.isPresent()) {
                RuleVersion latest = stored.get();
                S set;
                try {
                    set = format.readStored(latest.document());
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("the stored " + kind + " rules (version " + latest.version()
                            + ") are not valid: " + e.getMessage(), e);
                }
                Instant at = Micros.toInstant(latest.changedMicros());
                set = format.stamped(set, latest.version(), latest.changedBy(), at);
                LinkedHashMap<String, ObjectNode> bodies = format.bodies(set);
                Map<String, RuleMeta> meta = history(store.ruleSetHistory(kind));
                Map<String, RuleMeta> complete = new HashMap<>();
                for (String id : bodies.keySet()) {
                    complete.put(id, meta.getOrDefault(id, new RuleMeta(1, actor(latest.changedBy()), at)));
                }
                state = state(latest.version(), set, bodies, complete);
                file.ifPresent(path -> LOG.info("{} rules: version {} from the store; {} is not read (the store keeps"
                        + " the rules changed at runtime)", kind, latest.version(), path));
                return;
            }
            if (file.isEmpty()) {
                LOG.info("{} rules: none (no file configured, none stored)", kind);
                return;
            }
            S set;
            try {
                set = format.readFile(file.get());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the " + kind + " rules file " + file.get() + ": "
                        + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("the " + kind + " rules file " + file.get() + " is not valid: "
                        + e.getMessage(), e);
            }
            Saved<S> saved = save(set, CONFIG_ACTOR);
            LinkedHashMap<String, ObjectNode> bodies = format.bodies(saved.set());
            Map<String, RuleMeta> meta = new HashMap<>();
            bodies.keySet().forEach(id -> meta.put(id, new RuleMeta(1, CONFIG_ACTOR, saved.at())));
            state = state(saved.version(), saved.set(), bodies, meta);
            LOG.info("{} rules: {} rule(s) from {}, stored as version {}", kind, bodies.size(), file.get(),
                    saved.version());
        }

        RuleDocument put(String id, JsonNode body, OptionalLong expectedVersion, String changedBy) {
            if (id.isBlank()) {
                throw ManagementException.badRequest("the rule id is empty");
            }
            if (!body.isObject()) {
                throw ManagementException.badRequest("the " + format.storeKind() + " rule \"" + id + "\" must be a JSON object");
            }
            ObjectNode copy = ((ObjectNode) body).deepCopy();
            JsonNode position = copy.remove(POSITION);
            JsonNode bodyId = copy.get("id");
            if (bodyId != null && !(bodyId.isTextual() && bodyId.asText().equals(id))) {
                throw ManagementException.badRequest("the body's id must be \"" + id + "\" (the rule being stored), or absent");
            }
            copy.put("id", id);
            ObjectNode canonical = format.canonical(id, copy);
            synchronized (writeLock) {
                State<S> current = state;
                RuleDocument existing = current.documents.get(id);
                checkVersion(id, existing, expectedVersion);
                List<String> order = new ArrayList<>(current.bodies.keySet());
                int from = order.indexOf(id);
                int size = from >= 0 ? order.size() : order.size() + 1;
                int to = position == null || position.isNull() ? (from >= 0 ? from : order.size()) : position(position, size);
                if (from >= 0) {
                    order.remove(from);
                }
                order.add(to, id);
                boolean changed = existing == null || !canonical.equals(current.bodies.get(id));
                if (!changed && from == to) {
                    return existing;
                }
                LinkedHashMap<String, ObjectNode> bodies = new LinkedHashMap<>();
                for (String rule : order) {
                    bodies.put(rule, rule.equals(id) ? canonical : current.bodies.get(rule));
                }
                S set = format.withRules(current.set, List.copyOf(bodies.values()));
                Saved<S> saved = save(set, changedBy);
                Map<String, RuleMeta> meta = new HashMap<>(current.meta);
                if (changed) {
                    meta.put(id, new RuleMeta(existing == null ? 1 : existing.version() + 1, actor(changedBy), saved.at()));
                }
                State<S> next = state(saved.version(), saved.set(), bodies, meta);
                state = next;
                publishMoves(current, next, id);
                hub.ruleChanged(next.documents.get(id));
                return next.documents.get(id);
            }
        }

        RuleDocument delete(String id, OptionalLong expectedVersion, String changedBy) {
            synchronized (writeLock) {
                State<S> current = state;
                RuleDocument existing = current.documents.get(id);
                if (existing == null) {
                    throw ManagementException.notFound("no " + format.storeKind() + " rule \"" + id + "\"");
                }
                checkVersion(id, existing, expectedVersion);
                LinkedHashMap<String, ObjectNode> bodies = new LinkedHashMap<>(current.bodies);
                bodies.remove(id);
                S set = format.withRules(current.set, List.copyOf(bodies.values()));
                Saved<S> saved = save(set, changedBy);
                Map<String, RuleMeta> meta = new HashMap<>(current.meta);
                meta.remove(id);
                State<S> next = state(saved.version(), saved.set(), bodies, meta);
                state = next;
                hub.ruleDeleted(format.kind(), id, existing.version(), changedBy);
                publishMoves(current, next, id);
                return existing;
            }
        }

        private void checkVersion(String id, RuleDocument existing, OptionalLong expectedVersion) {
            long version = existing == null ? 0 : existing.version();
            if (expectedVersion.isPresent() && expectedVersion.getAsLong() != version) {
                throw ManagementException.conflict(existing == null
                        ? "there is no " + format.storeKind() + " rule \"" + id + "\" (expected version "
                                + expectedVersion.getAsLong() + ")"
                        : "the " + format.storeKind() + " rule \"" + id + "\" is at version " + version
                                + ", not " + expectedVersion.getAsLong());
            }
        }

        private static int position(JsonNode position, int size) {
            if (!position.canConvertToExactIntegral() || !position.canConvertToInt()
                    || position.asInt() < 0 || position.asInt() >= size) {
                throw ManagementException.badRequest("position must be a whole number from 0 to " + (size - 1));
            }
            return position.asInt();
        }

        /**
         * Stores the set as the kind's next version and records its admin action. Blocks on the store.
         *
         * @return the version the store gave it and when the store says it was made
         */
        private Saved<S> save(S set, String changedBy) {
            String kind = format.storeKind();
            long expected = state.version + 1;
            Instant now = Instant.now();
            String json = format.toJson(set, expected, changedBy, now);
            int version = store.saveRuleSet(kind, json, changedBy);
            if (version != expected) {
                // Another engine on a shared store wrote this kind meanwhile; the store's number is the truth.
                LOG.warn("{} rules stored as version {} where {} was expected: another engine writes rules to this store",
                        kind, version, expected);
            }
            Instant at = store.latestRuleSet(kind).filter(latest -> latest.version() == version)
                    .map(latest -> Micros.toInstant(latest.changedMicros())).orElse(now);
            recorder.admin(AdminAction.ruleChange(changedBy, kind, version, json)).whenComplete((done, failure) -> {
                if (failure != null) {
                    LOG.error("the {} rules version {} are stored, but their admin action could not be recorded: {}",
                            kind, version, failure.toString());
                }
            });
            return new Saved<>(version, at, format.stamped(set, version, changedBy, at));
        }

        /** Publishes again the rules whose position changed, except {@code except} (published by the caller). */
        private void publishMoves(State<S> before, State<S> after, String except) {
            int position = 0;
            for (Map.Entry<String, RuleDocument> entry : after.documents.entrySet()) {
                String id = entry.getKey();
                if (!id.equals(except) && before.position(id) != position) {
                    hub.ruleChanged(entry.getValue());
                }
                position++;
            }
        }

        private State<S> state(long version, S set, LinkedHashMap<String, ObjectNode> bodies, Map<String, RuleMeta> meta) {
            LinkedHashMap<String, RuleDocument> documents = new LinkedHashMap<>();
            int position = 0;
            for (Map.Entry<String, ObjectNode> entry : bodies.entrySet()) {
                RuleMeta rule = meta.get(entry.getKey());
                ObjectNode body = entry.getValue().deepCopy();
                body.put(POSITION, position++);
                documents.put(entry.getKey(), new RuleDocument(format.kind(), entry.getKey(), rule.version(),
                        rule.changedBy(), rule.changedAt(), body));
            }
            return new State<>(version, set, bodies, Map.copyOf(meta), documents);
        }
    }

    /**
     * Each rule's version from a kind's history (oldest first): 1 where it appears, one more in each
     * version where its body differs from the version before; a rule deleted and created again starts
     * at 1. Bodies are compared as stored, so this agrees with what {@link Slot#put} counts.
     */
    private static Map<String, RuleMeta> history(List<RuleVersion> versions) {
        Map<String, JsonNode> previous = Map.of();
        Map<String, RuleMeta> meta = new HashMap<>();
        for (RuleVersion version : versions) {
            Map<String, JsonNode> rules = new HashMap<>();
            try {
                for (JsonNode rule : JSON.readTree(version.document()).path("rules")) {
                    rules.put(rule.path("id").asText(), rule);
                }
            } catch (JsonProcessingException e) {
                LOG.warn("{} rules version {} in the store is not JSON; rule versions are counted without it",
                        version.kind(), version.version());
                continue;
            }
            Instant at = Micros.toInstant(version.changedMicros());
            for (Map.Entry<String, JsonNode> rule : rules.entrySet()) {
                JsonNode before = previous.get(rule.getKey());
                if (!rule.getValue().equals(before)) {
                    RuleMeta earlier = before == null ? null : meta.get(rule.getKey());
                    meta.put(rule.getKey(), new RuleMeta(earlier == null ? 1 : earlier.version() + 1,
                            actor(version.changedBy()), at));
                }
            }
            meta.keySet().retainAll(rules.keySet());
            previous = rules;
        }
        return meta;
    }

    private static String actor(String changedBy) {
        return changedBy == null || changedBy.isBlank() ? "unknown" : changedBy;
    }
}
