package dev.bulwark.console.rules;

import dev.bulwark.console.fake.Samples;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RuleHistoryTest {
    private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");

    @Test
    void versionsSayWhoChangedWhatNewestFirst() {
        RuleHistory history = new RuleHistory();
        history.add(new RuleDocument(RuleKind.MASKING, "m", 1, "carol", NOW, Samples.object("{\"strategy\":\"redact\"}")));
        history.add(new RuleDocument(RuleKind.MASKING, "m", 1, "carol", NOW, Samples.object("{\"strategy\":\"redact\"}")));
        history.add(new RuleDocument(RuleKind.MASKING, "m", 4, "henrik", NOW.plusSeconds(60),
                Samples.object("{\"strategy\":\"partial\",\"params\":{\"keep_last\":4}}")));
        history.deleted(RuleKind.MASKING, "m", 4, "carol", NOW.plusSeconds(120));

        var versions = history.versions(RuleKind.MASKING, "m");
        assertEquals(3, versions.size(), "a repeated version is recorded once");
        assertEquals("deleted", versions.get(0).change());
        assertEquals("(versions 2 to 3 not seen) strategy: redact → partial; params: (none) → {\"keep_last\":4}",
                versions.get(1).change());
        assertEquals("created", versions.get(2).change());
    }

    @Test
    void nestedChangesNameTheirPath() {
        assertEquals("match.verbs: [\"DELETE\"] → [\"DELETE\",\"UPDATE\"]", RuleHistory.describe(
                Samples.object("{\"match\":{\"verbs\":[\"DELETE\"]}}"),
                Samples.object("{\"match\":{\"verbs\":[\"DELETE\",\"UPDATE\"]}}")));
        assertEquals("no change in the body", RuleHistory.describe(Samples.object("{}"), Samples.object("{}")));
    }
}
