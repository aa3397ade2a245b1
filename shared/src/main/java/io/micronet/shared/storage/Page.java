package io.micronet.shared.storage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** One page of a listing, in the contract's list shape: {@code {items, page, size, total}}. */
public record Page<T>(List<T> items, int page, int size, long total) {

  /**
   * Reads page {@code page} of the rows of {@code table} matching {@code where} (a clause with named template
   * parameters, e.g. {@code " WHERE 1=1 AND status = #{status}"}), in {@code orderBy} order, with their count.
   */
  public static <T> Future<Page<T>> read(SqlClient client, String columns, String table, String where, String orderBy,
                                         Map<String, Object> params, int page, int size, Function<Row, T> fromRow) {
    Map<String, Object> values = new HashMap<>(params);
    values.put("limit", size);
    values.put("offset", (long) page * size);
    Future<Long> total = SqlTemplate.forQuery(client, "SELECT COUNT(*) AS total FROM " + table + where)
      .execute(values)
      .map(rows -> ((Number) rows.iterator().next().getValue(0)).longValue());
    Future<List<T>> items = SqlTemplate.forQuery(client, "SELECT " + columns + " FROM " + table + where
        + " ORDER BY " + orderBy + " LIMIT #{limit} OFFSET #{offset}")
      .execute(values)
      .map(rows -> {
        List<T> list = new ArrayList<>(rows.size());
        rows.forEach(row -> list.add(fromRow.apply(row)));
        return list;
      });
    return Future.all(total, items).map(v -> new Page<>(items.result(), page, size, total.result()));
  }

  public JsonObject toJson(Function<T, JsonObject> itemToJson) {
    JsonArray array = new JsonArray();
    items.forEach(item -> array.add(itemToJson.apply(item)));
    return new JsonObject().put("items", array).put("page", page).put("size", size).put("total", total);
  }
}
