package dev.bulwark.cli.ctl;

import dev.bulwark.model.SafeText;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain text table: a header row, columns as wide as their widest cell, two spaces apart. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... headers) {
        this.columns = headers.length;
        rows.add(headers);
    }

    Table add(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
        }
        // Every cell is shown through the one renderer of untrusted text: names, application names
        // and statements come from clients, and a raw ESC or bidi override would redraw the table.
        rows.add(Arrays.stream(cells).map(cell -> cell == null ? "-"
                : cell instanceof Text.Shown shown ? shown.text() : SafeText.line(cell.toString())).toArray(String[]::new));
        return this;
    }

    boolean isEmpty() {
        return rows.size() == 1;
    }

    void print(PrintWriter out) {
        print(out, "");
    }

    /** For key/value lists, whose header row is empty. */
    void printWithoutHeader(PrintWriter out) {
        String[] header = rows.remove(0);
        try {
            print(out, "");
        } finally {
            rows.add(0, header);
        }
    }

    void print(PrintWriter out, String indent) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].codePointCount(0, row[i].length()));
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - row[i].codePointCount(0, row[i].length()) + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
