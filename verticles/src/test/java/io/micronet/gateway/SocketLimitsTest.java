package io.micronet.gateway;

import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sockets' plain parts: frame rate, origins, settings, and the ChatOps WebSocket's frames and replies. */
class SocketLimitsTest {

  @Test
  void framesBeyondTheRateAreRefusedAndFarBeyondClose() {
    AtomicLong now = new AtomicLong(10_000);
    FrameRate rate = new FrameRate(3, 6, now::get);
    assertEquals(List.of(FrameRate.Verdict.PASS, FrameRate.Verdict.PASS, FrameRate.Verdict.PASS, FrameRate.Verdict.REFUSE,
      FrameRate.Verdict.REFUSE, FrameRate.Verdict.CLOSE), List.of(rate.count(), rate.count(), rate.count(), rate.count(), rate.count(), rate.count()));
    now.addAndGet(1000);
    assertEquals(FrameRate.Verdict.PASS, rate.count(), "a new second");
  }

  @Test
  void originsAreTheGatewaysOwnAndTheConfiguredOnes() {
    OriginCheck check = new OriginCheck(List.of("https://shop.example/"));
    assertTrue(check.admits(null, "http", "gw:8000"), "no Origin: not a browser page");
    assertTrue(check.admits("http://gw:8000", "http", "gw:8000"));
    assertTrue(check.admits("HTTP://GW:8000", "http", "gw:8000"));
    assertTrue(check.admits("https://shop.example", "http", "gw:8000"));
    assertFalse(check.admits("https://evil.example", "http", "gw:8000"));
    assertFalse(check.admits("http://gw:8001", "http", "gw:8000"));
    assertFalse(check.admits("https://gw:8000", "http", "gw:8000"), "another scheme is another origin");
    assertFalse(check.admits("null", "http", "gw:8000"));
    assertFalse(check.admits("http://gw:8000", "http", null));
  }

  @Test
  void settingsComeFromTheConfAndBadOnesStopTheStart() {
    BridgeSettings defaults = BridgeSettings.from(null);
    assertEquals(16_384, defaults.maxFrameBytes());
    BridgeSettings given = BridgeSettings.from(new JsonObject().put("maxFrameBytes", 1024).put("framesPerSecond", 5)
      .put("closeAtFramesPerSecond", 50).put("pingTimeoutMs", 2000));
    assertEquals(new BridgeSettings(1024, 5, 50, 2000), given);
    assertThrows(IllegalArgumentException.class, () -> BridgeSettings.from(new JsonObject().put("framesPerSecond", 0)));
    assertThrows(IllegalArgumentException.class, () -> BridgeSettings.from(new JsonObject().put("framesPerSecond", 10).put("closeAtFramesPerSecond", 10)));
    assertThrows(IllegalArgumentException.class, () -> BridgeSettings.from(new JsonObject().put("maxFrameBytes", "big")));
    assertThrows(IllegalArgumentException.class, () -> BridgeSettings.from(new JsonObject().put("pingTimeoutMs", 10)));
  }

  @Test
  void aChatFrameIsOneJsonObjectWithACommand() {
    assertEquals("status", ChatReplies.command("{\"command\":\"status\"}", 100));
    for (String bad : List.of("status", "", "[1]", "{\"command\":5}", "{\"cmd\":\"x\"}", "{\"command\":null}", "{")) {
      ServiceException e = assertThrows(ServiceException.class, () -> ChatReplies.command(bad, 100), bad);
      assertEquals(400, e.code().httpStatus(), bad);
    }
    assertEquals(413, assertThrows(ServiceException.class,
      () -> ChatReplies.command("{\"command\":\"" + "é".repeat(60) + "\"}", 100)).code().httpStatus(), "bytes, not characters");
  }

  @Test
  void repliesAlwaysHaveOkTextAndOnFailureTheContractsError() {
    JsonObject answer = new JsonObject().put("ok", true).put("text", "fine").put("data", new JsonObject());
    assertEquals(answer, ChatReplies.of(new UpstreamReply(200, answer.toBuffer(), "application/json", "i")));
    JsonObject refused = ChatReplies.of(new UpstreamReply(403, new ServiceException(io.micronet.shared.messaging.ErrorCode.FORBIDDEN, "no")
      .toJson().toBuffer(), "application/json", "i"));
    assertEquals(false, refused.getBoolean("ok"));
    assertEquals("no", refused.getString("text"));
    assertEquals("FORBIDDEN", refused.getJsonObject("error").getString("code"));
    JsonObject junk = ChatReplies.of(new UpstreamReply(200, Buffer.buffer("<html>"), "text/html", "i"));
    assertEquals("BAD_GATEWAY", junk.getJsonObject("error").getString("code"));
    JsonObject crash = ChatReplies.failure(new IllegalStateException("internal detail"));
    assertEquals("INTERNAL_ERROR", crash.getJsonObject("error").getString("code"));
    assertFalse(crash.encode().contains("internal detail"));
    assertTrue(ChatReplies.unauthorized(ChatReplies.failure(new ServiceException(io.micronet.shared.messaging.ErrorCode.UNAUTHORIZED, "expired"))));
  }
}
