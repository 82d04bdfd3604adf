package dev.bulwark.engine;

import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ManagementException;
import dev.bulwark.store.StoreException;
import dev.bulwark.vault.VaultException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns a failure of the store (or the vault file) into the protocol's {@code unavailable}, so an
 * operator is told to retry rather than shown "internal". The database's own text stays in the log:
 * it may quote values; the operator gets the SQLSTATE.
 */
final class StoreFailures {
    private static final Logger LOG = LoggerFactory.getLogger(StoreFailures.class);

    private StoreFailures() {}

    static <T> CompletableFuture<T> asUnavailable(CompletableFuture<T> future, String what) {
        return future.exceptionallyCompose(failure -> CompletableFuture.failedFuture(translate(failure, what)));
    }

    static Throwable translate(Throwable failure, String what) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof StoreException store) {
            LOG.warn("{} failed: the store: {}", what, store.getMessage());
            return new ManagementException(ErrorCode.UNAVAILABLE, "the audit store is not available now"
                    + (store.sqlState() == null ? "" : " (SQLSTATE " + store.sqlState() + ")") + "; " + what + " did not happen");
        }
        if (cause instanceof VaultException vault) {
            // Vault messages never hold a secret (the vault's own rule).
            return new ManagementException(ErrorCode.UNAVAILABLE, "the vault cannot be read: " + vault.getMessage());
        }
        return cause;
    }
}
