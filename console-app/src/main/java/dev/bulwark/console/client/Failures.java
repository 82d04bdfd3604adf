package dev.bulwark.console.client;

import dev.bulwark.model.ManagementException;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns a failed request into one line an operator can act on. */
public final class Failures {
    private Failures() {}

    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    public static String message(Throwable failure) {
        Throwable cause = unwrap(failure);
        return switch (cause) {
            case ManagementException management -> switch (management.code()) {
                case FORBIDDEN -> "Not allowed: " + management.getMessage();
                case CONFLICT -> "Changed meanwhile: " + management.getMessage();
                case NOT_FOUND -> "Not found: " + management.getMessage();
                case UNAVAILABLE -> "Engine busy or part unavailable: " + management.getMessage();
                default -> management.getMessage();
            };
            case NotConnectedException notConnected -> "Not connected to an engine";
            case CancellationException cancelled -> "Cancelled";
            case UnsupportedOperationException unsupported -> unsupported.getMessage();
            case IOException io -> "Connection problem: "
                    + (io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage());
            default -> cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        };
    }
}
