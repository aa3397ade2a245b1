package io.micronet.orders;

import io.micronet.shared.messaging.Money;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.List;

/**
 * An order. It is {@code PENDING} from the moment it is recorded until its stock is reserved, then
 * {@code PLACED}; {@code CANCELLED} once cancelled. A placement that cannot complete turns it
 * {@code ABANDONED} first — after that it can never become placed — then its stock is released and it is
 * dropped; what an interruption leaves is finished by {@link OrderRecovery}.
 */
public record Order(String id, String userId, String status, List<OrderLine> lines, long totalCents,
                    String idempotencyKey, long createdAt, long updatedAt) {

  public static final String PENDING = "PENDING";
  public static final String PLACED = "PLACED";
  public static final String CANCELLED = "CANCELLED";
  /** Being undone: not an order any more, shown to nobody. */
  public static final String ABANDONED = "ABANDONED";
  static final List<String> STATUSES = List.of(PENDING, PLACED, CANCELLED);

  /** Placed with these reserved lines: the total is theirs. */
  Order placed(List<OrderLine> reserved, long now) {
    long total = reserved.stream().mapToLong(OrderLine::lineTotalCents).sum();
    return new Order(id, userId, PLACED, reserved, total, idempotencyKey, createdAt, now);
  }

  static Order fromRow(Row row) {
    JsonArray stored = new JsonArray(row.getString("items"));
    List<OrderLine> lines = stored.stream().map(line -> OrderLine.fromStored((JsonObject) line)).toList();
    return new Order(row.getString("id"), row.getString("user_id"), row.getString("status"), lines,
      row.getLong("total_cents"), row.getString("idem_key"), row.getLong("created_at"), row.getLong("updated_at"));
  }

  String storedItems() {
    JsonArray stored = new JsonArray();
    lines.forEach(line -> stored.add(line.toStored()));
    return stored.encode();
  }

  public JsonObject toJson() {
    JsonArray items = new JsonArray();
    lines.forEach(line -> items.add(line.toJson()));
    return new JsonObject()
      .put("id", id)
      .put("userId", userId)
      .put("status", status)
      .put("items", items)
      .put("total", Money.amount(totalCents))
      .put("createdAt", Instant.ofEpochMilli(createdAt).toString())
      .put("updatedAt", Instant.ofEpochMilli(updatedAt).toString());
  }
}
