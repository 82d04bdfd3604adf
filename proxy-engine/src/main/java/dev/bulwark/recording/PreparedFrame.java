package dev.bulwark.recording;

import dev.bulwark.store.FrameIndex;

/** A payload with its JSON and search index, prepared on the caller's thread so the writer only chains and writes. */
record PreparedFrame(FramePayload payload, String json, FrameIndex index) {
    static PreparedFrame of(FramePayload payload) {
        FrameIndex index = switch (payload) {
            case FramePayload.Statement statement ->
                    new FrameIndex(statement.text(), statement.verdict().name(), statement.tables());
            case FramePayload.SessionStart ignored -> FrameIndex.NONE;
            case FramePayload.Approval ignored -> FrameIndex.NONE;
            case FramePayload.Result ignored -> FrameIndex.NONE;
            case FramePayload.Notice ignored -> FrameIndex.NONE;
            case FramePayload.ErrorReport ignored -> FrameIndex.NONE;
            case FramePayload.Copy ignored -> FrameIndex.NONE;
            case FramePayload.Cancel ignored -> FrameIndex.NONE;
            case FramePayload.SessionEnd ignored -> FrameIndex.NONE;
        };
        return new PreparedFrame(payload, FrameJson.write(payload), index);
    }
}
