package dev.bulwark.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * How a held statement gets approved.
 *
 * @param reviewerGroups members of any of these groups may approve (or reject)
 * @param quorum how many distinct reviewers must approve; default 1
 * @param timeout how long the hold lasts before it counts as rejected; default 15m
 * @param mode whether the client waits or retries; default WAIT
 * @param retryWindow in RETRY mode, how long after approval a retry of the same statement is let through;
 *        default 10m
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Approval(
        List<String> reviewerGroups,
        int quorum,
        @JsonSerialize(using = PolicyJson.DurationSerializer.class) Duration timeout,
        HoldMode mode,
        @JsonSerialize(using = PolicyJson.DurationSerializer.class) Duration retryWindow) {

    public static final int DEFAULT_QUORUM = 1;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);
    public static final Duration DEFAULT_RETRY_WINDOW = Duration.ofMinutes(10);
    /** Holds longer than a day would keep a client (or its transaction) waiting unreasonably. */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(1);

    public Approval {
        requireNonNull(reviewerGroups, "reviewer_groups is null");
        reviewerGroups = List.copyOf(reviewerGroups);
        if (reviewerGroups.isEmpty()) {
            throw new IllegalArgumentException("reviewer_groups must name at least one group");
        }
        for (String group : reviewerGroups) {
            if (group == null || group.isBlank()) {
                throw new IllegalArgumentException("reviewer_groups holds an empty group name");
            }
        }
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be at least 1 (got " + quorum + ")");
        }
        requireNonNull(timeout, "timeout is null");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout must be more than 0 and at most 1d (got "
                    + PolicyJson.formatDuration(timeout) + ")");
        }
        requireNonNull(mode, "mode is null");
        requireNonNull(retryWindow, "retry_window is null");
        if (retryWindow.isNegative() || retryWindow.isZero() || retryWindow.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("retry_window must be more than 0 and at most 1d (got "
                    + PolicyJson.formatDuration(retryWindow) + ")");
        }
    }

    /** Approval by one member of the given groups, with the defaults. */
    public static Approval by(String... reviewerGroups) {
        return new Approval(List.of(reviewerGroups), DEFAULT_QUORUM, DEFAULT_TIMEOUT, HoldMode.WAIT,
                DEFAULT_RETRY_WINDOW);
    }

    /** The JSON/YAML form, where everything but reviewer_groups may be left out. */
    @JsonCreator
    static Approval fromJson(
            @JsonProperty("reviewer_groups") List<String> reviewerGroups,
            @JsonProperty("quorum") Integer quorum,
            @JsonProperty("timeout") @JsonDeserialize(using = PolicyJson.DurationDeserializer.class) Duration timeout,
            @JsonProperty("mode") HoldMode mode,
            @JsonProperty("retry_window") @JsonDeserialize(using = PolicyJson.DurationDeserializer.class)
            Duration retryWindow) {
        return new Approval(
                reviewerGroups == null ? List.of() : reviewerGroups,
                quorum == null ? DEFAULT_QUORUM : quorum,
                timeout == null ? DEFAULT_TIMEOUT : timeout,
                mode == null ? HoldMode.WAIT : mode,
                retryWindow == null ? DEFAULT_RETRY_WINDOW : retryWindow);
    }
}
