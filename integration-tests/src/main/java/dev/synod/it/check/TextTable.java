package dev.synod.it.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table with fixed columns: text columns first, left-aligned, then right-aligned ones. */
final class TextTable {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();
    private int textColumns = 1;

    TextTable(String... header) {
        this.header = header.clone();
    }

    /** Makes the first {@code count} columns left-aligned text (one by default). */
    TextTable textColumns(int count) {
        textColumns = count;
        return this;
    }

    TextTable row(Object... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException(
                    "a row needs " + header.length + " cells but had " + Arrays.toString(cells));
        }
        rows.add(Arrays.stream(cells).map(String::valueOf).toArray(String[]::new));
        return this;
    }

    String render() {
        int[] widths = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            widths[i] = header[i].length();
            for (String[] row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, header, widths, textColumns);
        int total = Arrays.stream(widths).sum() + 2 * (widths.length - 1);
        out.append("-".repeat(total)).append('\n');
        rows.forEach(row -> line(out, row, widths, textColumns));
        return out.toString();
    }

    private static void line(StringBuilder out, String[] cells, int[] widths, int textColumns) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                line.append("  ");
            }
            String pad = " ".repeat(widths[i] - cells[i].length());
            line.append(i < textColumns ? cells[i] + pad : pad + cells[i]);
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
