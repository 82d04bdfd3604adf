package dev.bulwark.session;

import dev.bulwark.protocol.BackendMessage;
import io.netty.buffer.ByteBuf;

import java.util.concurrent.CompletableFuture;

/**
 * Everything the engine does to one session's traffic: decide on statements, rewrite results, and
 * observe what the client saw. One object per session, opened when the session is ready, so the
 * three can share what they know (a COPY's masking plan, a statement's classification).
 */
public interface SessionHooks extends StatementGate, SessionObserver, ResultFilter {

    interface Factory {
        SessionHooks open(LiveSession session);

        /** A gate and an observer with no result rewriting, as the relay's own tests use. */
        static Factory of(StatementGate gate, SessionObserver.Factory observers) {
            return session -> combine(gate, observers.open(session));
        }

        Factory ALLOW_ALL = of(StatementGate.ALLOW_ALL, SessionObserver.Factory.NONE);
    }

    private static SessionHooks combine(StatementGate gate, SessionObserver observer) {
        return new SessionHooks() {
            @Override
            public Decision check(SessionInfo session, Statement statement) {
                return gate.check(session, statement);
            }

            @Override
            public CompletableFuture<Void> statement(long sequence, Statement statement, Decision decision) {
                return observer.statement(sequence, statement, decision);
            }

            @Override
            public void columns(long sequence, BackendMessage.RowDescription columns) {
                observer.columns(sequence, columns);
            }

            @Override
            public void row(long sequence, BackendMessage.RowDescription columns, ByteBuf dataRow) {
                observer.row(sequence, columns, dataRow);
            }

            @Override
            public void completed(long sequence, String commandTag) {
                observer.completed(sequence, commandTag);
            }

            @Override
            public void error(long sequence, BackendMessage.ErrorResponse error) {
                observer.error(sequence, error);
            }

            @Override
            public void notice(BackendMessage.NoticeResponse notice) {
                observer.notice(notice);
            }

            @Override
            public void copyData(long sequence, boolean fromClient, int bytes) {
                observer.copyData(sequence, fromClient, bytes);
            }

            @Override
            public void cancelRequested() {
                observer.cancelRequested();
            }

            @Override
            public void cancelRequested(String source, boolean fromOwnClient) {
                observer.cancelRequested(source, fromOwnClient);
            }

            @Override
            public void stateChanged() {
                observer.stateChanged();
            }

            @Override
            public void ended(String reason) {
                observer.ended(reason);
            }
        };
    }

}
