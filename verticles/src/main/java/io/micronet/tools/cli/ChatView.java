package io.micronet.tools.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A ChatOps reply as printed in the terminal: its text; below it a table when its data is a list of records (bare or
 * a page's {@code items}) that the text does not lay out itself; a failure in the error colour with its code and details. Everything the server sends is
 * printed without control characters: a reply may quote what another user typed (history), and an escape sequence in
 * there must not reach this terminal.
 */
final class ChatView {

  /** Columns coloured by their value, as in the other tables. */
  private static final Set<String> STATUS_COLUMNS = Set.of("STATUS", "HEALTH", "STATE", "BREAKER");

  private final Style style;

  ChatView(Style style) {
    this.style = style;
  }

  String render(ChatReply reply) {
    StringBuilder out = new StringBuilder();
    if (!reply.ok()) {
      String code = reply.error().getString("code");
      String message = reply.text().isBlank() ? reply.error().getString("message", "failed") : reply.text();
      out.append(style.status("FAILED", printable(message) + (code == null ? "" : " (" + printable(code) + ")"))).append('\n');
      details(reply.error().getValue("details"), out);
      return out.toString();
    }
    if (!reply.text().isBlank()) {
      out.append(printable(reply.text()).stripTrailing()).append('\n');
    }
    String table = showsItsData(reply) ? null : table(reply.data());
    if (table != null) {
      out.append(out.isEmpty() ? "" : "\n").append(table);
    }
    return out.toString();
  }

  /**
   * Whether the text already lays out the data's records: it has more lines than there are records (a heading and
   * a row each, as the chatops service writes its tables). Then a second table would only repeat it.
   */
  static boolean showsItsData(ChatReply reply) {
    Object data = reply.data();
    JsonArray list = data instanceof JsonArray array ? array
      : data instanceof JsonObject page && page.getValue("items") instanceof JsonArray items ? items : null;
    return list != null && reply.text().strip().lines().count() > list.size();
  }

  /** The records of a list or page as a table, columns in order of first appearance; null when the data is no list. */
  String table(Object data) {
    JsonArray list = data instanceof JsonArray array ? array
      : data instanceof JsonObject page && page.getValue("items") instanceof JsonArray items ? items : null;
    if (list == null || list.isEmpty()) {
      return null;
    }
    List<JsonObject> records = Shapes.objects(list);
    if (records.size() != list.size()) {
      return null;
    }
    Set<String> fields = new LinkedHashSet<>();
    records.forEach(record -> fields.addAll(record.fieldNames()));
    List<String> names = new ArrayList<>(fields);
    String[] headers = names.stream().map(name -> printable(name).toUpperCase(Locale.ROOT)).toArray(String[]::new);
    Table table = new Table(headers).optional(headers)
      .statusColumns(List.of(headers).stream().filter(STATUS_COLUMNS::contains).toArray(String[]::new));
    List<String> numeric = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (records.stream().allMatch(r -> r.getValue(name) == null || r.getValue(name) instanceof Number)) {
        numeric.add(headers[i]);
      }
    }
    table.alignRight(numeric.toArray(String[]::new));
    for (JsonObject record : records) {
      table.row(names.stream().map(name -> printable(cell(name, record.getValue(name)))).toArray(String[]::new));
    }
    String rendered = table.render(style);
    if (data instanceof JsonObject page && page.getValue("total") instanceof Number total && total.longValue() > records.size()) {
      rendered += style.dim(records.size() + " of " + total) + "\n";
    }
    return rendered;
  }

  private static String cell(String name, Object value) {
    return name.toLowerCase(Locale.ROOT).contains("time") || name.endsWith("At") ? Cells.time(value) : Cells.text(value);
  }

  private void details(Object details, StringBuilder out) {
    if (details instanceof JsonObject fields) {
      for (Map.Entry<String, Object> field : fields) {
        if (field.getValue() != null) {
          out.append("  ").append(printable(field.getKey())).append(": ").append(printable(Cells.text(field.getValue()))).append('\n');
        }
      }
    } else if (details instanceof JsonArray list) {
      list.forEach(item -> out.append("  ").append(printable(Cells.text(item))).append('\n'));
    } else if (details instanceof String note && !note.isBlank()) {
      out.append("  ").append(printable(note)).append('\n');
    }
  }

  /** {@code text} without control characters (C0 but newline and tab, DEL, C1): they are shown as '?'. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      boolean control = c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f;
      boolean bidi = c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
      out.appendCodePoint(control || bidi ? '?' : c);
    });
    return out.toString();
  }
}
