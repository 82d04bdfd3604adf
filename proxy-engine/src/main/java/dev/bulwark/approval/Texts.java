package dev.bulwark.approval;

import dev.bulwark.policy.Approval;

import java.time.Duration;
import java.util.List;

/** Wording shared by notices, client errors and reviewer messages. */
final class Texts {
    private Texts() {}

    /** {@code 15m}, {@code 1h30m}, {@code 45s}, {@code 250ms}: as rules write durations. */
    static String duration(Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            return "0s";
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            return duration.toMillis() + "ms";
        }
        StringBuilder text = new StringBuilder();
        if (duration.toDays() > 0) {
            text.append(duration.toDays()).append('d');
        }
        if (duration.toHoursPart() > 0) {
            text.append(duration.toHoursPart()).append('h');
        }
        if (duration.toMinutesPart() > 0) {
            text.append(duration.toMinutesPart()).append('m');
        }
        if (duration.toSecondsPart() > 0) {
            text.append(duration.toSecondsPart()).append('s');
        }
        return text.toString();
    }

    /** {@code group dba}, {@code groups dba or sre}. */
    static String groups(List<String> groups) {
        return (groups.size() == 1 ? "group " : "groups ") + String.join(" or ", groups);
    }

    /** {@code 1 approval from group dba}, {@code 2 approvals by different reviewers from group dba}. */
    static String needed(Approval approval) {
        return approval.quorum() == 1
                ? "1 approval from " + groups(approval.reviewerGroups())
                : approval.quorum() + " approvals by different reviewers from " + groups(approval.reviewerGroups());
    }
}
