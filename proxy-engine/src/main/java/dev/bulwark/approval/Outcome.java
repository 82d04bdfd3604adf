package dev.bulwark.approval;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * How a held statement's wait ended, for the session that holds it. {@link ClientError#of} turns an
 * outcome into what the client is told; only {@link Approved} lets the statement run.
 */
public sealed interface Outcome {

    /**
     * Enough reviewers approved (or, in RETRY mode, an earlier approval of the same statement was
     * used up by this run of it).
     *
     * @param approvers the operators who approved, in order
     */
    record Approved(List<String> approvers) implements Outcome {
        public Approved {
            approvers = List.copyOf(approvers);
        }
    }

    /**
     * A reviewer denied it.
     *
     * @param reason the reviewer's reason (may be empty)
     * @param by the reviewing operator's name
     */
    record Denied(String reason, String by) implements Outcome {
        public Denied {
            requireNonNull(reason, "reason is null");
            requireNonNull(by, "by is null");
        }
    }

    /** Nobody decided within the rule's timeout. */
    record Expired(Duration after) implements Outcome {
        public Expired {
            requireNonNull(after, "after is null");
        }
    }

    /** The client cancelled or went away, the session was killed, or the engine stopped. */
    record Withdrawn(String why) implements Outcome {
        public Withdrawn {
            requireNonNull(why, "why is null");
        }
    }

    /**
     * RETRY mode: the statement does not run now. The request stays pending for reviewers; once it is
     * approved, the same identity may run the byte-identical statement once within {@code retryWindow}.
     *
     * @param timeout how long reviewers have
     * @param retryWindow how long after approval the retry is let through
     */
    record RetryLater(Duration timeout, Duration retryWindow) implements Outcome {
        public RetryLater {
            requireNonNull(timeout, "timeout is null");
            requireNonNull(retryWindow, "retryWindow is null");
        }
    }

    /**
     * The statement could not even be held (a limit was reached); no request exists.
     *
     * @param reason why, for the client
     */
    record Refused(String reason) implements Outcome {
        public Refused {
            requireNonNull(reason, "reason is null");
        }
    }
}
