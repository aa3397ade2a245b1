package io.micronet.alerts.delivery;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.time.Instant;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a channel receives, the retry policy's delays and how an answer is classified, without a network. */
class PayloadsTest {

  static JsonObject notification() {
    JsonArray alerts = new JsonArray()
      .add(new JsonObject().put("id", "a1").put("rule", "error rate").put("severity", "critical").put("service", "products")
        .put("summary", "error rate 42% > 5% for 30s <b>"))
      .add(new JsonObject().put("id", "a2").put("rule", "p99").put("severity", "warning").put("service", "orders"));
    return new JsonObject().put("id", "n-1").put("groupKey", "products/error rate").put("status", "firing").put("alerts", alerts)
      .put("createdAt", "2026-01-01T00:00:00Z");
  }

  @Test
  void webhookBodyIsTheNotificationWithSentAtAndItsSignatureIsTheHmacOfTheBytes() throws Exception {
    Buffer body = Payloads.webhook(notification(), Instant.parse("2026-01-01T00:00:05Z"));
    JsonObject json = body.toJsonObject();
    assertEquals("n-1", json.getString("id"));
    assertEquals("2026-01-01T00:00:05Z", json.getString("sentAt"));
    assertEquals(2, json.getJsonArray("alerts").size());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("k3y".getBytes(), "HmacSHA256"));
    assertEquals("sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes())), Payloads.signature("k3y", body));
    assertNotEquals(Payloads.signature("k3y", body), Payloads.signature("other", body));
  }

  @Test
  void slackMessageHasTextAndOneBlockPerAlert() {
    JsonObject slack = Payloads.slack(notification()).toJsonObject();
    assertTrue(slack.getString("text").contains("FIRING"), slack.encode());
    assertTrue(slack.getString("text").contains("2 alerts"));
    JsonArray blocks = slack.getJsonArray("blocks");
    assertEquals(4, blocks.size(), "headline, two alerts, the notification id");
    JsonObject first = blocks.getJsonObject(1);
    assertEquals("section", first.getString("type"));
    assertEquals("mrkdwn", first.getJsonObject("text").getString("type"));
    assertTrue(first.getJsonObject("text").getString("text").contains("&lt;b&gt;"), "Slack's control characters escaped");
    assertTrue(blocks.getJsonObject(3).encode().contains("n-1"));
    JsonObject mention = Payloads.slack(notification().put("groupKey", "<!channel>/r-1")).toJsonObject();
    assertTrue(mention.getString("text").contains("(&lt;!channel&gt;/r-1)"), "the group key escaped too: " + mention.getString("text"));
    assertFalse(mention.encode().contains("<!channel>"), mention.encode());
    JsonObject resolved = Payloads.slack(notification().put("status", "resolved")).toJsonObject();
    assertTrue(resolved.getString("text").contains("RESOLVED"));
  }

  @Test
  void summaryNamesTheFirstAlertAndCountsTheRest() {
    assertEquals("error rate 42% > 5% for 30s <b> (+1 more)", Payloads.summary(notification().getJsonArray("alerts")));
    assertEquals("(no alerts)", Payloads.summary(new JsonArray()));
  }

  @Test
  void backoffIsExponentialCappedAndJittered() {
    Backoff top = new Backoff(100, 2, 1_000, bound -> bound);
    assertEquals(100, top.delay(1, 0));
    assertEquals(200, top.delay(2, 0));
    assertEquals(400, top.delay(3, 0));
    assertEquals(1_000, top.delay(10, 0), "capped");
    assertEquals(1_000, top.delay(100, 0), "no overflow");
    Backoff bottom = new Backoff(100, 2, 1_000, bound -> 0);
    assertEquals(0, bottom.delay(3, 0), "full jitter reaches 0");
    assertEquals(700, bottom.delay(3, 700), "Retry-After honoured");
    assertEquals(1_000, bottom.delay(3, 60_000), "… up to the cap");
    Backoff real = Backoff.of(new DeliverySettings(null, null, false, 5, 100, 2, 1_000, 1_000, 500, 100, 10, 30));
    for (int i = 0; i < 200; i++) {
      long delay = real.delay(3, 0);
      assertTrue(delay >= 0 && delay <= 400, "within [0, cap]: " + delay);
    }
  }

  @Test
  void retryAfterIsReadInSeconds() {
    assertEquals(3_000, Sender.retryAfterMs("3"));
    assertEquals(0, Sender.retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT"));
    assertEquals(0, Sender.retryAfterMs(null));
    assertEquals(0, Sender.retryAfterMs("-5"));
  }
}
