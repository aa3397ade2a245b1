package io.micronet.gateway;

import io.micronet.shared.config.MicronetConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.micronet.gateway.AllInOne.assertError;
import static io.micronet.gateway.AllInOne.assertJsonType;
import static io.micronet.gateway.AllInOne.assertRequestId;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The all-in-one (products + gateway in one Vert.x with metrics, embedded storage) through real HTTP,
 * checking what a user of the REST contract sees: statuses, headers and the exact JSON.
 */
@ExtendWith(VertxExtension.class)
class GatewayAllInOneTest {

  private static final int BODY_LIMIT = 4096;
  private static final Pattern ISO_UTC = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
  private static final AtomicInteger SEQ = new AtomicInteger();

  @TempDir
  static Path dataDir;

  private static AllInOne app;

  @BeforeAll
  static void start() {
    app = AllInOne.start(dataDir, new JsonObject().put("http", new JsonObject().put("bodyLimitBytes", BODY_LIMIT)));
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  // ---- CRUD -------------------------------------------------------------------------------------

  @Test
  void createAnswers201WithEveryField() {
    Instant before = Instant.now().minusSeconds(1);
    String name = unique("Espresso Cup");
    HttpResponse<Buffer> response = app.call(POST, "/api/products").bearer(app.managerToken())
      .json(new JsonObject().put("name", name).put("description", "white porcelain, 90 ml")
        .put("category", "kitchen").put("price", 12.5).put("stock", 40))
      .send();
    Instant after = Instant.now().plusSeconds(1);

    assertEquals(201, response.statusCode(), response.bodyAsString());
    assertJsonType(response);
    assertRequestId(response);
    JsonObject product = response.bodyAsJsonObject();
    assertEquals(Set.of("id", "name", "description", "category", "price", "stock", "createdAt", "updatedAt"),
      product.fieldNames());
    assertTrue(product.getValue("id") instanceof String, "id is a string");
    UUID.fromString(product.getString("id"));
    assertEquals(name, product.getString("name"));
    assertEquals("white porcelain, 90 ml", product.getString("description"));
    assertEquals("kitchen", product.getString("category"));
    assertPrice("12.50", product);
    assertEquals(40, product.getValue("stock"));
    Instant created = assertIsoUtc(product.getString("createdAt"));
    assertEquals(product.getString("createdAt"), product.getString("updatedAt"), "a new product was never updated");
    assertFalse(created.isBefore(before) || created.isAfter(after), "createdAt " + created + " is not now");
  }

  @Test
  void theInstanceListIsAContractPage() {
    HttpResponse<Buffer> all = app.call(GET, "/api/services").bearer(app.managerToken()).send();
    assertEquals(200, all.statusCode(), all.bodyAsString());
    JsonObject page = all.bodyAsJsonObject();
    assertEquals(Set.of("items", "page", "size", "total"), page.fieldNames());
    long total = page.getLong("total");
    assertTrue(total >= 3, "users, products and orders at least: " + page);
    Map<String, String> scopes = new HashMap<>();
    page.getJsonArray("items").stream().map(JsonObject.class::cast).forEach(item -> scopes.put(item.getString("service"), item.getString("scope")));
    assertEquals("cluster", scopes.get("products"), "products is placed across the nodes: " + page);

    JsonObject second = app.call(GET, "/api/services?page=1&size=1").bearer(app.managerToken()).send().bodyAsJsonObject();
    assertEquals(1, second.getJsonArray("items").size());
    assertEquals(page.getJsonArray("items").getValue(1), second.getJsonArray("items").getValue(0), "the same order, paged");
    assertEquals(total, second.getLong("total"));
    assertError(app.call(GET, "/api/services?size=0").bearer(app.managerToken()).send(), 422, "VALIDATION_FAILED");
    assertError(app.call(GET, "/api/services").bearer(app.clientToken()).send(), 403, "FORBIDDEN");
  }

  @Test
  void aManagersAnswerNamesTheInstanceThatServedItAndNoOneElsesDoes() {
    Set<String> productInstances = app.call(GET, "/api/services?size=100").bearer(app.managerToken()).send().bodyAsJsonObject()
      .getJsonArray("items").stream().map(JsonObject.class::cast).filter(item -> "products".equals(item.getString("service")))
      .map(item -> item.getString("id")).collect(Collectors.toSet());
    HttpResponse<Buffer> manager = app.call(GET, "/api/products?size=1").bearer(app.managerToken()).send();
    assertEquals(200, manager.statusCode(), manager.bodyAsString());
    assertTrue(productInstances.contains(manager.getHeader("X-MicroNet-Instance")),
      manager.getHeader("X-MicroNet-Instance") + " is one of " + productInstances);

    HttpResponse<Buffer> client = app.call(GET, "/api/products?size=1").bearer(app.clientToken()).send();
    HttpResponse<Buffer> anonymous = app.call(GET, "/api/products?size=1").send();
    assertEquals(200, client.statusCode(), client.bodyAsString());
    assertEquals(200, anonymous.statusCode(), anonymous.bodyAsString());
    assertNull(client.getHeader("X-MicroNet-Instance"), "a client learns nothing of the topology");
    assertNull(anonymous.getHeader("X-MicroNet-Instance"), "nor does an anonymous caller");
  }

  @Test
  void aRepeatedIdempotencyKeyGivesTheFirstAnswerAndNoSecondWrite() {
    String key = "key-" + UUID.randomUUID();
    JsonObject body = new JsonObject().put("name", unique("Keyed Jar")).put("category", "kitchen").put("price", 4).put("stock", 9);
    HttpResponse<Buffer> first = app.call(POST, "/api/products").bearer(app.managerToken()).header("Idempotency-Key", key)
      .json(body).send();
    HttpResponse<Buffer> again = app.call(POST, "/api/products").bearer(app.managerToken()).header("Idempotency-Key", key)
      .json(body).send();
    assertEquals(201, first.statusCode(), first.bodyAsString());
    assertEquals(201, again.statusCode(), again.bodyAsString());
    assertEquals(first.bodyAsJsonObject(), again.bodyAsJsonObject(), "the same product, not a second one");

    String id = first.bodyAsJsonObject().getString("id");
    JsonObject take = new JsonObject().put("delta", -2);
    String stockKey = "stock-" + UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> taken = app.call(POST, "/api/products/" + id + "/stock").bearer(app.managerToken())
        .header("Idempotency-Key", stockKey).json(take).send();
      assertEquals(200, taken.statusCode(), taken.bodyAsString());
      assertEquals(7, taken.bodyAsJsonObject().getInteger("stock"));
    }
    assertEquals(7, get(id).getInteger("stock"), "the keyed adjustment was applied once");

    HttpResponse<Buffer> different = app.call(POST, "/api/products/" + id + "/stock").bearer(app.managerToken())
      .header("Idempotency-Key", stockKey).json(new JsonObject().put("delta", -3)).send();
    assertEquals(409, different.statusCode(), different.bodyAsString());
    assertEquals("CONFLICT", different.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals(7, get(id).getInteger("stock"));
  }

  @Test
  void createTrimsAndDefaultsOptionalFields() {
    String name = unique("Tea Towel");
    JsonObject product = create(new JsonObject().put("name", "  " + name + "  ").put("category", "kitchen").put("price", 3));
    assertEquals(name, product.getString("name"));
    assertEquals("", product.getString("description"));
    assertEquals(0, product.getInteger("stock"));
    assertPrice("3", product);
  }

  @Test
  void pricesKeepExactlyTheirTwoDecimals() {
    for (String price : List.of("0.1", "0.29", "19.99", "1000.01", "1234567.91", "0", "9999999.99")) {
      JsonObject product = create(new JsonObject().put("name", unique("Price " + price)).put("category", "prices")
        .put("price", new BigDecimal(price)));
      assertPrice(price, product);
      JsonObject read = get(product.getString("id"));
      assertPrice(price, read);
    }
  }

  @Test
  void getReturnsTheStoredProduct() {
    JsonObject created = create(sample("Milk Jug"));
    HttpResponse<Buffer> response = app.call(GET, "/api/products/" + created.getString("id")).send();
    assertEquals(200, response.statusCode());
    assertJsonType(response);
    assertEquals(created, response.bodyAsJsonObject());
  }

  @Test
  void putChangesOnlyTheGivenFields() {
    JsonObject created = create(sample("Bread Knife"));
    String id = created.getString("id");
    AllInOne.sleep(5); // so that updatedAt can differ from createdAt at millisecond resolution

    HttpResponse<Buffer> response = app.call(PUT, "/api/products/" + id).bearer(app.managerToken())
      .json(new JsonObject().put("price", 24.5).put("description", "serrated, 21 cm")).send();

    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject updated = response.bodyAsJsonObject();
    assertEquals(id, updated.getString("id"));
    assertEquals(created.getString("name"), updated.getString("name"));
    assertEquals(created.getString("category"), updated.getString("category"));
    assertEquals(created.getInteger("stock"), updated.getInteger("stock"));
    assertEquals("serrated, 21 cm", updated.getString("description"));
    assertPrice("24.50", updated);
    assertEquals(created.getString("createdAt"), updated.getString("createdAt"));
    assertTrue(assertIsoUtc(updated.getString("updatedAt")).isAfter(assertIsoUtc(created.getString("createdAt"))),
      "updatedAt moves on an update");
    assertEquals(updated, get(id), "a read returns what the update answered");

    // a rename to the same name in another case is the same product, not a duplicate
    HttpResponse<Buffer> renamed = app.call(PUT, "/api/products/" + id).bearer(app.managerToken())
      .json(new JsonObject().put("name", created.getString("name").toUpperCase())).send();
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    assertEquals(created.getString("name").toUpperCase(), renamed.bodyAsJsonObject().getString("name"));
  }

  @Test
  void duplicateNamesConflictWhateverTheCase() {
    JsonObject first = create(sample("Salad Bowl"));
    HttpResponse<Buffer> again = app.call(POST, "/api/products").bearer(app.managerToken())
      .json(sample("x").put("name", " " + first.getString("name").toLowerCase() + " ")).send();
    assertError(again, 409, "CONFLICT");

    JsonObject second = create(sample("Soup Bowl"));
    HttpResponse<Buffer> rename = app.call(PUT, "/api/products/" + second.getString("id")).bearer(app.managerToken())
      .json(new JsonObject().put("name", first.getString("name").toUpperCase())).send();
    assertError(rename, 409, "CONFLICT");
    assertEquals(second, get(second.getString("id")), "a refused rename changes nothing");
  }

  @Test
  void listFiltersSortsAndPages() {
    String tag = Integer.toString(SEQ.incrementAndGet()) + "-" + UUID.randomUUID().toString().substring(0, 6);
    String category = "list-" + tag;
    String a = create(product("Apple Juice " + tag, "fresh pressed", category, "3.50", 10)).getString("id");
    String b = create(product("banana bread " + tag, "homemade loaf", category, "7.25", 0)).getString("id");
    String c = create(product("Cherry Pie " + tag, "with APPLE slices", category, "15.00", 7)).getString("id");
    String d = create(product("dates " + tag, "medjool", category, "12.00", 3)).getString("id");
    String e = create(product("Elderflower Cordial " + tag, "", category, "0.99", 25)).getString("id");
    String base = "/api/products?category=" + category;

    JsonObject all = list(base);
    assertEquals(List.of(a, b, c, d, e), ids(all), "default order is by name, ignoring case");
    assertEquals(0, all.getInteger("page"));
    assertEquals(20, all.getInteger("size"));
    assertEquals(5L, all.getLong("total"));
    assertEquals(Set.of("items", "page", "size", "total"), all.fieldNames());

    assertEquals(List.of(a, b, c, d, e), ids(list(base + "&sort=name")));
    assertEquals(List.of(e, d, c, b, a), ids(list(base + "&sort=-name")));
    assertEquals(List.of(e, a, b, d, c), ids(list(base + "&sort=price")));
    assertEquals(List.of(c, d, b, a, e), ids(list(base + "&sort=-price")));
    assertEquals(List.of(b, d, c, a, e), ids(list(base + "&sort=stock")));
    assertEquals(List.of(e, a, c, d, b), ids(list(base + "&sort=-stock")));

    JsonObject apple = list(base + "&q=aPPle");
    assertEquals(List.of(a, c), ids(apple), "q matches name or description, ignoring case");
    assertEquals(2L, apple.getLong("total"));
    assertEquals(List.of(a, b, d), ids(list(base + "&minPrice=3.5&maxPrice=12")), "price bounds are inclusive");
    assertEquals(List.of(b, c, d), ids(list(base + "&minPrice=7.25")));
    assertEquals(List.of(e), ids(list(base + "&maxPrice=0.99")));
    assertEquals(List.of(a, c, d, e), ids(list(base + "&inStock=true")));
    assertEquals(List.of(b), ids(list(base + "&inStock=false")));
    assertEquals(List.of(d, a), ids(list(base + "&inStock=true&maxPrice=12&minPrice=1&sort=-price")));
    assertEquals(List.of(), ids(list(base + "&q=" + "no-such-thing-" + tag)));
    assertEquals(0L, list("/api/products?category=none-" + tag).getLong("total"));
    // LIKE wildcards in q are plain characters
    assertEquals(0L, list(base + "&q=%25").getLong("total"));
    assertEquals(0L, list(base + "&q=_").getLong("total"));

    JsonObject page0 = list(base + "&size=2&page=0");
    JsonObject page1 = list(base + "&size=2&page=1");
    JsonObject page2 = list(base + "&size=2&page=2");
    JsonObject page3 = list(base + "&size=2&page=3");
    assertEquals(List.of(a, b), ids(page0));
    assertEquals(List.of(c, d), ids(page1));
    assertEquals(List.of(e), ids(page2));
    assertEquals(List.of(), ids(page3));
    for (JsonObject page : List.of(page0, page1, page2, page3)) {
      assertEquals(5L, page.getLong("total"));
      assertEquals(2, page.getInteger("size"));
    }
    assertEquals(2, page2.getInteger("page"));
    assertEquals(List.of(c, d), ids(list(base + "&size=2&page=1&sort=-stock")));
    assertEquals(100, list(base + "&size=100").getInteger("size"), "100 is the largest page");

    // every item has the full product shape
    JsonObject first = all.getJsonArray("items").getJsonObject(0);
    assertEquals(get(a), first);
  }

  @Test
  void stockGoesUpAndDownButNeverBelowZero() {
    JsonObject created = create(sample("Candle").put("stock", 5));
    String id = created.getString("id");

    JsonObject up = stock(id, 5);
    assertEquals(10, up.getInteger("stock"));
    assertEquals(id, up.getString("id"));
    assertEquals(created.getString("name"), up.getString("name"));
    assertEquals(7, stock(id, -3).getInteger("stock"));

    HttpResponse<Buffer> tooMuch = app.call(POST, "/api/products/" + id + "/stock").bearer(app.managerToken())
      .json(new JsonObject().put("delta", -8)).send();
    assertError(tooMuch, 409, "CONFLICT");
    assertEquals(7, get(id).getInteger("stock"), "a refused change leaves the stock as it was");

    assertEquals(0, stock(id, -7).getInteger("stock"));
    assertError(app.call(POST, "/api/products/" + id + "/stock").bearer(app.managerToken())
      .json(new JsonObject().put("delta", -1)).send(), 409, "CONFLICT");
    assertEquals(0, get(id).getInteger("stock"));
    assertEquals(1, stock(id, 1).getInteger("stock"));
  }

  @Test
  void deleteAnswers204ThenTheProductIsGone() {
    String id = create(sample("Ladle")).getString("id");
    HttpResponse<Buffer> deleted = app.call(DELETE, "/api/products/" + id).bearer(app.managerToken()).send();
    assertEquals(204, deleted.statusCode());
    assertTrue(deleted.body() == null || deleted.body().length() == 0, "204 has no body");
    assertRequestId(deleted);

    assertError(app.call(GET, "/api/products/" + id).send(), 404, "NOT_FOUND");
    assertError(app.call(DELETE, "/api/products/" + id).bearer(app.managerToken()).send(), 404, "NOT_FOUND");
    assertError(app.call(PUT, "/api/products/" + id).bearer(app.managerToken())
      .json(new JsonObject().put("price", 1)).send(), 404, "NOT_FOUND");
    assertError(app.call(POST, "/api/products/" + id + "/stock").bearer(app.managerToken())
      .json(new JsonObject().put("delta", 1)).send(), 404, "NOT_FOUND");
  }

  // ---- security ---------------------------------------------------------------------------------

  @Test
  void writesWithoutATokenAre401WithAChallenge() {
    JsonObject product = create(sample("Whisk"));
    String id = product.getString("id");
    for (AllInOne.Call call : writes(id)) {
      HttpResponse<Buffer> response = call.send();
      assertError(response, 401, "UNAUTHORIZED");
      assertChallenge(response);
    }
    assertEquals(product, get(id), "nothing changed");
  }

  @Test
  void writesWithAClientTokenAre403() {
    JsonObject product = create(sample("Grater"));
    String id = product.getString("id");
    for (AllInOne.Call call : writes(id)) {
      assertError(call.bearer(app.clientToken()).send(), 403, "FORBIDDEN");
    }
    assertEquals(product, get(id), "nothing changed");
  }

  @Test
  void badTokensAre401() {
    long total = list("/api/products").getLong("total");
    Map<String, String> tokens = Map.of(
      "forged signature", app.forgedToken(),
      "expired", app.expiredToken(),
      "alg none", app.noneToken(),
      "garbage", "garbage",
      "three garbage parts", "abc.def.ghi",
      "empty after Bearer", "");
    tokens.forEach((what, token) -> {
      HttpResponse<Buffer> response = app.call(POST, "/api/products").bearer(token).json(sample("Bad " + what)).send();
      assertEquals(401, response.statusCode(), what + ": " + response.bodyAsString());
      assertError(response, 401, "UNAUTHORIZED");
      assertChallenge(response);
    });
    HttpResponse<Buffer> basic = app.call(POST, "/api/products").header("Authorization", "Basic bWFuYWdlcjpzZWNyZXQ=")
      .json(sample("Basic")).send();
    assertError(basic, 401, "UNAUTHORIZED");
    assertChallenge(basic);
    assertEquals(total, list("/api/products").getLong("total"), "no product was created");
  }

  @Test
  void aHandMadeTokenWithOurKeyIsAcceptedSoTheBadOnesFailForTheirFlaw() {
    // an empty body gets past the access check only with a valid manager token: then it is invalid (422)
    HttpResponse<Buffer> response = app.call(POST, "/api/products").bearer(app.handMadeValidToken())
      .json(new JsonObject()).send();
    assertError(response, 422, "VALIDATION_FAILED");
  }

  @Test
  void theCatalogIsReadableAnonymously() {
    String id = create(sample("Colander")).getString("id");
    HttpResponse<Buffer> list = app.call(GET, "/api/products").send();
    assertEquals(200, list.statusCode());
    assertJsonType(list);
    assertTrue(list.bodyAsJsonObject().getLong("total") >= 1);
    HttpResponse<Buffer> one = app.call(GET, "/api/products/" + id).send();
    assertEquals(200, one.statusCode());
    assertEquals(id, one.bodyAsJsonObject().getString("id"));
    assertEquals(200, app.call(GET, "/api/products/" + id).bearer(app.clientToken()).send().statusCode());
  }

  // ---- X-Request-Id -----------------------------------------------------------------------------

  @Test
  void aSaneRequestIdIsEchoed() {
    for (String id : List.of("abc-123", "A.b_c:d-9", "x".repeat(128), UUID.randomUUID().toString())) {
      HttpResponse<Buffer> response = app.call(GET, "/health").header("X-Request-Id", id).send();
      assertEquals(id, response.getHeader("X-Request-Id"));
    }
  }

  @Test
  void aMissingRequestIdIsGenerated() {
    String first = assertRequestId(app.call(GET, "/health").send());
    String second = assertRequestId(app.call(GET, "/api/products").send());
    assertTrue(AllInOne.UUID_TEXT.matcher(first).matches(), first);
    assertTrue(AllInOne.UUID_TEXT.matcher(second).matches(), second);
    assertNotEquals(first, second, "each request gets its own id");
  }

  @Test
  void anInsaneRequestIdIsReplaced() {
    for (String insane : List.of("x".repeat(500), "has spaces in it", "semi;colon", "<script>", "\u00e9t\u00e9", "x".repeat(129))) {
      HttpResponse<Buffer> response = app.call(GET, "/health").header("X-Request-Id", insane).send();
      assertEquals(200, response.statusCode());
      String id = assertRequestId(response);
      assertNotEquals(insane, id);
      assertTrue(AllInOne.UUID_TEXT.matcher(id).matches(), "replaced by a generated id, got " + id);
    }
  }

  @Test
  void aRequestIdFoldedOverTwoLinesIsReplaced() throws IOException {
    String response = raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: first-line\r\n second-line\r\n"
      + "Connection: close\r\n\r\n");
    String id = header(response, "X-Request-Id");
    assertNotNull(id, response);
    assertFalse(id.contains("line"), "the folded id must not be echoed: " + id);
    assertTrue(AllInOne.UUID_TEXT.matcher(id).matches() || response.startsWith("HTTP/1.1 400"), response);
  }

  @Test
  void errorResponsesCarryTheRequestIdToo() {
    String id = "err-" + UUID.randomUUID();
    HttpResponse<Buffer> notFound = app.call(GET, "/api/products/nope").header("X-Request-Id", id).send();
    assertError(notFound, 404, "NOT_FOUND");
    assertEquals(id, notFound.getHeader("X-Request-Id"), "404");
    HttpResponse<Buffer> unauthorized = app.call(POST, "/api/products").header("X-Request-Id", id).json(sample("x")).send();
    assertError(unauthorized, 401, "UNAUTHORIZED");
    assertEquals(id, unauthorized.getHeader("X-Request-Id"), "401");
    HttpResponse<Buffer> tooLarge = app.call(POST, "/api/products").bearer(app.managerToken()).header("X-Request-Id", id)
      .json(sample("Big").put("description", "x".repeat(BODY_LIMIT))).send();
    assertError(tooLarge, 413, "PAYLOAD_TOO_LARGE");
    assertEquals(id, tooLarge.getHeader("X-Request-Id"), "413");
    HttpResponse<Buffer> unknownRoute = app.call(GET, "/no/such/page").header("X-Request-Id", id).send();
    assertError(unknownRoute, 404, "NOT_FOUND");
    assertEquals(id, unknownRoute.getHeader("X-Request-Id"));
    // 503: see productsGoingAwayIs503AndComingBackIs200
  }

  // ---- errors -----------------------------------------------------------------------------------

  @Test
  void unknownRoutesAre404Json() {
    assertError(app.call(GET, "/api/nothing-here").send(), 404, "NOT_FOUND");
    assertError(app.call(GET, "/api/products/a/b/c").send(), 404, "NOT_FOUND");
    assertError(app.call(GET, "/definitely-not-a-page.html").send(), 404, "NOT_FOUND");
    assertError(app.call(POST, "/api/nothing-here").bearer(app.managerToken()).json(new JsonObject()).send(), 404, "NOT_FOUND");
  }

  @Test
  void anUnsupportedMethodOnAKnownPathIs405NamingTheAllowedOnes() {
    String id = create(sample("Funnel")).getString("id");
    HttpResponse<Buffer> patch = app.call(HttpMethod.PATCH, "/api/products/" + id).bearer(app.managerToken())
      .json(new JsonObject().put("price", 1)).send();
    assertError(patch, 405, "METHOD_NOT_ALLOWED");
    assertEquals("GET, PUT, DELETE", patch.getHeader("Allow"));
    HttpResponse<Buffer> deleteAll = app.call(DELETE, "/api/products").bearer(app.managerToken()).send();
    assertError(deleteAll, 405, "METHOD_NOT_ALLOWED");
    assertEquals("GET, POST", deleteAll.getHeader("Allow"));
    assertError(app.call(GET, "/api/products/" + id + "/stock").send(), 405, "METHOD_NOT_ALLOWED");
    assertEquals(1L, list("/api/products?q=" + "Funnel").getLong("total"), "nothing was deleted");
  }

  @Test
  void aBodyOverTheLimitIs413() {
    long total = list("/api/products").getLong("total");
    JsonObject big = sample("Huge").put("description", "y".repeat(BODY_LIMIT + 10));
    assertError(app.call(POST, "/api/products").bearer(app.managerToken()).json(big).send(), 413, "PAYLOAD_TOO_LARGE");
    String id = create(sample("Small")).getString("id");
    assertError(app.call(PUT, "/api/products/" + id).bearer(app.managerToken()).json(big).send(), 413, "PAYLOAD_TOO_LARGE");
    // also without a Content-Length: a chunked upload is cut off at the limit
    String chunk = "{\"description\":\"" + "z".repeat(BODY_LIMIT * 2) + "\"}";
    String response;
    try {
      response = raw("POST /api/products HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + app.managerToken()
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertTrue(response.startsWith("HTTP/1.1 413"), response);
    assertTrue(response.contains("PAYLOAD_TOO_LARGE"), response);
    assertNotNull(header(response, "X-Request-Id"), response);
    assertEquals(total + 1, list("/api/products").getLong("total"), "only the small product was created");
  }

  @Test
  void productsGoingAwayIs503AndComingBackIs200() {
    JsonObject before = create(sample("Teapot"));
    String id = before.getString("id");
    app.undeployProducts();
    try {
      String requestId = "outage-" + UUID.randomUUID();
      // the gateway hears of the instance going away through discovery: wait for that, bounded
      HttpResponse<Buffer> down = AllInOne.poll(
        () -> app.call(GET, "/api/products").header("X-Request-Id", requestId).send(), r -> r.statusCode() != 200);
      assertError(down, 503, "SERVICE_UNAVAILABLE");
      assertEquals(requestId, down.getHeader("X-Request-Id"));
      assertError(app.call(GET, "/api/products/" + id).send(), 503, "SERVICE_UNAVAILABLE");
      assertError(app.call(POST, "/api/products").bearer(app.managerToken()).json(sample("During outage")).send(),
        503, "SERVICE_UNAVAILABLE");
      // access is still checked first
      assertError(app.call(POST, "/api/products").json(sample("During outage")).send(), 401, "UNAUTHORIZED");

      HttpResponse<Buffer> status = app.call(GET, "/status").send();
      assertEquals(200, status.statusCode());
      JsonObject products = status.bodyAsJsonObject().getJsonObject("services").getJsonObject("products");
      assertEquals("DOWN", products.getString("status"));
      assertEquals(0, products.getInteger("instances"));
      assertEquals("DEGRADED", status.bodyAsJsonObject().getString("status"), "the platform is not all up");
      assertEquals(new JsonObject().put("status", "UP"), app.call(GET, "/health").send().bodyAsJsonObject());
    } finally {
      app.deployProducts();
    }
    app.awaitProducts("UP", 1);
    HttpResponse<Buffer> back = AllInOne.poll(() -> app.call(GET, "/api/products/" + id).send(), r -> r.statusCode() == 200);
    assertEquals(before, back.bodyAsJsonObject(), "the data survived the restart of the service");
    assertEquals(200, app.call(GET, "/api/products").send().statusCode());
  }

  @Test
  void theSixthImmediateRequestIsRateLimited(@TempDir Path otherDataDir) {
    // a gateway of its own (own Vert.x, own port) with a small bucket; the rate limit comes before routing
    Vertx vertx = Vertx.vertx();
    WebClient client = WebClient.create(vertx, new WebClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(20));
    try {
      int port = AllInOne.freePort();
      JsonObject config = MicronetConfig.load(new JsonObject()
        .put("node", new JsonObject().put("verticles", new JsonArray().add("gateway")).put("shutdownGraceSeconds", 2))
        .put("http", new JsonObject().put("host", AllInOne.HOST).put("port", port))
        .put("storage", new JsonObject().put("dataDir", otherDataDir.toString()))
        .put("security", new JsonObject().put("jwtSecret", AllInOne.randomSecret()))
        .put("gateway", new JsonObject().put("rateLimit", new JsonObject().put("requestsPerSecond", 5).put("burst", 5))),
        Map.of()).json();
      AllInOne.await(vertx.deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(config)));

      // ten at once: the bucket holds five, and refills one every 200 ms, far slower than they all arrive
      List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        burst.add(client.get(port, AllInOne.HOST, "/health").timeout(AllInOne.HANG_GUARD_MS).send());
      }
      AllInOne.await(Future.join(burst));
      List<HttpResponse<Buffer>> responses = burst.stream().map(Future::result).toList();
      long ok = responses.stream().filter(r -> r.statusCode() == 200).count();
      List<HttpResponse<Buffer>> limited = responses.stream().filter(r -> r.statusCode() == 429).toList();
      assertEquals(10, ok + limited.size(), "only 200 or 429");
      assertTrue(ok >= 5, "the burst of five passes, got " + ok);
      assertFalse(limited.isEmpty(), "requests beyond the burst are refused");
      for (HttpResponse<Buffer> response : limited) {
        assertError(response, 429, "RATE_LIMITED");
        String retryAfter = response.getHeader("Retry-After");
        assertNotNull(retryAfter, "Retry-After");
        assertTrue(Long.parseLong(retryAfter) >= 1, "Retry-After " + retryAfter);
      }

      // sequentially, once the bucket is empty again: the request after the fifth is refused
      AllInOne.sleep(1_100);
      int okInARow = 0;
      HttpResponse<Buffer> refused = null;
      for (int i = 0; i < 30 && refused == null; i++) {
        HttpResponse<Buffer> response = AllInOne.await(client.get(port, AllInOne.HOST, "/api/products").send());
        if (response.statusCode() == 429) {
          refused = response;
        } else {
          okInARow++;
        }
      }
      assertNotNull(refused, "never limited");
      assertTrue(okInARow >= 5, "at least the burst passes before the first refusal, got " + okInARow);
      assertError(refused, 429, "RATE_LIMITED");
    } finally {
      client.close();
      AllInOne.await(vertx.close());
    }
  }

  // ---- health, status, metrics ------------------------------------------------------------------

  @Test
  void healthIsUp() {
    HttpResponse<Buffer> response = app.call(GET, "/health").send();
    assertEquals(200, response.statusCode());
    assertJsonType(response);
    assertEquals(new JsonObject().put("status", "UP"), response.bodyAsJsonObject());
  }

  @Test
  void statusShowsProductsUpWithOneInstance() {
    app.awaitProducts("UP", 1);
    HttpResponse<Buffer> response = app.call(GET, "/status").send();
    assertEquals(200, response.statusCode());
    assertJsonType(response);
    JsonObject products = response.bodyAsJsonObject().getJsonObject("services").getJsonObject("products");
    assertEquals("UP", products.getString("status"));
    assertEquals(1, products.getInteger("instances"));
    // every service this hand-assembled node runs is UP (it runs no node agent, service "node": NodeOperationsAllInOneTest has one)
    JsonObject services = response.bodyAsJsonObject().getJsonObject("services");
    for (String service : List.of("users", "products", "orders")) {
      assertEquals("UP", services.getJsonObject(service).getString("status"), services.encode());
    }
  }

  @Test
  void statusNamesTheClusterNodesOnlyToAManager() {
    JsonObject forManager = app.call(GET, "/status").bearer(app.managerToken()).send().bodyAsJsonObject().getJsonObject("cluster");
    assertFalse(forManager.getBoolean("partitioned"), forManager.encode());
    JsonArray members = forManager.getJsonArray("members");
    assertEquals(1, members.size(), forManager.encode());
    assertTrue(members.getJsonObject(0).containsKey("id"), forManager.encode());
    assertEquals(new JsonArray(), forManager.getJsonArray("lost"));
    // anyone else (no token, a client's, a forged one: as anonymous, no 401 on an open endpoint) learns counts only
    for (String token : new String[] {null, app.clientToken(), app.forgedToken()}) {
      AllInOne.Call call = app.call(GET, "/status");
      HttpResponse<Buffer> response = (token == null ? call : call.bearer(token)).send();
      assertEquals(200, response.statusCode(), response::bodyAsString);
      JsonObject summary = response.bodyAsJsonObject().getJsonObject("cluster");
      assertEquals(new JsonObject().put("partitioned", false).putNull("since").put("healedAt", summary.getValue("healedAt"))
        .put("members", 1).put("lost", 0), summary);
      assertFalse(response.bodyAsString().contains(members.getJsonObject(0).getString("id")), "no node id for " + token);
    }
  }

  @Test
  void metricsArePrometheusTextWithRoutesAndBreakers() {
    app.awaitProducts("UP", 1);
    String id = create(sample("Sieve")).getString("id");
    assertEquals(200, app.call(GET, "/api/products/" + id).send().statusCode());

    HttpResponse<Buffer> response = app.call(GET, "/metrics").send();
    assertEquals(200, response.statusCode());
    assertTrue(response.getHeader("Content-Type").startsWith("text/plain"), response.getHeader("Content-Type"));
    String text = response.bodyAsString();

    Pattern serverMetric = Pattern.compile("^vertx_http_server_[a-z_]+\\{[^}]*route=\"([^\"]*)\"[^}]*}", Pattern.MULTILINE);
    Matcher matcher = serverMetric.matcher(text);
    List<String> routes = new ArrayList<>();
    while (matcher.find()) {
      routes.add(matcher.group(1));
    }
    assertTrue(routes.stream().anyMatch(route -> List.of(route.split(">")).contains("/api/products/:id")),
      "an HTTP server metric labelled with the route /api/products/:id; routes seen: " + routes.stream().distinct().toList());
    assertFalse(routes.stream().anyMatch(route -> route.contains(id)), "routes are templates, never concrete ids");

    Pattern breaker = Pattern.compile("^micronet_breaker_state\\{[^}]*service=\"products\"[^}]*} 0\\.0$", Pattern.MULTILINE);
    assertTrue(breaker.matcher(text).find(), "micronet_breaker_state for the products instance, closed:\n"
      + text.lines().filter(l -> l.contains("micronet_breaker")).toList());
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static String unique(String name) {
    return name + " " + SEQ.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonObject sample(String name) {
    return new JsonObject().put("name", unique(name)).put("description", "test item").put("category", "test")
      .put("price", 9.99).put("stock", 3);
  }

  private static JsonObject product(String name, String description, String category, String price, int stock) {
    return new JsonObject().put("name", name).put("description", description).put("category", category)
      .put("price", new BigDecimal(price)).put("stock", stock);
  }

  private static JsonObject create(JsonObject body) {
    HttpResponse<Buffer> response = app.call(POST, "/api/products").bearer(app.managerToken()).json(body).send();
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static JsonObject get(String id) {
    HttpResponse<Buffer> response = app.call(GET, "/api/products/" + id).send();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static JsonObject list(String uri) {
    HttpResponse<Buffer> response = app.call(GET, uri).send();
    assertEquals(200, response.statusCode(), uri + " -> " + response.bodyAsString());
    assertJsonType(response);
    return response.bodyAsJsonObject();
  }

  private static JsonObject stock(String id, int delta) {
    HttpResponse<Buffer> response = app.call(POST, "/api/products/" + id + "/stock").bearer(app.managerToken())
      .json(new JsonObject().put("delta", delta)).send();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static List<String> ids(JsonObject page) {
    List<String> ids = new ArrayList<>();
    page.getJsonArray("items").forEach(item -> ids.add(((JsonObject) item).getString("id")));
    return ids;
  }

  private static List<AllInOne.Call> writes(String id) {
    return List.of(
      app.call(POST, "/api/products").json(sample("Refused")),
      app.call(PUT, "/api/products/" + id).json(new JsonObject().put("price", 1)),
      app.call(DELETE, "/api/products/" + id),
      app.call(POST, "/api/products/" + id + "/stock").json(new JsonObject().put("delta", 1)));
  }

  private static void assertChallenge(HttpResponse<Buffer> response) {
    String challenge = response.getHeader("WWW-Authenticate");
    assertNotNull(challenge, "401 without WWW-Authenticate");
    assertTrue(challenge.startsWith("Bearer"), challenge);
  }

  /** The price is a JSON number equal to {@code expected} with at most two decimals. */
  private static void assertPrice(String expected, JsonObject product) {
    Object price = product.getValue("price");
    assertTrue(price instanceof Number, "price is a JSON number: " + price);
    BigDecimal actual = new BigDecimal(price.toString());
    assertEquals(0, new BigDecimal(expected).compareTo(actual), "price " + actual + ", expected " + expected);
    assertTrue(actual.stripTrailingZeros().scale() <= 2, "at most two decimals: " + actual);
  }

  private static Instant assertIsoUtc(String text) {
    assertNotNull(text);
    assertTrue(ISO_UTC.matcher(text).matches(), "ISO-8601 UTC: " + text);
    return Instant.parse(text);
  }

  /** One request over a plain socket, exactly as written; the whole response as text. */
  private static String raw(String request) throws IOException {
    try (Socket socket = new Socket(AllInOne.HOST, app.port)) {
      socket.setSoTimeout((int) AllInOne.HANG_GUARD_MS);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before it has read everything: read what it said
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) != -1; ) {
          response.write(buffer, 0, n);
        }
      } catch (java.net.SocketException e) {
        // a reset after the response: keep what arrived
      }
      return response.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static String header(String rawResponse, String name) {
    for (String line : rawResponse.split("\r\n")) {
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
        return line.substring(colon + 1).strip();
      }
    }
    return null;
  }
}
