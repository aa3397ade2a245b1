package io.micronet.activity;

import io.micronet.shared.events.ActivityEvent;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The activity query's checks (bad input → 422 naming the parameter; a bad kind names the kinds) and the text cleaning. */
class ActivityQueryTest {

  static ServiceRequest request(JsonObject query) {
    return new ServiceRequest("list", "r", "u", "manager", null, new JsonObject(), query, null);
  }

  @Test
  void filtersAndPaging() {
    ActivityQuery query = ActivityQuery.parse(request(new JsonObject().put("kind", "Failure").put("service", "products")
      .put("page", "2").put("size", "5")));
    assertEquals(ActivityEvent.Kind.FAILURE, query.kind());
    assertEquals("products", query.service());
    assertEquals(2, query.page());
    assertEquals(5, query.size());
    ActivityQuery none = ActivityQuery.parse(request(new JsonObject().put("kind", "").put("service", "")));
    assertNull(none.kind());
    assertNull(none.service());
    assertEquals(20, none.size());
  }

  @Test
  void badInputIsA422NamingTheParameter() {
    Map<String, JsonObject> corpus = Map.of(
      "kind", new JsonObject().put("kind", "explosion"),
      "kind ", new JsonObject().put("kind", "lifecycle,health"),
      "service", new JsonObject().put("service", "x".repeat(121)),
      "service ", new JsonObject().put("service", "a\u0000"),
      "page", new JsonObject().put("page", "-1"),
      "page ", new JsonObject().put("page", "10000").put("size", "100"),
      "size", new JsonObject().put("size", "101"),
      "size ", new JsonObject().put("size", "abc"));
    corpus.forEach((parameter, query) -> {
      ServiceException e = assertThrows(ServiceException.class, () -> ActivityQuery.parse(request(query)), query::encode);
      assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
      JsonObject details = assertInstanceOf(JsonObject.class, e.details());
      assertTrue(details.containsKey(parameter.strip()), () -> query.encode() + " → " + details.encode());
    });
    ServiceException kind = assertThrows(ServiceException.class,
      () -> ActivityQuery.parse(request(new JsonObject().put("kind", "explosion"))));
    String message = ((JsonObject) kind.details()).getString("kind");
    for (ActivityEvent.Kind each : ActivityEvent.Kind.values()) {
      assertTrue(message.contains(each.label()), message);
    }
  }

  @Test
  void storedTextHasNoControlCharactersNorHalfPairs() {
    assertEquals("plain text", ActivityStore.clean("plain text"));
    assertEquals("a b c", ActivityStore.clean("a\u0000b\nc"));
    assertEquals("smile \uD83D\uDE00 ", ActivityStore.clean("smile \uD83D\uDE00\uD83D"));
    assertEquals(" x", ActivityStore.clean("\uDE00x"));
    ActivityEvent event = ActivityStore.clean(new ActivityEvent("id-1", Instant.EPOCH, "bob\u0000", ActivityEvent.Kind.HEALTH,
      "svc\u0001", null, "n\u0002", "t\u0000"));
    assertEquals("bob ", event.actor());
    assertEquals("svc ", event.service());
    assertNull(event.instance());
    assertFalse(event.text().contains("\u0000"));
  }
}
