package io.micronet.alerts.delivery;

import io.micronet.shared.config.MicronetConfig;
import io.vertx.core.json.JsonObject;

/**
 * Delivery's configuration ({@code services.alerts}): the default webhook ({@code webhook.url}/{@code webhook.secret},
 * env MICRONET_ALERT_WEBHOOK_URL/_SECRET), whether private targets are allowed (MICRONET_ALERT_ALLOW_PRIVATE_TARGETS),
 * and the retry policy ({@code delivery.*}; delivered rows are purged after {@code delivery.retentionDays}). {@link #toString()} never shows the URL or the secret.
 */
public record DeliverySettings(String webhookUrl, String webhookSecret, boolean allowPrivateTargets, int maxAttempts,
                               long baseDelayMs, double factor, long maxDelayMs, long timeoutMs, long connectTimeoutMs,
                               long pollMs, int batch, int retentionDays) {

  public static DeliverySettings from(MicronetConfig config) {
    JsonObject services = config.section("services");
    JsonObject alerts = services.getJsonObject("alerts", new JsonObject());
    return from(alerts);
  }

  /** From the {@code services.alerts} object. */
  public static DeliverySettings from(JsonObject alerts) {
    JsonObject webhook = alerts.getJsonObject("webhook", new JsonObject());
    JsonObject delivery = alerts.getJsonObject("delivery", new JsonObject());
    long timeoutMs = positive(delivery, "timeoutMs", 10_000L);
    String url = webhook.getString("url");
    String secret = webhook.getString("secret");
    return new DeliverySettings(url == null || url.isBlank() ? null : url.trim(), secret == null || secret.isEmpty() ? null : secret,
      alerts.getBoolean("allowPrivateTargets", false),
      (int) Math.min(100, positive(delivery, "maxAttempts", 8L)),
      positive(delivery, "baseDelayMs", 1_000L),
      Math.max(1.0, delivery.getDouble("factor", 2.0)),
      positive(delivery, "maxDelayMs", 300_000L),
      timeoutMs,
      Math.min(timeoutMs, positive(delivery, "connectTimeoutMs", 5_000L)),
      positive(delivery, "pollMs", 1_000L),
      (int) Math.min(500, positive(delivery, "batch", 20L)),
      (int) Math.min(3650, positive(delivery, "retentionDays", 30L)));
  }

  private static long positive(JsonObject json, String key, long fallback) {
    Number value = json.getNumber(key);
    if (value == null) {
      return fallback;
    }
    if (value.longValue() < 1) {
      throw new IllegalArgumentException("services.alerts.delivery." + key + " must be at least 1, got " + value);
    }
    return value.longValue();
  }

  @Override
  public String toString() {
    return "DeliverySettings[webhook " + (webhookUrl == null ? "unset" : "set") + ", allowPrivateTargets " + allowPrivateTargets
      + ", maxAttempts " + maxAttempts + ", baseDelayMs " + baseDelayMs + ", maxDelayMs " + maxDelayMs + ", timeoutMs " + timeoutMs + "]";
  }
}
