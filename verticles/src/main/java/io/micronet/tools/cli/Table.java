package io.micronet.tools.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An aligned text table: a header row, columns two spaces apart, numbers right-aligned where asked, the last
 * column not padded. Widths are measured on the plain text; colour is added after padding, so it never shifts a
 * column. Columns named {@link #statusColumns} are coloured by their value.
 */
final class Table {

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();
  private final Set<Integer> right = new HashSet<>();
  private final Set<Integer> status = new HashSet<>();
  private final Set<Integer> optional = new HashSet<>();

  Table(String... headers) {
    this.headers = List.of(headers);
  }

  Table alignRight(String... names) {
    Arrays.stream(names).map(headers::indexOf).filter(i -> i >= 0).forEach(right::add);
    return this;
  }

  Table statusColumns(String... names) {
    Arrays.stream(names).map(headers::indexOf).filter(i -> i >= 0).forEach(status::add);
    return this;
  }

  /** Columns left out when no row has anything in them (a REASON column when all is well). */
  Table optional(String... names) {
    Arrays.stream(names).map(headers::indexOf).filter(i -> i >= 0).forEach(optional::add);
    return this;
  }

  Table row(String... cells) {
    List<String> row = new ArrayList<>();
    for (int i = 0; i < headers.size(); i++) {
      String cell = i < cells.length && cells[i] != null ? cells[i].replace('\n', ' ') : Cells.NONE;
      row.add(cell.isEmpty() ? Cells.NONE : cell);
    }
    rows.add(row);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  int size() {
    return rows.size();
  }

  String render(Style style) {
    List<Integer> empty = optional.stream().filter(i -> rows.stream().allMatch(r -> Cells.NONE.equals(r.get(i))))
      .sorted(java.util.Comparator.reverseOrder()).toList();
    if (!empty.isEmpty()) {
      return without(empty).render(style);
    }
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, headers, widths, style, true);
    rows.forEach(row -> line(out, row, widths, style, false));
    return out.toString();
  }

  private Table without(List<Integer> descending) {
    List<String> keptHeaders = new ArrayList<>(headers);
    descending.forEach(i -> keptHeaders.remove((int) i));
    Table copy = new Table(keptHeaders.toArray(String[]::new));
    for (List<String> row : rows) {
      List<String> kept = new ArrayList<>(row);
      descending.forEach(i -> kept.remove((int) i));
      copy.row(kept.toArray(String[]::new));
    }
    right.stream().filter(i -> !descending.contains(i)).map(headers::get).forEach(copy::alignRight);
    status.stream().filter(i -> !descending.contains(i)).map(headers::get).forEach(copy::statusColumns);
    return copy;
  }

  private void line(StringBuilder out, List<String> cells, int[] widths, Style style, boolean header) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      boolean last = i == cells.size() - 1;
      String cell = cells.get(i);
      String padded = last && !right.contains(i) ? cell : pad(cell, widths[i], right.contains(i));
      line.append(header ? style.bold(padded) : status.contains(i) ? style.status(cell, padded) : padded);
      if (!last) {
        line.append("  ");
      }
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  private static String pad(String cell, int width, boolean alignRight) {
    String gap = " ".repeat(width - cell.length());
    return alignRight ? gap + cell : cell + gap;
  }
}
