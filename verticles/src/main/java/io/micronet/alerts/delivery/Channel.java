package io.micronet.alerts.delivery;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * Where notifications go: a webhook (signed JSON), a Slack-compatible incoming webhook, or the dashboard feed
 * (which the engine already publishes on {@code micronet.alerts}: nothing to deliver). {@code url} and {@code secret}
 * are secrets: {@link #toJson()} shows only {@code scheme://host/…} and {@code hasSecret}, and {@link #toString()}
 * neither.
 */
public record Channel(String id, String name, Kind kind, String url, String secret, boolean enabled, boolean builtIn,
                      Instant createdAt, Instant updatedAt) {

  /** The channel from {@code MICRONET_ALERT_WEBHOOK_URL}: configured, not stored, not changed over REST. */
  public static final String DEFAULT_ID = "default";
  /** The dashboard feed: listed so that one sees where notifications go; delivers nothing itself. */
  public static final String FEED_ID = "dashboard";

  public enum Kind {
    WEBHOOK, SLACK, FEED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The kind named {@code label} among those that may be created over REST (webhook, slack), else null. */
    public static Kind creatable(String label) {
      if ("webhook".equals(label)) {
        return WEBHOOK;
      }
      return "slack".equals(label) ? SLACK : null;
    }

    public static Kind parse(String label) {
      return Kind.valueOf(label.toUpperCase(java.util.Locale.ROOT));
    }
  }

  public boolean delivers() {
    return kind != Kind.FEED && enabled;
  }

  /** The public form: never the secret, never the URL's path or query. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("name", name).put("kind", kind.label())
      .put("url", shownUrl()).put("hasSecret", secret != null && !secret.isEmpty()).put("enabled", enabled).put("builtIn", builtIn);
    if (createdAt != null) {
      json.put("createdAt", createdAt.toString());
    }
    if (updatedAt != null) {
      json.put("updatedAt", updatedAt.toString());
    }
    return json;
  }

  private String shownUrl() {
    if (url == null) {
      return null;
    }
    try {
      return TargetUrl.parse(url, true).redacted();
    } catch (TargetUrl.Invalid e) {
      return "(invalid)";
    }
  }

  @Override
  public String toString() {
    return "Channel[" + id + ", " + name + ", " + kind.label() + ", " + shownUrl() + "]";
  }
}
