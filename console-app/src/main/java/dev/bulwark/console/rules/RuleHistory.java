package dev.bulwark.console.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The versions of each rule the console has seen (in the snapshot, in rule events, in its own
 * saves), with who changed what and when. The protocol has no request for a rule's past versions
 * yet, so this history starts when the console connects; versions it missed show as a gap.
 */
public final class RuleHistory {
    /** One version, and what changed since the one before. */
    public record Version(long version, String changedBy, Instant changedAt, String change, boolean deleted) {
        public Version {
            requireNonNull(changedBy, "changedBy is null");
            requireNonNull(changedAt, "changedAt is null");
            requireNonNull(change, "change is null");
        }
    }

    private record Key(RuleKind kind, String id) {}

    private static final int MAX_VERSIONS = 100;
    private static final int MAX_VALUE_CHARS = 40;

    private final Map<Key, List<Version>> versions = new HashMap<>();
    private final Map<Key, RuleDocument> latest = new HashMap<>();

    /** Records a version; one already recorded is ignored. */
    void add(RuleDocument document) {
        Key key = new Key(document.kind(), document.id());
        List<Version> list = versions.computeIfAbsent(key, k -> new ArrayList<>());
        RuleDocument previous = latest.get(key);
        if (previous != null && previous.version() >= document.version()) {
            return;
        }
        String change;
        if (previous == null) {
            change = document.version() == 1 ? "created" : "as first seen by this console";
        } else {
            change = (document.version() > previous.version() + 1
                    ? "(versions " + (previous.version() + 1) + " to " + (document.version() - 1) + " not seen) " : "")
                    + describe(previous.body(), document.body());
        }
        list.add(new Version(document.version(), document.changedBy(), document.changedAt(), change, false));
        latest.put(key, document);
        trim(list);
    }

    void deleted(RuleKind kind, String id, long version, String by, Instant at) {
        Key key = new Key(kind, id);
        List<Version> list = versions.computeIfAbsent(key, k -> new ArrayList<>());
        list.add(new Version(version, by, at, "deleted", true));
        latest.remove(key);
        trim(list);
    }

    /** Newest first. */
    List<Version> versions(RuleKind kind, String id) {
        List<Version> list = new ArrayList<>(versions.getOrDefault(new Key(kind, id), List.of()));
        java.util.Collections.reverse(list);
        return list;
    }

    private static void trim(List<Version> list) {
        if (list.size() > MAX_VERSIONS) {
            list.subList(0, list.size() - MAX_VERSIONS).clear();
        }
    }

    /** "action: DENY → HOLD; match.verbs: [DELETE] → [DELETE, UPDATE]", or "no change in the body". */
    static String describe(JsonNode before, JsonNode after) {
        List<String> changes = new ArrayList<>();
        diff("", before, after, changes);
        return changes.isEmpty() ? "no change in the body" : String.join("; ", changes);
    }

    private static void diff(String path, JsonNode before, JsonNode after, List<String> changes) {
        if (before != null && after != null && before.isObject() && after.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            for (Iterator<String> names = before.fieldNames(); names.hasNext(); ) {
                keys.add(names.next());
            }
            for (Iterator<String> names = after.fieldNames(); names.hasNext(); ) {
                keys.add(names.next());
            }
            for (String key : keys) {
                diff(path.isEmpty() ? key : path + "." + key, before.get(key), after.get(key), changes);
            }
            return;
        }
        boolean same = before == null ? after == null : before.equals(after);
        if (!same) {
            changes.add(path + ": " + show(before) + " → " + show(after));
        }
    }

    private static String show(JsonNode node) {
        if (node == null || node.isNull()) {
            return "(none)";
        }
        String text = node.isTextual() ? node.asText() : node.toString();
        return text.length() <= MAX_VALUE_CHARS ? text : text.substring(0, MAX_VALUE_CHARS - 1) + "…";
    }
}
