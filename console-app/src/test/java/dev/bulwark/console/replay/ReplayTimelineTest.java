package dev.bulwark.console.replay;

import dev.bulwark.model.Frame;
import dev.bulwark.model.FramePayload;
import dev.bulwark.model.ResultColumn;
import dev.bulwark.model.VerdictAction;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 24 classes 3 and 6 in the replay: a cut statement says so, and nothing in a frame lies. */
class ReplayTimelineTest {
    private static final long T = 1_763_712_000_000_000L;

    @Test
    void aStatementCutByTheRecorderSaysSoAndShowsWhatItDoes() {
        String cut = "SELECT * FROM reports /* " + "x".repeat(40);
        ReplayTimeline timeline = ReplayTimeline.of(List.of(
                new Frame(1, T, new FramePayload.Statement(FramePayload.Protocol.SIMPLE, cut, List.of(), VerdictAction.LOG,
                        "audit-all", true, List.of("SELECT", "UPDATE"), List.of("reports", "accounts"))),
                new Frame(2, T + 1, new FramePayload.Result(List.of(), List.of(), false, 99, "UPDATE 99"))));
        for (int i = 0; i < 2; i++) {
            FrameView view = timeline.at(i);
            assertEquals("Does SELECT, UPDATE on reports, accounts · TRUNCATED by the recorder: only the first "
                    + cut.length() + " characters (or a cut bind value) were kept; verbs and tables are of the whole statement",
                    view.classification(), "frame " + (i + 1) + ", the result too");
            assertEquals(VerdictAction.LOG, view.verdict());
        }
    }

    @Test
    void bindValuesAndMessagesAreRenderedVisible() {
        ReplayTimeline timeline = ReplayTimeline.of(List.of(
                new Frame(1, T, new FramePayload.Statement(FramePayload.Protocol.EXTENDED, "SELECT $1, $2", Arrays.asList(
                        "a\u202e\n-- parameters: $1 = 'ok'", null), VerdictAction.ALLOW, null)),
                new Frame(2, T + 1, new FramePayload.Result(List.of(new ResultColumn("c", "text")), List.of(List.of("x")),
                        false, 1, "SELECT 1\u001b[2K")),
                new Frame(3, T + 2, new FramePayload.Error("42501", "no\u200b", "d\u2028"))));
        assertEquals("Bind values: $1 = 'a\u00abU+202E\u00bb\u00abLF\u00bb-- parameters: $1 = ''ok''', $2 = NULL",
                timeline.at(0).message());
        assertEquals("Not classified", timeline.at(0).classification());
        assertTrue(timeline.at(1).message().startsWith("SELECT 1\u00abESC\u00bb[2K"), timeline.at(1).message());
        assertEquals("ERROR 42501: no\u00abU+200B\u00bb\nd\u00abU+2028\u00bb", timeline.at(2).message());
    }
}
