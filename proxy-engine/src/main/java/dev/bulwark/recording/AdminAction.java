package dev.bulwark.recording;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * An operator's or the engine's action, recorded in the chain. Details become a JSON object; never
 * put secrets or masked values in them (a vault change names the credential, not its value).
 *
 * @param actor who (an operator's subject, or {@code engine})
 * @param action what, lower_snake_case (see the constants)
 * @param target what it applied to (session id, rule kind, approval id, ...), or empty
 * @param details particulars (string, number, boolean or null values)
 */
public record AdminAction(String actor, String action, String target, Map<String, Object> details) {
    public static final String RULE_CHANGE = "rule_change";
    public static final String APPROVAL_GRANTED = "approval_granted";
    public static final String APPROVAL_DENIED = "approval_denied";
    public static final String SESSION_KILL = "session_kill";
    public static final String VAULT_CHANGE = "vault_change";
    public static final String MANAGEMENT_LOGIN = "management_login";
    /** Written by the recorder itself after a store outage. */
    public static final String RECORDING_GAP = "recording_gap";

    private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    public AdminAction {
        requireNonNull(actor, "actor is null");
        requireNonNull(action, "action is null");
        if (!ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("action must be lower_snake_case, at most 64 characters");
        }
        if (action.equals(dev.bulwark.store.AdminRecord.KEY_ROLL) || action.equals(dev.bulwark.store.AdminRecord.RETENTION_CUT)) {
            throw new IllegalArgumentException(action + " is written by the recorder only");
        }
        target = target == null ? "" : target;
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details == null ? Map.of() : details));
    }

    /**
     * A new rule-set version. The details carry the document's SHA-256 so the chain vouches for the
     * stored {@code rule_versions} row.
     */
    public static AdminAction ruleChange(String actor, String kind, int version, String documentJson) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", kind);
        details.put("version", version);
        details.put("sha256", sha256(documentJson));
        return new AdminAction(actor, RULE_CHANGE, kind, details);
    }

    /** An approver's decision on a held statement. */
    public static AdminAction approvalDecision(String actor, String approvalId, boolean granted, String sessionId, String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("session_id", sessionId);
        details.put("reason", reason);
        return new AdminAction(actor, granted ? APPROVAL_GRANTED : APPROVAL_DENIED, approvalId, details);
    }

    /** An operator ended a session. */
    public static AdminAction sessionKill(String actor, String sessionId, String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason);
        return new AdminAction(actor, SESSION_KILL, sessionId, details);
    }

    /** A credential in the vault was added, replaced or removed (never its value). */
    public static AdminAction vaultChange(String actor, String credentialName, String operation) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("operation", operation);
        return new AdminAction(actor, VAULT_CHANGE, credentialName, details);
    }

    /** A login attempt on the management socket. */
    public static AdminAction managementLogin(String actor, String from, boolean success) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", from);
        details.put("success", success);
        return new AdminAction(actor, MANAGEMENT_LOGIN, "", details);
    }

    /** Hex SHA-256 of a document's UTF-8 bytes. */
    public static String sha256(String document) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(document.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
