package io.micronet.gateway;

import io.micronet.shared.security.Caller;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import static io.micronet.gateway.AllInOne.assertError;
import static io.micronet.gateway.AllInOne.assertJsonType;
import static io.micronet.gateway.AllInOne.assertRequestId;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The orders service in the all-in-one, through real HTTP as a client and a manager use it: placing an
 * order (the contract's shape, stock taken, prices captured), all-or-nothing refusals, Idempotency-Key
 * retries (also racing), cancelling (stock back once), and who sees and cancels which orders. Each test
 * uses its own products and its own clients, so counts and stock are exact whatever else ran before.
 */
@ExtendWith(VertxExtension.class)
class OrdersAllInOneTest {

  private static final Pattern ISO_UTC = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
  /** The fields the contract names for an order, and the one more the OpenAPI document allows. */
  private static final Set<String> ORDER_FIELDS = Set.of("id", "userId", "status", "items", "total", "createdAt");
  private static final Set<String> OPTIONAL_ORDER_FIELDS = Set.of("updatedAt");
  private static final Set<String> LINE_FIELDS = Set.of("productId", "name", "quantity", "unitPrice", "lineTotal");

  @TempDir
  static Path dataDir;

  private static AllInOne app;

  @BeforeAll
  static void start() {
    // the gateway's and orders' call timeouts are hang guards here (the machine is noisy), not under test
    app = AllInOne.start(dataDir, new JsonObject().put("breaker", new JsonObject().put("callTimeoutMs", 20_000)));
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  // ---- placing ----------------------------------------------------------------------------------

  @Test
  void aClientPlacesAnOrderAndTheStockGoesDown() {
    Client alice = client("alice");
    String cup = product("Cup", "12.50", 10);
    String spoon = product("Spoon", "0.10", 5);
    Instant before = Instant.now().minusSeconds(1);

    HttpResponse<Buffer> response = place(alice, null, lines(cup, 2, spoon, 3));
    Instant after = Instant.now().plusSeconds(1);

    assertEquals(201, response.statusCode(), response.bodyAsString());
    assertJsonType(response);
    assertRequestId(response);
    JsonObject order = assertOrderShape(response.bodyAsJsonObject());
    assertTrue(AllInOne.UUID_TEXT.matcher(order.getString("id")).matches(), "id: " + order.getString("id"));
    assertEquals(alice.id(), order.getString("userId"), "the order is the caller's");
    assertEquals("PLACED", order.getString("status"));
    JsonArray items = order.getJsonArray("items");
    assertEquals(2, items.size());
    assertLine(items.getJsonObject(0), cup, "Cup", 2, "12.50", "25.00");
    assertLine(items.getJsonObject(1), spoon, "Spoon", 3, "0.10", "0.30");
    assertMoney("25.30", order.getValue("total"), "total = the sum of the lines");
    Instant created = assertIsoUtc(order.getString("createdAt"));
    assertFalse(created.isBefore(before) || created.isAfter(after), "createdAt " + created + " is not now");

    assertEquals(8, stockOf(cup));
    assertEquals(2, stockOf(spoon));

    HttpResponse<Buffer> read = app.call(GET, "/api/orders/" + order.getString("id")).bearer(alice.token()).send();
    assertEquals(200, read.statusCode(), read.bodyAsString());
    assertEquals(order, read.bodyAsJsonObject(), "a read returns what the placement answered");
  }

  @Test
  void withProductsDownAPurchaseIs503AndItsKeyCanBeRetriedAsSoonAsProductsIsBack() {
    Client max = client("max");
    String drill = product("Drill", "59.00", 4);
    app.undeployProducts();
    try {
      AllInOne.poll(() -> place(max, "drill-1", lines(drill, 1)), response -> response.statusCode() == 503);
    } finally {
      app.deployProducts();
      app.awaitProducts("UP", 1);
    }
    // nothing was held for the refused attempt, so the same key goes through at once, not after recovery
    HttpResponse<Buffer> retried = AllInOne.poll(() -> place(max, "drill-1", lines(drill, 1)), response -> response.statusCode() != 503);
    assertEquals(201, retried.statusCode(), retried.bodyAsString());
    assertEquals(3, stockOf(drill));
    assertEquals(1, list(max.token(), "").getLong("total"));
  }

  @Test
  void largeAmountsAreWrittenAsPlainDecimals() {
    Client zoe = client("zoe");
    String yacht = product("Yacht", "9999999.99", 20_000);
    HttpResponse<Buffer> placed = place(zoe, null, lines(yacht, 10_000));
    assertEquals(201, placed.statusCode(), placed.bodyAsString());
    String text = placed.bodyAsString();
    assertTrue(text.contains("\"total\":99999999900.00"), "a plain decimal with two places, never 9.9E10: " + text);
    assertTrue(text.contains("\"unitPrice\":9999999.99"), text);
  }

  @Test
  void theUnitPriceIsTheOneAtPurchaseTime() {
    Client bob = client("bob");
    String lamp = product("Lamp", "7.00", 10);
    JsonObject order = placed(bob, null, lines(lamp, 3));
    assertMoney("7.00", order.getJsonArray("items").getJsonObject(0).getValue("unitPrice"), "unit price");
    assertMoney("21.00", order.getValue("total"), "total");

    HttpResponse<Buffer> repriced = app.call(PUT, "/api/products/" + lamp).bearer(app.managerToken())
      .json(new JsonObject().put("price", new BigDecimal("9.99"))).send();
    assertEquals(200, repriced.statusCode(), repriced.bodyAsString());

    HttpResponse<Buffer> read = app.call(GET, "/api/orders/" + order.getString("id")).bearer(bob.token()).send();
    assertEquals(200, read.statusCode(), read.bodyAsString());
    assertEquals(order, read.bodyAsJsonObject(), "the stored order keeps the price it was bought at");
    JsonObject listed = list(bob.token(), "").getJsonArray("items").getJsonObject(0);
    assertEquals(order, listed, "in the list too");

    // the new price is what a new order pays: the captured price really comes from the catalog
    JsonObject later = placed(bob, null, lines(lamp, 1));
    assertMoney("9.99", later.getJsonArray("items").getJsonObject(0).getValue("unitPrice"), "unit price after the change");
    assertMoney("9.99", later.getValue("total"), "total after the change");
  }

  @Test
  void aShortLineRefusesTheWholeOrderAndMovesNoStock() {
    Client carol = client("carol");
    String first = product("Plate", "3.00", 5);
    String shortOne = product("Bowl", "4.00", 1);
    String third = product("Glass", "2.00", 5);

    HttpResponse<Buffer> refused = place(carol, null, lines(first, 2, shortOne, 3, third, 1));

    JsonObject error = assertError(refused, 409, "OUT_OF_STOCK");
    JsonArray named = error.getJsonObject("details").getJsonArray("items");
    assertEquals(1, named.size(), "only the short line is named: " + named);
    assertEquals(shortOne, named.getJsonObject(0).getString("productId"));
    assertEquals(3, named.getJsonObject(0).getInteger("requested"));
    assertEquals(1, named.getJsonObject(0).getInteger("available"));
    assertEquals(5, stockOf(first), "no stock moved on the first line");
    assertEquals(1, stockOf(shortOne), "nor on the short one");
    assertEquals(5, stockOf(third), "nor on the last");
    assertEquals(0, list(carol.token(), "").getLong("total"), "no order was recorded");
  }

  @Test
  void anUnknownProductIs422NamingItsLine() {
    Client dave = client("dave");
    String known = product("Pot", "15.00", 4);

    HttpResponse<Buffer> refused = place(dave, null, lines(known, 1, UUID.randomUUID().toString(), 1));

    JsonObject error = assertError(refused, 422, "VALIDATION_FAILED");
    JsonObject details = error.getJsonObject("details");
    assertTrue(details.containsKey("items[1].productId"), "the unknown line is named: " + details);
    assertFalse(details.containsKey("items[0].productId"), "the known one is not: " + details);
    assertEquals(4, stockOf(known));
    assertEquals(0, list(dave.token(), "").getLong("total"));
  }

  // ---- Idempotency-Key --------------------------------------------------------------------------

  @Test
  void theSameKeyAndBodyAgainAnswersTheFirstOrderAndTakesStockOnce() {
    Client erin = client("erin");
    String jar = product("Jar", "5.00", 10);
    String key = "order-" + UUID.randomUUID();

    HttpResponse<Buffer> first = place(erin, key, lines(jar, 2));
    HttpResponse<Buffer> again = place(erin, key, lines(jar, 2));

    assertEquals(201, first.statusCode(), first.bodyAsString());
    assertEquals(201, again.statusCode(), again.bodyAsString());
    assertEquals(first.bodyAsJsonObject(), again.bodyAsJsonObject(), "the same order, not a second one");
    assertEquals(8, stockOf(jar), "stock taken once");
    assertEquals(1, list(erin.token(), "").getLong("total"));
  }

  @Test
  void tenConcurrentRequestsWithOneKeyPlaceOneOrder() {
    Client frank = client("frank");
    String tin = product("Tin", "1.25", 20);
    String key = "order-" + UUID.randomUUID();
    String body = lines(tin, 2).encode();

    List<Future<HttpResponse<Buffer>>> racing = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      racing.add(app.client.request(POST, app.port, AllInOne.HOST, "/api/orders").timeout(AllInOne.HANG_GUARD_MS * 2)
        .putHeader("Authorization", "Bearer " + frank.token()).putHeader("Idempotency-Key", key)
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));
    }
    AllInOne.await(Future.join(racing).otherwiseEmpty());

    Set<String> ids = new HashSet<>();
    for (Future<HttpResponse<Buffer>> request : racing) {
      assertTrue(request.succeeded(), () -> "no answer: " + request.cause());
      HttpResponse<Buffer> response = request.result();
      assertEquals(201, response.statusCode(), response.bodyAsString());
      ids.add(assertOrderShape(response.bodyAsJsonObject()).getString("id"));
    }
    assertEquals(1, ids.size(), "every answer names the same order: " + ids);
    assertEquals(18, stockOf(tin), "stock taken once");
    JsonObject mine = list(frank.token(), "");
    assertEquals(1, mine.getLong("total"), "one order in the list");
    assertEquals(ids.iterator().next(), mine.getJsonArray("items").getJsonObject(0).getString("id"));
  }

  @Test
  void theSameKeyWithAnotherBodyIsAConflict() {
    Client gina = client("gina");
    String vase = product("Vase", "30.00", 10);
    String key = "order-" + UUID.randomUUID();

    assertEquals(201, place(gina, key, lines(vase, 1)).statusCode());
    assertError(place(gina, key, lines(vase, 4)), 409, "CONFLICT");

    assertEquals(9, stockOf(vase), "only the first order took stock");
    assertEquals(1, list(gina.token(), "").getLong("total"));
  }

  @Test
  void twoUsersWithTheSameKeyGetTwoOrders() {
    Client hank = client("hank");
    Client iris = client("iris");
    String mat = product("Mat", "8.00", 10);
    String key = "order-" + UUID.randomUUID();

    JsonObject hanks = placed(hank, key, lines(mat, 1));
    JsonObject iriss = placed(iris, key, lines(mat, 1));

    assertNotEquals(hanks.getString("id"), iriss.getString("id"));
    assertEquals(hank.id(), hanks.getString("userId"));
    assertEquals(iris.id(), iriss.getString("userId"));
    assertEquals(8, stockOf(mat), "each order took its stock");
    assertEquals(1, list(hank.token(), "").getLong("total"));
    assertEquals(1, list(iris.token(), "").getLong("total"));
  }

  // ---- cancelling -------------------------------------------------------------------------------

  @Test
  void cancellingReturnsTheStockOnce() {
    Client jack = client("jack");
    String rug = product("Rug", "45.00", 10);
    JsonObject order = placed(jack, null, lines(rug, 3));
    assertEquals(7, stockOf(rug));

    HttpResponse<Buffer> cancelled = app.call(POST, "/api/orders/" + order.getString("id") + "/cancel").bearer(jack.token()).send();
    assertEquals(200, cancelled.statusCode(), cancelled.bodyAsString());
    JsonObject body = assertOrderShape(cancelled.bodyAsJsonObject());
    assertEquals("CANCELLED", body.getString("status"));
    assertEquals(order.getString("id"), body.getString("id"));
    assertEquals(order.getJsonArray("items"), body.getJsonArray("items"));
    assertEquals(10, stockOf(rug), "the stock is back");

    assertError(app.call(POST, "/api/orders/" + order.getString("id") + "/cancel").bearer(jack.token()).send(), 409, "CONFLICT");
    assertEquals(10, stockOf(rug), "not returned twice");
    HttpResponse<Buffer> read = app.call(GET, "/api/orders/" + order.getString("id")).bearer(jack.token()).send();
    assertEquals("CANCELLED", read.bodyAsJsonObject().getString("status"));
  }

  @Test
  void aKeyedCancelRetriedGetsItsFirstAnswerAndReturnsTheStockOnce() {
    Client lena = client("lena");
    String vase = product("Vase", "12.00", 5);
    String id = placed(lena, null, lines(vase, 2)).getString("id");
    assertEquals(3, stockOf(vase));

    HttpResponse<Buffer> first = app.call(POST, "/api/orders/" + id + "/cancel").bearer(lena.token())
      .header("Idempotency-Key", "cancel-" + id).send();
    HttpResponse<Buffer> retried = app.call(POST, "/api/orders/" + id + "/cancel").bearer(lena.token())
      .header("Idempotency-Key", "cancel-" + id).send();

    assertEquals(200, first.statusCode(), first.bodyAsString());
    assertEquals(200, retried.statusCode(), "a retry (e.g. after a timeout) is not told its cancel failed: " + retried.bodyAsString());
    assertEquals(first.bodyAsJsonObject(), retried.bodyAsJsonObject());
    assertEquals("CANCELLED", retried.bodyAsJsonObject().getString("status"));
    assertEquals(5, stockOf(vase), "the stock came back once");
  }

  // ---- who sees what ----------------------------------------------------------------------------

  @Test
  void listingShowsAClientItsOwnOrdersAndAManagerAnyonesWithFiltersAndPages() {
    Client kate = client("kate");
    Client liam = client("liam");
    String nail = product("Nail", "0.05", 100);
    List<String> kates = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      kates.add(placed(kate, null, lines(nail, i)).getString("id"));
    }
    String liams = placed(liam, null, lines(nail, 1)).getString("id");

    JsonObject own = list(kate.token(), "");
    assertEquals(Set.of("items", "page", "size", "total"), own.fieldNames());
    assertEquals(3, own.getLong("total"), "the total counts only her orders");
    assertEquals(0, own.getInteger("page"));
    assertEquals(20, own.getInteger("size"));
    assertEquals(Set.copyOf(kates), ids(own), "only her orders");
    own.getJsonArray("items").forEach(order -> assertOrderShape((JsonObject) order));
    assertEquals(Set.of(liams), ids(list(liam.token(), "")));
    assertEquals(3, list(kate.token(), "?userId=" + kate.id()).getLong("total"), "naming herself is fine");
    assertError(app.call(GET, "/api/orders?userId=" + liam.id()).bearer(kate.token()).send(), 403, "FORBIDDEN");

    // pages, newest first
    JsonObject first = list(kate.token(), "?size=2&page=0");
    JsonObject second = list(kate.token(), "?size=2&page=1");
    assertEquals(List.of(0, 2, 3L), List.of(first.getInteger("page"), first.getInteger("size"), first.getLong("total")));
    assertEquals(List.of(1, 2, 3L), List.of(second.getInteger("page"), second.getInteger("size"), second.getLong("total")));
    assertEquals(2, first.getJsonArray("items").size());
    assertEquals(1, second.getJsonArray("items").size());
    List<JsonObject> paged = new ArrayList<>();
    first.getJsonArray("items").forEach(order -> paged.add((JsonObject) order));
    second.getJsonArray("items").forEach(order -> paged.add((JsonObject) order));
    assertEquals(Set.copyOf(kates), new HashSet<>(paged.stream().map(order -> order.getString("id")).toList()),
      "the pages hold every order once");
    for (int i = 1; i < paged.size(); i++) {
      Instant newer = Instant.parse(paged.get(i - 1).getString("createdAt"));
      Instant older = Instant.parse(paged.get(i).getString("createdAt"));
      assertFalse(older.isAfter(newer), "newest first: " + paged);
    }
    assertEquals(0, list(kate.token(), "?size=2&page=2").getJsonArray("items").size());

    // the manager: anyone's, filtered by user and status
    String manager = app.managerToken();
    assertEquals(Set.copyOf(kates), ids(list(manager, "?userId=" + kate.id())));
    assertEquals(3, list(manager, "?userId=" + kate.id()).getLong("total"));
    assertEquals(Set.of(liams), ids(list(manager, "?userId=" + liam.id())));
    Set<String> everyone = allIds(manager);
    assertTrue(everyone.containsAll(kates) && everyone.contains(liams), "the manager sees every user's orders");

    String cancelledId = kates.get(1);
    assertEquals(200, app.call(POST, "/api/orders/" + cancelledId + "/cancel").bearer(kate.token()).send().statusCode());
    JsonObject cancelled = list(manager, "?userId=" + kate.id() + "&status=CANCELLED");
    assertEquals(1, cancelled.getLong("total"));
    assertEquals(Set.of(cancelledId), ids(cancelled));
    JsonObject stillPlaced = list(manager, "?userId=" + kate.id() + "&status=PLACED");
    assertEquals(2, stillPlaced.getLong("total"));
    assertEquals(Set.of(kates.get(0), kates.get(2)), ids(stillPlaced));
    assertEquals(Set.of(cancelledId), ids(list(kate.token(), "?status=CANCELLED")));
    assertEquals(0, list(liam.token(), "?status=CANCELLED").getLong("total"));
  }

  @Test
  void anotherClientsOrderIsNotFoundWhileTheManagerReadsAndCancelsIt() {
    Client mia = client("mia");
    Client noah = client("noah");
    String chair = product("Chair", "60.00", 5);
    JsonObject order = placed(mia, null, lines(chair, 2));
    String id = order.getString("id");
    assertEquals(3, stockOf(chair));

    JsonObject notHers = assertError(app.call(GET, "/api/orders/" + id).bearer(noah.token()).send(), 404, "NOT_FOUND");
    assertError(app.call(POST, "/api/orders/" + id + "/cancel").bearer(noah.token()).send(), 404, "NOT_FOUND");
    assertFalse(notHers.getString("message").toLowerCase().contains("forbidden"), notHers.encode());
    assertEquals(3, stockOf(chair), "the refused cancel returned nothing");
    HttpResponse<Buffer> stillPlaced = app.call(GET, "/api/orders/" + id).bearer(mia.token()).send();
    assertEquals("PLACED", stillPlaced.bodyAsJsonObject().getString("status"));
    // the same answer as for an order that does not exist at all
    assertError(app.call(GET, "/api/orders/" + UUID.randomUUID()).bearer(noah.token()).send(), 404, "NOT_FOUND");

    HttpResponse<Buffer> managerRead = app.call(GET, "/api/orders/" + id).bearer(app.managerToken()).send();
    assertEquals(200, managerRead.statusCode(), managerRead.bodyAsString());
    assertEquals(order, managerRead.bodyAsJsonObject());
    HttpResponse<Buffer> managerCancel = app.call(POST, "/api/orders/" + id + "/cancel").bearer(app.managerToken()).send();
    assertEquals(200, managerCancel.statusCode(), managerCancel.bodyAsString());
    assertEquals("CANCELLED", managerCancel.bodyAsJsonObject().getString("status"));
    assertEquals(mia.id(), managerCancel.bodyAsJsonObject().getString("userId"), "still Mia's order");
    assertEquals(5, stockOf(chair));
  }

  @Test
  void withoutATokenEverythingIs401() {
    Client olga = client("olga");
    String stool = product("Stool", "20.00", 5);
    String id = placed(olga, null, lines(stool, 1)).getString("id");

    assertError(app.call(POST, "/api/orders").json(lines(stool, 1)).send(), 401, "UNAUTHORIZED");
    assertError(app.call(GET, "/api/orders").send(), 401, "UNAUTHORIZED");
    assertError(app.call(GET, "/api/orders/" + id).send(), 401, "UNAUTHORIZED");
    assertError(app.call(POST, "/api/orders/" + id + "/cancel").send(), 401, "UNAUTHORIZED");
    assertEquals(4, stockOf(stool), "nothing was ordered or cancelled");
    assertEquals("PLACED", app.call(GET, "/api/orders/" + id).bearer(olga.token()).send().bodyAsJsonObject().getString("status"));
  }

  record Bad(String name, HttpMethod method, String uri, String body, int status, String code) {
    @Override
    public String toString() {
      return name + " → " + status + " " + code;
    }
  }

  static List<Bad> badInputs() {
    return List.of(
      new Bad("no items", POST, "/api/orders", "{}", 422, "VALIDATION_FAILED"),
      new Bad("empty items", POST, "/api/orders", "{\"items\":[]}", 422, "VALIDATION_FAILED"),
      new Bad("quantity 0", POST, "/api/orders", "{\"items\":[{\"productId\":\"{p}\",\"quantity\":0}]}", 422, "VALIDATION_FAILED"),
      new Bad("quantity 1.5", POST, "/api/orders", "{\"items\":[{\"productId\":\"{p}\",\"quantity\":1.5}]}", 422, "VALIDATION_FAILED"),
      new Bad("quantity as text", POST, "/api/orders", "{\"items\":[{\"productId\":\"{p}\",\"quantity\":\"2\"}]}", 422, "VALIDATION_FAILED"),
      new Bad("a product twice", POST, "/api/orders",
        "{\"items\":[{\"productId\":\"{p}\",\"quantity\":1},{\"productId\":\"{p}\",\"quantity\":1}]}", 422, "VALIDATION_FAILED"),
      new Bad("an extra field", POST, "/api/orders", "{\"items\":[{\"productId\":\"{p}\",\"quantity\":1}],\"userId\":\"x\"}",
        422, "VALIDATION_FAILED"),
      new Bad("an array body", POST, "/api/orders", "[]", 400, "BAD_REQUEST"),
      new Bad("malformed JSON", POST, "/api/orders", "{\"items\":", 400, "BAD_REQUEST"),
      new Bad("size=101", GET, "/api/orders?size=101", null, 422, "VALIDATION_FAILED"),
      new Bad("status=SHIPPED", GET, "/api/orders?status=SHIPPED", null, 422, "VALIDATION_FAILED"));
  }

  /** Bad input gets the contract's error, never a 500, and orders nothing. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInputGetsTheContractErrorAndTakesNoStock(Bad bad) {
    Client pat = client("pat");
    String product = product("Bad Input", "1.00", 5);
    AllInOne.Call call = app.call(bad.method(), bad.uri()).bearer(pat.token());
    if (bad.body() != null) {
      call.body("application/json", Buffer.buffer(bad.body().replace("{p}", product)));
    }
    JsonObject error = assertError(call.send(), bad.status(), bad.code());
    if (bad.status() == 422) {
      assertFalse(error.getJsonObject("details", new JsonObject()).isEmpty(), "422 names the fields: " + error);
    }
    assertEquals(5, stockOf(product));
    assertEquals(0, list(pat.token(), "").getLong("total"));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  record Client(String id, String token) {
  }

  /** A client of its own for each test, so that its orders are exactly the test's. */
  private static Client client(String name) {
    String id = "u-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    return new Client(id, app.tokens.issue(new Caller(id, name, Caller.CLIENT), 600));
  }

  /** A product created by the manager; its id. */
  private static String product(String name, String price, int stock) {
    HttpResponse<Buffer> created = app.call(POST, "/api/products").bearer(app.managerToken())
      .json(new JsonObject().put("name", name + " " + UUID.randomUUID()).put("category", "orders-test")
        .put("price", new BigDecimal(price)).put("stock", stock))
      .send();
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  /** The stock as anyone reads it in the catalog. */
  private static int stockOf(String productId) {
    HttpResponse<Buffer> read = app.call(GET, "/api/products/" + productId).send();
    assertEquals(200, read.statusCode(), read.bodyAsString());
    return read.bodyAsJsonObject().getInteger("stock");
  }

  /** {@code {items:[{productId, quantity}, …]}} from pairs of product id and quantity. */
  private static JsonObject lines(Object... pairs) {
    JsonArray items = new JsonArray();
    for (int i = 0; i < pairs.length; i += 2) {
      items.add(new JsonObject().put("productId", pairs[i]).put("quantity", pairs[i + 1]));
    }
    return new JsonObject().put("items", items);
  }

  private static HttpResponse<Buffer> place(Client client, String key, JsonObject body) {
    AllInOne.Call call = app.call(POST, "/api/orders").bearer(client.token());
    if (key != null) {
      call.header("Idempotency-Key", key);
    }
    return call.json(body).send();
  }

  private static JsonObject placed(Client client, String key, JsonObject body) {
    HttpResponse<Buffer> response = place(client, key, body);
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return assertOrderShape(response.bodyAsJsonObject());
  }

  private static JsonObject list(String token, String query) {
    HttpResponse<Buffer> response = app.call(GET, "/api/orders" + query).bearer(token).send();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertJsonType(response);
    return response.bodyAsJsonObject();
  }

  private static Set<String> ids(JsonObject page) {
    Set<String> ids = new HashSet<>();
    page.getJsonArray("items").forEach(order -> ids.add(((JsonObject) order).getString("id")));
    return ids;
  }

  /** Every order the manager can list, page by page. */
  private static Set<String> allIds(String managerToken) {
    Set<String> ids = new HashSet<>();
    for (int page = 0; ; page++) {
      JsonObject got = list(managerToken, "?size=100&page=" + page);
      ids.addAll(ids(got));
      if (got.getJsonArray("items").isEmpty() || (long) (page + 1) * 100 >= got.getLong("total")) {
        assertEquals(got.getLong("total"), (long) ids.size(), "the total counts every order");
        return ids;
      }
    }
  }

  /** The contract's order: exactly its fields (plus the documented updatedAt), each line exactly its fields. */
  private static JsonObject assertOrderShape(JsonObject order) {
    Set<String> fields = order.fieldNames();
    assertTrue(fields.containsAll(ORDER_FIELDS), "missing fields in " + order.encode());
    Set<String> extra = new HashSet<>(fields);
    extra.removeAll(ORDER_FIELDS);
    assertTrue(OPTIONAL_ORDER_FIELDS.containsAll(extra), "fields the contract does not name: " + extra);
    assertTrue(order.getValue("id") instanceof String, "id is a string");
    assertTrue(order.getValue("userId") instanceof String, "userId is a string");
    assertTrue(order.getValue("total") instanceof Number, "total is a number");
    assertIsoUtc(order.getString("createdAt"));
    JsonArray items = order.getJsonArray("items");
    assertFalse(items.isEmpty(), "an order has lines");
    BigDecimal sum = BigDecimal.ZERO;
    for (int i = 0; i < items.size(); i++) {
      JsonObject line = items.getJsonObject(i);
      assertEquals(LINE_FIELDS, line.fieldNames(), "line fields in " + order.encode());
      BigDecimal unit = money(line.getValue("unitPrice"));
      BigDecimal lineTotal = money(line.getValue("lineTotal"));
      assertEquals(0, unit.multiply(BigDecimal.valueOf(line.getInteger("quantity"))).compareTo(lineTotal),
        "lineTotal = unitPrice × quantity in " + line.encode());
      sum = sum.add(lineTotal);
    }
    assertEquals(0, sum.compareTo(money(order.getValue("total"))), "total = the sum of the line totals in " + order.encode());
    return order;
  }

  private static void assertLine(JsonObject line, String productId, String namePrefix, int quantity, String unitPrice,
                                 String lineTotal) {
    assertEquals(productId, line.getString("productId"));
    assertTrue(line.getString("name").startsWith(namePrefix + " "), "the product's name: " + line.encode());
    assertEquals(quantity, line.getValue("quantity"), "quantity is a whole number: " + line.encode());
    assertMoney(unitPrice, line.getValue("unitPrice"), "unitPrice");
    assertMoney(lineTotal, line.getValue("lineTotal"), "lineTotal");
  }

  private static void assertMoney(String expected, Object actual, String what) {
    assertEquals(0, new BigDecimal(expected).compareTo(money(actual)), what + ": expected " + expected + ", got " + actual);
  }

  /** A price as the JSON number says it: at most two decimals. */
  private static BigDecimal money(Object value) {
    assertTrue(value instanceof Number, "a price is a JSON number: " + value);
    BigDecimal decimal = new BigDecimal(value.toString());
    assertTrue(decimal.stripTrailingZeros().scale() <= 2, "at most two decimals: " + value);
    return decimal;
  }

  private static Instant assertIsoUtc(String text) {
    assertTrue(text != null && ISO_UTC.matcher(text).matches(), "ISO-8601 UTC: " + text);
    return Instant.parse(text);
  }
}
