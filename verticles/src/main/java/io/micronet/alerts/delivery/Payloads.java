package io.micronet.alerts.delivery;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * What a channel receives. A webhook: the notification's JSON plus {@code sentAt}, signed (header
 * {@value #SIGNATURE_HEADER}: {@code sha256=<hex HMAC-SHA256 of the exact body bytes>} with the channel's secret).
 * Slack: {@code {text, blocks}} (an incoming webhook's shape). Both carry the notification id in the header
 * {@value #ID_HEADER}, so a receiver can drop a repeat.
 */
public final class Payloads {

  public static final String SIGNATURE_HEADER = "X-MicroNet-Signature";
  public static final String ID_HEADER = "X-MicroNet-Notification-Id";
  private static final int SLACK_MAX_ALERTS = 10;

  private Payloads() {
  }

  /** The webhook body: the notification as stored, and when this attempt left. */
  public static Buffer webhook(JsonObject notification, Instant sentAt) {
    return notification.copy().put("sentAt", sentAt.toString()).toBuffer();
  }

  /** {@code sha256=<hex>} of {@code body} under {@code secret}. */
  public static String signature(String secret, Buffer body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** A Slack incoming-webhook message: a headline in {@code text} (notifications, fallback) and one block per alert. */
  public static Buffer slack(JsonObject notification) {
    String status = notification.getString("status", "firing");
    JsonArray alerts = notification.getJsonArray("alerts", new JsonArray());
    String headline = ("resolved".equals(status) ? ":white_check_mark: RESOLVED" : ":rotating_light: FIRING") + " — "
      + alerts.size() + (alerts.size() == 1 ? " alert" : " alerts") + groupSuffix(notification);
    JsonArray blocks = new JsonArray().add(section(headline));
    for (int i = 0; i < Math.min(SLACK_MAX_ALERTS, alerts.size()); i++) {
      Object item = alerts.getValue(i);
      if (item instanceof JsonObject alert) {
        blocks.add(section(alertLine(alert)));
      }
    }
    if (alerts.size() > SLACK_MAX_ALERTS) {
      blocks.add(context("and " + (alerts.size() - SLACK_MAX_ALERTS) + " more"));
    }
    blocks.add(context("notification " + notification.getString("id")));
    return new JsonObject().put("text", headline).put("blocks", blocks).toBuffer();
  }

  private static String groupSuffix(JsonObject notification) {
    String group = notification.getString("groupKey");
    // the key names a service, which comes from the platform's feeds: escaped like every other text (no <!channel>)
    return group == null || group.isBlank() ? "" : " (" + escape(group) + ")";
  }

  private static String alertLine(JsonObject alert) {
    StringBuilder line = new StringBuilder();
    line.append('*').append(escape(alert.getString("severity", "alert")).toUpperCase(java.util.Locale.ROOT)).append("* ");
    line.append(escape(alert.getString("rule", alert.getString("ruleId", "rule"))));
    String service = alert.getString("service");
    if (service != null) {
      line.append(" on `").append(escape(service)).append('`');
    }
    String summary = alert.getString("summary");
    if (summary != null) {
      line.append(": ").append(escape(summary));
    }
    return line.toString();
  }

  /** A one-line summary of a notification's alerts (the DLQ listing). */
  public static String summary(JsonArray alerts) {
    if (alerts == null || alerts.isEmpty()) {
      return "(no alerts)";
    }
    Object first = alerts.getValue(0);
    String line = first instanceof JsonObject alert
      ? alert.getString("summary", alert.getString("rule", "alert") + (alert.getString("service") == null ? "" : " on " + alert.getString("service")))
      : "alert";
    return alerts.size() == 1 ? line : line + " (+" + (alerts.size() - 1) + " more)";
  }

  /** Slack's mrkdwn control characters, as its docs ask. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static JsonObject section(String text) {
    return new JsonObject().put("type", "section").put("text", new JsonObject().put("type", "mrkdwn").put("text", text));
  }

  private static JsonObject context(String text) {
    return new JsonObject().put("type", "context")
      .put("elements", new JsonArray().add(new JsonObject().put("type", "mrkdwn").put("text", escape(text))));
  }
}
