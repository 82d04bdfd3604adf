package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What an operator may do on the management socket. Each role includes the ones before it.
 *
 * <table>
 *   <caption>Requests by role</caption>
 *   <tr><th>viewer</th><td>engine.status/stats/version, sessions.list/get, events.subscribe
 *       (sessions, statements, approvals), approvals.list, recordings.search/frames</td></tr>
 *   <tr><th>reviewer</th><td>viewer + approvals.approve/deny</td></tr>
 *   <tr><th>admin</th><td>everything: sessions.kill, rules.*, the rules event topic, vault.list, audit.*</td></tr>
 * </table>
 */
public enum OperatorRole {
    @JsonProperty("viewer") VIEWER,
    @JsonProperty("reviewer") REVIEWER,
    @JsonProperty("admin") ADMIN;

    /** Whether this role grants what {@code required} grants. */
    public boolean includes(OperatorRole required) {
        return ordinal() >= required.ordinal();
    }

    /** The role a request needs; {@code hello} needs none and is answered before any role is known. */
    public static OperatorRole requiredFor(ClientMessage message) {
        return switch (message) {
            case ClientMessage.Hello hello -> VIEWER;
            case ClientMessage.Ping ping -> VIEWER;
            case ClientMessage.StatusGet get -> VIEWER;
            case ClientMessage.StatsGet get -> VIEWER;
            case ClientMessage.VersionGet get -> VIEWER;
            case ClientMessage.SessionsList list -> VIEWER;
            case ClientMessage.SessionGet get -> VIEWER;
            case ClientMessage.SessionKill kill -> ADMIN;
            case ClientMessage.EventsSubscribe subscribe ->
                    subscribe.topics().contains(EventTopic.RULES) ? ADMIN : VIEWER;
            case ClientMessage.EventsUnsubscribe unsubscribe -> VIEWER;
            case ClientMessage.RulesList list -> ADMIN;
            case ClientMessage.RuleGet get -> ADMIN;
            case ClientMessage.RulePut put -> ADMIN;
            case ClientMessage.RuleDelete delete -> ADMIN;
            case ClientMessage.RuleTest test -> ADMIN;
            case ClientMessage.ApprovalsList list -> VIEWER;
            case ClientMessage.ApprovalApprove approve -> REVIEWER;
            case ClientMessage.ApprovalDeny deny -> REVIEWER;
            case ClientMessage.RecordingsSearch search -> VIEWER;
            case ClientMessage.RecordingFrames frames -> VIEWER;
            case ClientMessage.AuditVerify verify -> ADMIN;
            case ClientMessage.AuditExport export -> ADMIN;
            case ClientMessage.VaultList list -> ADMIN;
        };
    }
}
