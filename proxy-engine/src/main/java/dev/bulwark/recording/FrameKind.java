package dev.bulwark.recording;

/** The kinds of session frames, as stored in the {@code frames.kind} column. */
public enum FrameKind {
    SESSION_START,
    STATEMENT,
    APPROVAL,
    RESULT,
    NOTICE,
    ERROR,
    COPY,
    CANCEL,
    SESSION_END
}
