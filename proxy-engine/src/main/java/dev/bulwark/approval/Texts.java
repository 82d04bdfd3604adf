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

    /** A reviewer-facing rendering of the statement and its bind values, so reviewers see what runs. */
    static String forReview(String text, List<String> parameters) {
        if (parameters.isEmpty()) {
            return text;
        }
        StringBuilder review = new StringBuilder(text).append("\n-- parameters:");
        for (int i = 0; i < parameters.size(); i++) {
            String value = parameters.get(i);
            review.append(i == 0 ? " $" : ", $").append(i + 1).append(" = ")
                    .append(value == null ? "NULL" : literal(value));
        }
        return review.toString();
    }

    /** {@link #forReview(String, List)} followed by the hold's reason as a comment line, when there is one. */
    static String forReview(String text, List<String> parameters, String reason) {
        String review = forReview(text, parameters);
        if (reason == null || reason.isBlank()) {
            return review;
        }
        // One line, no control characters: the reason cannot print what looks like more statement text.
        return review + "\n-- held because: " + reason.replaceAll("\\p{Cntrl}", " ");
    }

    /**
     * A value as a SQL literal. Control characters are escaped ({@code E'a\nb'}) so a value cannot
     * print a line that looks like more statement text to the reviewer.
     */
    static String literal(String value) {
        boolean escape = value.chars().anyMatch(c -> Character.isISOControl(c) || c == '\\');
        if (!escape) {
            return "'" + value.replace("'", "''") + "'";
        }
        StringBuilder literal = new StringBuilder("E'");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\'' -> literal.append("''");
                case '\\' -> literal.append("\\\\");
                case '\n' -> literal.append("\\n");
                case '\r' -> literal.append("\\r");
                case '\t' -> literal.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        literal.append(String.format("\\x%02x", (int) c));
                    } else {
                        literal.append(c);
                    }
                }
            }
        }
        return literal.append('\'').toString();
    }
}
