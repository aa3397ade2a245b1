package io.micronet.alerts.delivery;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;

/**
 * One notification on its way to one channel: pending (due at {@code nextAttemptAt}), delivered, or dead (in the
 * dead-letter queue, with the last error and whether it was transient or permanent). {@code body} is the
 * notification's JSON (only read for delivery), {@code summary} a line about its alerts (for the DLQ listing).
 */
public record DeliveryRow(String id, String notificationId, String channelId, String channelName, String channelKind,
                          String state, int attempts, long nextAttemptAt, String lastError, String failureKind,
                          Long deliveredAt, Long deadAt, String status, String summary, String body) {

  public static final String PENDING = "pending";
  public static final String DELIVERED = "delivered";
  public static final String DEAD = "dead";

  static DeliveryRow fromRow(Row row, boolean withBody) {
    return new DeliveryRow(row.getString("id"), row.getString("notification_id"), row.getString("channel_id"),
      row.getString("channel_name"), row.getString("channel_kind"), row.getString("state"), row.getInteger("attempts"),
      row.getLong("next_attempt_at"), row.getString("last_error"), row.getString("failure_kind"), row.getLong("delivered_at"),
      row.getLong("dead_at"), row.getString("status"), row.getString("summary"), withBody ? row.getString("body") : null);
  }

  /** The DLQ listing's item. */
  public JsonObject toDeadLetterJson() {
    return new JsonObject().put("id", id).put("notificationId", notificationId).put("channel", channelName)
      .put("channelId", channelId).put("channelKind", channelKind).put("status", status).put("summary", summary)
      .put("attempts", attempts).put("lastError", lastError).put("failureKind", failureKind)
      .put("deadAt", deadAt == null ? null : Instant.ofEpochMilli(deadAt).toString());
  }
}
