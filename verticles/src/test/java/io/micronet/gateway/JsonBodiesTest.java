package io.micronet.gateway;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile body costs little: a small anonymous body of deeply nested arrays holding many {@code 1e1} must not make
 * an error whose size is numbers × depth (a 1 MB register body at depth 900 would otherwise name ~260,000 paths of
 * ~2,700 characters, ~700 MB on the event loop).
 */
class JsonBodiesTest {

  @Test
  void aDeepBodyIsRefusedAtItsDepth() {
    int depth = 900;
    int numbers = 10_000;
    StringBuilder body = new StringBuilder();
    body.append("[".repeat(depth));
    for (int i = 0; i < numbers; i++) {
      body.append(i == 0 ? "" : ",").append("1e1");
    }
    body.append("]".repeat(depth));
    Buffer input = Buffer.buffer(body.toString());
    long start = System.nanoTime();
    ServiceException error = assertThrows(ServiceException.class, () -> JsonBodies.decode(input));
    int errorBytes = error.toJson().toBuffer().length();
    double ms = (System.nanoTime() - start) / 1e6;
    System.out.printf("body %d bytes -> 422 error body %d bytes (x%d) in %.0f ms on the calling thread%n",
      input.length(), errorBytes, errorBytes / input.length(), ms);
    assertTrue(errorBytes < 64 * 1024, "a " + input.length() + " byte body made a " + errorBytes + " byte error");
    assertEquals(ErrorCode.BAD_REQUEST, error.code());
  }

  @Test
  void manyBadNumbersAreNamedTenAtMost() {
    StringBuilder body = new StringBuilder("{\"items\":[");
    for (int i = 0; i < 5_000; i++) {
      body.append(i == 0 ? "" : ",").append("{\"quantity\":1e1}");
    }
    body.append("]}");
    ServiceException error = assertThrows(ServiceException.class, () -> JsonBodies.decode(Buffer.buffer(body.toString())));
    JsonObject details = (JsonObject) error.details();
    assertEquals(JsonBodies.MAX_ERRORS, details.size(), details::encode);
    assertTrue(details.containsKey("items[0].quantity"), details::encode);
  }

  /** The same key repeated under very long names: counted per bad number, each path built only up to its cut. */
  @Test
  void aRepeatedKeyUnderLongNamesIsNamedOnceAndCut() {
    String longName = "n".repeat(40_000);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      body.append("{\"").append(longName).append(i).append("\":");
    }
    body.append("{");
    for (int i = 0; i < 20_000; i++) {
      body.append(i == 0 ? "" : ",").append("\"a\":1e1");
    }
    body.append("}").append("}".repeat(10));
    long start = System.nanoTime();
    ServiceException error = assertThrows(ServiceException.class, () -> JsonBodies.decode(Buffer.buffer(body.toString())));
    System.out.printf("a %d byte body of one repeated key under long names: 422 in %.0f ms%n", body.length(),
      (System.nanoTime() - start) / 1e6);
    JsonObject details = (JsonObject) error.details();
    assertEquals(1, details.size(), details::encode);
    String path = details.fieldNames().iterator().next();
    assertTrue(path.length() <= JsonBodies.MAX_PATH + 1, "the path is cut: " + path.length() + " characters");
  }

  @Test
  void plainNumbersAtAnyAllowedDepthPass() {
    String body = "[".repeat(JsonBodies.MAX_DEPTH) + "12.5" + "]".repeat(JsonBodies.MAX_DEPTH);
    assertEquals(body, Json.encode(JsonBodies.decode(Buffer.buffer(body))));
  }
}
