package dev.bulwark.store;

import java.util.List;
import java.util.Locale;

/**
 * The searchable parts of a frame, stored beside it (not covered by the chain; the payload is).
 *
 * @param statementText the statement text of a STATEMENT frame, else null
 * @param verdict the policy verdict of a STATEMENT frame (ALLOW, DENY, HOLD, LOG), else null
 * @param tables tables the statement touched, lower-cased; empty for other frames
 */
public record FrameIndex(String statementText, String verdict, List<String> tables) {
    public static final FrameIndex NONE = new FrameIndex(null, null, List.of());

    public FrameIndex {
        tables = tables == null ? List.of()
                : tables.stream().map(table -> table.toLowerCase(Locale.ROOT)).distinct().toList();
    }
}
