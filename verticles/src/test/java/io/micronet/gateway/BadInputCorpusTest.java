package io.micronet.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static io.micronet.gateway.AllInOne.assertError;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A corpus of bad requests against the running all-in-one. Every one must get the contract's error: the
 * expected status and code, a JSON body {@code {"error":{"code","message"}}} (with {@code details} naming
 * the fields for 422 and bad query parameters), the request id, no stack trace, never a 500. And none may
 * change anything: the catalog (read through the cache and around it), the orders (none placed, none
 * cancelled, none left pending) and the stock are compared before and after.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputCorpusTest {

  private static final int BODY_LIMIT = 4096;
  private static final String KNOWN_NAME = "Corpus Known Product";
  private static final String OTHER_NAME = "Corpus Other Product";
  private static final String ORDERED_NAME = "Corpus Ordered Product";
  /** The Idempotency-Key the manager placed the existing order with. */
  private static final String ORDER_KEY = "corpus-order-key-1";

  @TempDir
  static Path dataDir;

  private static AllInOne app;
  private static String knownId;
  private static String otherId;
  private static JsonObject knownBefore;
  private static JsonObject otherBefore;
  private static long totalBefore;
  private static String orderedId;
  private static String orderId;
  private static JsonObject orderedBefore;
  private static JsonObject orderBefore;
  private static JsonArray catalogBefore;
  private static long ordersBefore;

  /** Who the request claims to be. */
  enum As { ANONYMOUS, MANAGER, CLIENT, FORGED, EXPIRED, ALG_NONE, GARBAGE, BASIC }

  /**
   * One bad request and what it must get. {@code path} may hold {@code {id}} (the known product),
   * {@code {other}} or {@code {order}} (the manager's placed order); {@code details} are the field names the
   * error's details must name; {@code headers} go out with the request.
   */
  record Case(String name, HttpMethod method, String path, As as, String contentType, Buffer body,
              int status, String code, List<String> details, Map<String, String> headers) {

    Case(String name, HttpMethod method, String path, As as, String contentType, Buffer body,
         int status, String code, List<String> details) {
      this(name, method, path, as, contentType, body, status, code, details, Map.of());
    }

    @Override
    public String toString() {
      return name + " → " + status + " " + code;
    }
  }

  @BeforeAll
  static void start() {
    app = AllInOne.start(dataDir, new JsonObject().put("http", new JsonObject().put("bodyLimitBytes", BODY_LIMIT)));
    knownId = create(new JsonObject().put("name", KNOWN_NAME).put("description", "the one the corpus aims at")
      .put("category", "corpus").put("price", 19.99).put("stock", 3));
    otherId = create(new JsonObject().put("name", OTHER_NAME).put("category", "corpus").put("price", 5).put("stock", 0));
    orderedId = create(new JsonObject().put("name", ORDERED_NAME).put("category", "corpus").put("price", 2.5).put("stock", 5));
    orderId = placeOrder(orderedId, 1);
    knownBefore = get(knownId);
    otherBefore = get(otherId);
    orderedBefore = get(orderedId);
    totalBefore = total();
    catalogBefore = catalog();
    orderBefore = order(orderId);
    ordersBefore = orders("");
    assertEquals(4, orderedBefore.getInteger("stock"), "the placed order holds one of five");
    assertEquals("PLACED", orderBefore.getString("status"));
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  static List<Case> corpus() {
    List<Case> cases = new ArrayList<>();
    String products = "/api/products";
    String one = "/api/products/{id}";
    String stock = "/api/products/{id}/stock";
    Function<String, Buffer> json = text -> Buffer.buffer(text, "UTF-8");

    // ---- not JSON, or not a JSON object: 400 ----
    cases.add(bad("malformed JSON", POST, products, "{\"name\": \"x\", ", 400, "BAD_REQUEST"));
    cases.add(bad("single quotes", POST, products, "{'name':'x'}", 400, "BAD_REQUEST"));
    cases.add(bad("trailing garbage after the object", POST, products, "{\"name\":\"x\"} trailing", 400, "BAD_REQUEST"));
    cases.add(bad("JSON array instead of object", POST, products, "[{\"name\":\"x\"}]", 400, "BAD_REQUEST"));
    cases.add(bad("JSON number instead of object", POST, products, "42", 400, "BAD_REQUEST"));
    cases.add(bad("JSON string instead of object", POST, products, "\"a product\"", 400, "BAD_REQUEST"));
    cases.add(bad("JSON null instead of object", POST, products, "null", 400, "BAD_REQUEST"));
    cases.add(bad("JSON true instead of object", POST, products, "true", 400, "BAD_REQUEST"));
    cases.add(bad("empty body on POST", POST, products, "", 400, "BAD_REQUEST"));
    cases.add(bad("blank body on POST", POST, products, "   \n ", 400, "BAD_REQUEST"));
    cases.add(bad("empty body on PUT", PUT, one, "", 400, "BAD_REQUEST"));
    cases.add(bad("JSON array on PUT", PUT, one, "[]", 400, "BAD_REQUEST"));
    cases.add(bad("empty body on stock", POST, stock, "", 400, "BAD_REQUEST"));
    cases.add(bad("JSON number on stock", POST, stock, "-1", 400, "BAD_REQUEST"));
    cases.add(new Case("invalid UTF-8 bytes", POST, products, As.MANAGER, "application/json",
      Buffer.buffer(new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}),
      400, "BAD_REQUEST", List.of()));
    cases.add(bad("nesting 2000 levels deep", POST, products, "[".repeat(2000) + "]".repeat(2000), 400, "BAD_REQUEST"));

    // ---- wrong types and values, every field: 422 naming the field ----
    cases.add(invalid("name is a number", POST, products, valid().put("name", 42), "name"));
    cases.add(invalid("name is an object", POST, products, valid().put("name", new JsonObject().put("a", 1)), "name"));
    cases.add(invalid("name is blank", POST, products, valid().put("name", "   "), "name"));
    cases.add(invalid("name of 201 characters", POST, products, valid().put("name", "n".repeat(201)), "name"));
    cases.add(invalid("name with a control character", POST, products, valid().put("name", "bell\u0007"), "name"));
    cases.add(invalid("name with a NUL", POST, products, valid().put("name", "nul\u0000byte"), "name"));
    cases.add(invalid("name with a lone surrogate", POST, products, "{\"name\":\"half \\ud83d pair\",\"category\":\"c\",\"price\":1}", "name"));
    cases.add(invalid("description is a number", POST, products, valid().put("description", 7), "description"));
    cases.add(invalid("description of 2001 characters", POST, products, valid().put("description", "d".repeat(2001)), "description"));
    cases.add(invalid("description with an escape character", POST, products, valid().put("description", "\u001b[31mred"), "description"));
    cases.add(invalid("category is a boolean", POST, products, valid().put("category", true), "category"));
    cases.add(invalid("category is empty", POST, products, valid().put("category", ""), "category"));
    cases.add(invalid("category of 101 characters", POST, products, valid().put("category", "c".repeat(101)), "category"));
    cases.add(invalid("price is a string", POST, products, valid().put("price", "9.99"), "price"));
    cases.add(invalid("price is null", POST, products, valid().putNull("price"), "price"));
    cases.add(invalid("price is negative", POST, products, valid().put("price", -1), "price"));
    cases.add(invalid("price with three decimals", POST, products, "{\"name\":\"p3\",\"category\":\"c\",\"price\":1.234}", "price"));
    cases.add(invalid("price 1e400", POST, products, "{\"name\":\"p4\",\"category\":\"c\",\"price\":1e400}", "price"));
    cases.add(invalid("price huge", POST, products, "{\"name\":\"p5\",\"category\":\"c\",\"price\":1000000000000}", "price"));
    cases.add(invalid("price just over the maximum", POST, products, "{\"name\":\"p5b\",\"category\":\"c\",\"price\":10000000}", "price"));
    cases.add(invalid("price with 40 digits", POST, products,
      "{\"name\":\"p6\",\"category\":\"c\",\"price\":" + "9".repeat(40) + "}", "price"));
    cases.add(invalid("price is an array", POST, products, "{\"name\":\"p7\",\"category\":\"c\",\"price\":[1]}", "price"));
    cases.add(invalid("stock 1.5", POST, products, "{\"name\":\"s1\",\"category\":\"c\",\"price\":1,\"stock\":1.5}", "stock"));
    cases.add(invalid("stock -1", POST, products, valid().put("stock", -1), "stock"));
    cases.add(invalid("stock is a string", POST, products, valid().put("stock", "5"), "stock"));
    cases.add(invalid("stock beyond any integer", POST, products,
      "{\"name\":\"s2\",\"category\":\"c\",\"price\":1,\"stock\":100000000000000000000000}", "stock"));
    cases.add(invalid("missing every required field", POST, products, new JsonObject(), "name", "category", "price"));
    cases.add(invalid("missing price", POST, products, without(valid(), "price"), "price"));
    cases.add(invalid("missing name", POST, products, new JsonObject().put("category", "c").put("price", 1), "name"));
    cases.add(invalid("unknown extra field", POST, products, valid().put("colour", "red"), "colour"));
    cases.add(invalid("id given by the caller", POST, products, valid().put("id", "my-own-id"), "id"));
    cases.add(invalid("several bad fields at once", POST, products,
      new JsonObject().put("name", 1).put("category", "c").put("price", "x").put("stock", -1), "name", "price", "stock"));
    // numbers outside the strict grammar (no exponent, at most 18 digits), refused on their text before any arithmetic
    cases.add(invalid("price 1e-30000000", POST, products, "{\"name\":\"g1\",\"category\":\"c\",\"price\":1e-30000000}", "price"));
    cases.add(invalid("price -1e-30000000", POST, products, "{\"name\":\"g2\",\"category\":\"c\",\"price\":-1e-30000000}", "price"));
    cases.add(invalid("price 1E2", POST, products, "{\"name\":\"g3\",\"category\":\"c\",\"price\":1E2}", "price"));
    cases.add(invalid("price 123456789012345678901234567890", POST, products,
      "{\"name\":\"g4\",\"category\":\"c\",\"price\":123456789012345678901234567890}", "price"));
    cases.add(invalid("price 0.0000000000000000000001", POST, products,
      "{\"name\":\"g5\",\"category\":\"c\",\"price\":0.0000000000000000000001}", "price"));
    cases.add(invalid("stock 1e3", POST, products, "{\"name\":\"g6\",\"category\":\"c\",\"price\":1,\"stock\":1e3}", "stock"));
    cases.add(invalid("PUT price 1e-30000000", PUT, one, "{\"price\":1e-30000000}", "price"));
    cases.add(invalid("stock delta 1e-30000000", POST, stock, "{\"delta\":1e-30000000}", "delta"));
    cases.add(invalid("stock delta 1E1", POST, stock, "{\"delta\":1E1}", "delta"));
    cases.add(invalid("PUT with no field", PUT, one, new JsonObject(), "body"));
    cases.add(invalid("PUT with a price string", PUT, one, new JsonObject().put("price", "free"), "price"));
    cases.add(invalid("PUT with an unknown field only", PUT, one, new JsonObject().put("createdAt", "2020-01-01T00:00:00Z"), "createdAt"));
    cases.add(invalid("PUT with a blank name", PUT, one, new JsonObject().put("name", ""), "name"));

    // ---- conflicts ----
    cases.add(new Case("duplicate name, other case and blanks", POST, products, As.MANAGER, "application/json",
      json.apply(valid().put("name", "  " + KNOWN_NAME.toUpperCase() + " ").encode()), 409, "CONFLICT", List.of()));
    cases.add(new Case("rename to an existing name", PUT, "/api/products/{other}", As.MANAGER, "application/json",
      json.apply(new JsonObject().put("name", KNOWN_NAME.toLowerCase()).encode()), 409, "CONFLICT", List.of()));
    cases.add(new Case("stock below zero", POST, stock, As.MANAGER, "application/json",
      json.apply("{\"delta\":-4}"), 409, "CONFLICT", List.of()));
    cases.add(new Case("stock below zero from zero", POST, "/api/products/{other}/stock", As.MANAGER, "application/json",
      json.apply("{\"delta\":-1}"), 409, "CONFLICT", List.of()));

    // ---- stock deltas ----
    cases.add(invalid("stock delta 0", POST, stock, new JsonObject().put("delta", 0), "delta"));
    cases.add(invalid("stock delta 1.5", POST, stock, "{\"delta\":1.5}", "delta"));
    cases.add(invalid("stock delta \"x\"", POST, stock, new JsonObject().put("delta", "x"), "delta"));
    cases.add(invalid("stock delta missing", POST, stock, new JsonObject(), "delta"));
    cases.add(invalid("stock delta null", POST, stock, new JsonObject().putNull("delta"), "delta"));
    cases.add(invalid("stock delta huge", POST, stock, "{\"delta\":10000000000}", "delta"));
    cases.add(invalid("stock with an extra field", POST, stock, new JsonObject().put("delta", 1).put("reason", "x"), "reason"));

    // ---- unknown ids: 404 ----
    cases.add(status("GET unknown id", GET, "/api/products/00000000-0000-0000-0000-000000000000", As.ANONYMOUS, 404, "NOT_FOUND"));
    cases.add(withBody("PUT unknown id", PUT, "/api/products/no-such-product", valid(), 404, "NOT_FOUND"));
    cases.add(status("DELETE unknown id", DELETE, "/api/products/no-such-product", As.MANAGER, 404, "NOT_FOUND"));
    cases.add(withBody("stock of unknown id", POST, "/api/products/no-such-product/stock", new JsonObject().put("delta", 1), 404, "NOT_FOUND"));
    cases.add(status("GET id of 300 characters", GET, "/api/products/" + "i".repeat(300), As.ANONYMOUS, 404, "NOT_FOUND"));
    cases.add(status("GET id that is SQL", GET, "/api/products/%27%20OR%20%271%27%3D%271", As.ANONYMOUS, 404, "NOT_FOUND"));
    cases.add(status("GET id with an encoded NUL", GET, "/api/products/abc%00def", As.ANONYMOUS, 404, "NOT_FOUND"));
    cases.add(status("GET id with a broken percent escape", GET, "/api/products/%ZZ", As.ANONYMOUS, 400, "BAD_REQUEST"));

    // ---- list parameters: 400 naming the parameter ----
    cases.add(query("page=-1", "page=-1", "page"));
    cases.add(query("page=abc", "page=abc", "page"));
    cases.add(query("page beyond an int", "page=99999999999", "page"));
    cases.add(query("size=0", "size=0", "size"));
    cases.add(query("size=101", "size=101", "size"));
    cases.add(query("size=1.5", "size=1.5", "size"));
    cases.add(query("sort=drop table", "sort=drop%20table%20products", "sort"));
    cases.add(query("sort=id", "sort=id", "sort"));
    cases.add(query("minPrice=abc", "minPrice=abc", "minPrice"));
    cases.add(query("maxPrice=-1", "maxPrice=-1", "maxPrice"));
    cases.add(query("minPrice greater than maxPrice", "minPrice=10&maxPrice=5", "minPrice"));
    cases.add(query("minPrice=NaN", "minPrice=NaN", "minPrice"));
    cases.add(query("inStock=maybe", "inStock=maybe", "inStock"));
    cases.add(query("q of 201 characters", "q=" + "q".repeat(201), "q"));
    cases.add(query("q with an encoded NUL", "q=abc%00def", "q"));
    cases.add(query("category with an encoded NUL", "category=%00", "category"));
    cases.add(query("several bad parameters", "page=x&size=1000&sort=up", "page", "size", "sort"));
    cases.add(query("minPrice=1e-30000000", "minPrice=1e-30000000", "minPrice"));
    cases.add(query("maxPrice=1E5", "maxPrice=1E5", "maxPrice"));
    cases.add(query("minPrice=9999999999999999999999", "minPrice=9999999999999999999999", "minPrice"));
    cases.add(query("maxPrice with three decimals", "maxPrice=1.005", "maxPrice"));
    cases.add(query("minPrice=+1", "minPrice=%2B1", "minPrice"));
    cases.add(query("maxPrice=Infinity", "maxPrice=Infinity", "maxPrice"));
    cases.add(query("minPrice=0x10", "minPrice=0x10", "minPrice"));
    cases.add(query("page=1e3", "page=1e3", "page"));
    cases.add(query("size=0x10", "size=0x10", "size"));
    cases.add(query("page=2.0", "page=2.0", "page"));
    cases.add(query("size=1E1", "size=1E1", "size"));
    cases.add(query("page beyond the first 10,000 rows", "page=500&size=20", "page"));
    cases.add(query("page=9999 of size 2", "page=9999&size=2", "page"));
    cases.add(query("every number at once", "minPrice=1e-30000000&maxPrice=1E5&page=1e3&size=0x10",
      "minPrice", "maxPrice", "page", "size"));
    cases.add(status("query with a broken percent escape", GET, "/api/products?q=%ZZ", As.ANONYMOUS, 400, "BAD_REQUEST"));

    // ---- media types: 415 ----
    cases.add(new Case("text/plain body on POST", POST, products, As.MANAGER, "text/plain",
      json.apply(valid().encode()), 415, "UNSUPPORTED_MEDIA_TYPE", List.of()));
    cases.add(new Case("text/plain body on PUT", PUT, one, As.MANAGER, "text/plain",
      json.apply("{\"price\":1}"), 415, "UNSUPPORTED_MEDIA_TYPE", List.of()));
    cases.add(new Case("XML body", POST, products, As.MANAGER, "application/xml",
      json.apply("<product><name>x</name></product>"), 415, "UNSUPPORTED_MEDIA_TYPE", List.of()));
    cases.add(new Case("form body on stock", POST, stock, As.MANAGER, "application/x-www-form-urlencoded",
      json.apply("delta=1"), 415, "UNSUPPORTED_MEDIA_TYPE", List.of()));

    // ---- who is asking: 401 / 403 ----
    for (As as : List.of(As.ANONYMOUS, As.FORGED, As.EXPIRED, As.ALG_NONE, As.GARBAGE, As.BASIC)) {
      cases.add(new Case("create, token " + as, POST, products, as, "application/json", json.apply(valid().encode()),
        401, "UNAUTHORIZED", List.of()));
    }
    cases.add(new Case("update without a token", PUT, one, As.ANONYMOUS, "application/json",
      json.apply("{\"price\":0}"), 401, "UNAUTHORIZED", List.of()));
    cases.add(status("delete with an expired token", DELETE, one, As.EXPIRED, 401, "UNAUTHORIZED"));
    cases.add(new Case("stock with an alg:none token", POST, stock, As.ALG_NONE, "application/json",
      json.apply("{\"delta\":100}"), 401, "UNAUTHORIZED", List.of()));
    cases.add(status("read with a garbage token", GET, one, As.GARBAGE, 401, "UNAUTHORIZED"));
    cases.add(new Case("create as a client", POST, products, As.CLIENT, "application/json", json.apply(valid().encode()),
      403, "FORBIDDEN", List.of()));
    cases.add(new Case("update as a client", PUT, one, As.CLIENT, "application/json", json.apply("{\"price\":0}"),
      403, "FORBIDDEN", List.of()));
    cases.add(status("delete as a client", DELETE, one, As.CLIENT, 403, "FORBIDDEN"));
    cases.add(new Case("stock as a client", POST, stock, As.CLIENT, "application/json", json.apply("{\"delta\":-3}"),
      403, "FORBIDDEN", List.of()));

    // ---- too large: 413 ----
    cases.add(new Case("huge body (1 MiB)", POST, products, As.MANAGER, "application/json",
      json.apply(valid().put("description", "h".repeat(1 << 20)).encode()), 413, "PAYLOAD_TOO_LARGE", List.of()));
    cases.add(new Case("body one byte over the limit", PUT, one, As.MANAGER, "application/json",
      json.apply(padded(BODY_LIMIT + 1)), 413, "PAYLOAD_TOO_LARGE", List.of()));

    // ---- routes ----
    cases.add(status("unknown API route", GET, "/api/nothing-here", As.ANONYMOUS, 404, "NOT_FOUND"));
    cases.add(status("too deep below a product", GET, "/api/products/{id}/stock/history", As.ANONYMOUS, 404, "NOT_FOUND"));
    cases.add(status("unknown page", GET, "/no-such-page.html", As.ANONYMOUS, 404, "NOT_FOUND"));
    cases.add(status("PATCH is not an operation", PATCH, one, As.MANAGER, 405, "METHOD_NOT_ALLOWED"));

    orderCases(cases);
    return cases;
  }

  /** The orders endpoints: placing, listing, reading and cancelling. */
  private static void orderCases(List<Case> cases) {
    assertNotNull(knownId, "the corpus is built after the products it aims at");
    String orders = "/api/orders";
    String cancel = "/api/orders/{order}/cancel";
    String known = knownId;
    JsonObject oneKnown = buy(line(known, 1));

    // ---- not JSON, or not a JSON object: 400 ----
    cases.add(order("order, malformed JSON", "{\"items\": [", 400, "BAD_REQUEST"));
    cases.add(order("order, trailing garbage", oneKnown.encode() + " and more", 400, "BAD_REQUEST"));
    cases.add(order("order, JSON array instead of object", new JsonArray().add(line(known, 1)).encode(), 400, "BAD_REQUEST"));
    cases.add(order("order, JSON number instead of object", "1", 400, "BAD_REQUEST"));
    cases.add(order("order, JSON string instead of object", "\"buy everything\"", 400, "BAD_REQUEST"));
    cases.add(order("order, JSON null instead of object", "null", 400, "BAD_REQUEST"));
    cases.add(order("order, empty body", "", 400, "BAD_REQUEST"));

    // ---- the items: 422 naming them ----
    cases.add(invalidOrder("order, missing items", new JsonObject(), "items"));
    cases.add(invalidOrder("order, items null", new JsonObject().putNull("items"), "items"));
    cases.add(invalidOrder("order, items is an object", new JsonObject().put("items", line(known, 1)), "items"));
    cases.add(invalidOrder("order, items is a string", new JsonObject().put("items", known), "items"));
    cases.add(invalidOrder("order, items empty", buy(), "items"));
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i <= 100; i++) {
      tooMany.add(line("p" + i, 1));
    }
    cases.add(invalidOrder("order, 101 lines", new JsonObject().put("items", tooMany), "items"));
    cases.add(invalidOrder("order, a line that is a string", new JsonObject().put("items", new JsonArray().add(known)), "items[0]"));
    cases.add(invalidOrder("order, a line that is a number", "{\"items\":[5]}", "items[0]"));
    cases.add(invalidOrder("order, a line that is null", "{\"items\":[null]}", "items[0]"));
    cases.add(invalidOrder("order, second line an array", new JsonObject().put("items",
      new JsonArray().add(line(known, 1)).add(new JsonArray().add(known).add(1))), "items[1]"));

    // ---- each line's fields: 422 naming items[i].field ----
    cases.add(invalidOrder("order, missing productId", buy(new JsonObject().put("quantity", 1)), "items[0].productId"));
    cases.add(invalidOrder("order, missing quantity", buy(new JsonObject().put("productId", known)), "items[0].quantity"));
    cases.add(invalidOrder("order, productId is a number", buy(line(42, 1)), "items[0].productId"));
    cases.add(invalidOrder("order, productId is an object", buy(line(new JsonObject().put("id", known), 1)), "items[0].productId"));
    cases.add(invalidOrder("order, productId is null", buy(line(null, 1)), "items[0].productId"));
    cases.add(invalidOrder("order, productId is empty", buy(line("", 1)), "items[0].productId"));
    cases.add(invalidOrder("order, productId is blank", buy(line("   ", 1)), "items[0].productId"));
    cases.add(invalidOrder("order, productId of 65 characters", buy(line("i".repeat(65), 1)), "items[0].productId"));
    cases.add(invalidOrder("order, productId with a lone surrogate", "{\"items\":[{\"productId\":\"half \\ud83d pair\",\"quantity\":1}]}",
      "items[0].productId"));
    cases.add(invalidOrder("order, productId with a NUL", buy(line("abc\u0000def", 1)), "items[0].productId"));
    cases.add(invalidOrder("order, productId with a control character", buy(line("abc\u001bdef", 1)), "items[0].productId"));
    cases.add(invalidOrder("order, quantity 0", buy(line(known, 0)), "items[0].quantity"));
    cases.add(invalidOrder("order, quantity -1", buy(line(known, -1)), "items[0].quantity"));
    cases.add(invalidOrder("order, quantity 1.5", "{\"items\":[{\"productId\":\"" + known + "\",\"quantity\":1.5}]}", "items[0].quantity"));
    cases.add(invalidOrder("order, quantity \"2\"", buy(line(known, "2")), "items[0].quantity"));
    cases.add(invalidOrder("order, quantity 10001", buy(line(known, 10_001)), "items[0].quantity"));
    cases.add(invalidOrder("order, quantity 1e308", "{\"items\":[{\"productId\":\"" + known + "\",\"quantity\":1e308}]}", "items[0].quantity"));
    cases.add(invalidOrder("order, quantity 1e-30000000", "{\"items\":[{\"productId\":\"" + known + "\",\"quantity\":1e-30000000}]}",
      "items[0].quantity"));
    cases.add(invalidOrder("order, quantity 1E1", "{\"items\":[{\"productId\":\"" + known + "\",\"quantity\":1E1}]}", "items[0].quantity"));
    cases.add(invalidOrder("order, quantity 1e400", "{\"items\":[{\"productId\":\"" + known + "\",\"quantity\":1e400}]}", "items[0].quantity"));
    cases.add(invalidOrder("order, quantity beyond any integer", "{\"items\":[{\"productId\":\"" + known
      + "\",\"quantity\":100000000000000000000000}]}", "items[0].quantity"));
    cases.add(invalidOrder("order, quantity true", buy(line(known, true)), "items[0].quantity"));
    cases.add(invalidOrder("order, quantity null", buy(line(known, null)), "items[0].quantity"));
    cases.add(invalidOrder("order, the same product on two lines", buy(line(known, 1), line(known, 2)), "items[1].productId"));
    cases.add(invalidOrder("order, unknown top-level field", oneKnown.copy().put("coupon", "FREE"), "coupon"));
    cases.add(invalidOrder("order, userId given by the caller", oneKnown.copy().put("userId", "u-manager"), "userId"));
    cases.add(invalidOrder("order, status given by the caller", oneKnown.copy().put("status", "CANCELLED"), "status"));
    cases.add(invalidOrder("order, unknown line field", buy(line(known, 1).put("unitPrice", 0)), "items[0].unitPrice"));
    cases.add(invalidOrder("order, several bad lines at once", buy(line(known, 0), new JsonObject().put("quantity", 1), line(otherId, "x")),
      "items[0].quantity", "items[1].productId", "items[2].quantity"));

    // ---- products that do not exist: 422 naming the line; nothing reserved ----
    cases.add(invalidOrder("order, unknown product", buy(line("00000000-0000-0000-0000-000000000000", 1)), "items[0].productId"));
    cases.add(invalidOrder("order, a known and an unknown product", buy(line(known, 1), line("no-such-product", 1)),
      "items[1].productId"));
    cases.add(invalidOrder("order, unknown product id of 64 characters", buy(line("u".repeat(64), 1)), "items[0].productId"));
    cases.add(invalidOrder("order, product id that is SQL", buy(line("' OR '1'='1", 1)), "items[0].productId"));

    // ---- not enough stock: 409 OUT_OF_STOCK, nothing reserved ----
    cases.add(order("order, more than the stock", buy(line(known, 4)).encode(), 409, "OUT_OF_STOCK"));
    cases.add(order("order, a product with no stock", buy(line(otherId, 1)).encode(), 409, "OUT_OF_STOCK"));
    cases.add(order("order, one line fine and one short", buy(line(known, 3), line(otherId, 1)).encode(), 409, "OUT_OF_STOCK"));
    cases.add(order("order, the largest quantity", buy(line(known, 10_000)).encode(), 409, "OUT_OF_STOCK"));

    // ---- Idempotency-Key ----
    cases.add(new Case("order, Idempotency-Key of 201 characters", POST, orders, As.CLIENT, "application/json",
      Buffer.buffer(oneKnown.encode(), "UTF-8"), 400, "BAD_REQUEST", List.of(), Map.of("Idempotency-Key", "k".repeat(201))));
    cases.add(new Case("order, blank Idempotency-Key", POST, orders, As.CLIENT, "application/json",
      Buffer.buffer(oneKnown.encode(), "UTF-8"), 400, "BAD_REQUEST", List.of(), Map.of("Idempotency-Key", "   ")));
    cases.add(new Case("order, Idempotency-Key reused for another order", POST, orders, As.MANAGER, "application/json",
      Buffer.buffer(oneKnown.encode(), "UTF-8"), 409, "CONFLICT", List.of(), Map.of("Idempotency-Key", ORDER_KEY)));

    // ---- media types: 415 ----
    cases.add(new Case("order, text/plain body", POST, orders, As.CLIENT, "text/plain",
      Buffer.buffer(oneKnown.encode(), "UTF-8"), 415, "UNSUPPORTED_MEDIA_TYPE", List.of()));
    cases.add(new Case("order, form body", POST, orders, As.CLIENT, "application/x-www-form-urlencoded",
      Buffer.buffer("productId=" + known + "&quantity=1", "UTF-8"), 415, "UNSUPPORTED_MEDIA_TYPE", List.of()));
    cases.add(new Case("order, XML body", POST, orders, As.CLIENT, "application/xml",
      Buffer.buffer("<order><item>" + known + "</item></order>", "UTF-8"), 415, "UNSUPPORTED_MEDIA_TYPE", List.of()));

    // ---- too large: 413 ----
    cases.add(new Case("order, huge body (1 MiB)", POST, orders, As.CLIENT, "application/json",
      Buffer.buffer(oneKnown.copy().put("note", "h".repeat(1 << 20)).encode(), "UTF-8"), 413, "PAYLOAD_TOO_LARGE", List.of()));
    cases.add(new Case("order, body one byte over the limit", POST, orders, As.CLIENT, "application/json",
      Buffer.buffer(padded(BODY_LIMIT + 1), "UTF-8"), 413, "PAYLOAD_TOO_LARGE", List.of()));

    // ---- who is asking: 401 ----
    for (As as : List.of(As.ANONYMOUS, As.FORGED, As.EXPIRED, As.ALG_NONE, As.GARBAGE, As.BASIC)) {
      cases.add(new Case("order, token " + as, POST, orders, as, "application/json", Buffer.buffer(oneKnown.encode(), "UTF-8"),
        401, "UNAUTHORIZED", List.of()));
    }
    cases.add(status("list orders without a token", GET, orders, As.ANONYMOUS, 401, "UNAUTHORIZED"));
    cases.add(status("list orders with a forged token", GET, orders, As.FORGED, 401, "UNAUTHORIZED"));
    cases.add(status("read an order with an expired token", GET, "/api/orders/{order}", As.EXPIRED, 401, "UNAUTHORIZED"));
    cases.add(status("cancel without a token", POST, cancel, As.ANONYMOUS, 401, "UNAUTHORIZED"));
    cases.add(status("cancel with an alg:none token", POST, cancel, As.ALG_NONE, 401, "UNAUTHORIZED"));
    cases.add(status("cancel with a forged token", POST, cancel, As.FORGED, 401, "UNAUTHORIZED"));

    // ---- list parameters: 400 naming the parameter; another user's orders: 403 ----
    cases.add(orderQuery("status=bogus", "status=bogus", "status"));
    cases.add(orderQuery("status in lower case", "status=placed", "status"));
    cases.add(orderQuery("status that is SQL", "status=PLACED%27%20OR%20%271%27%3D%271", "status"));
    cases.add(orderQuery("page=-1", "page=-1", "page"));
    cases.add(orderQuery("page=abc", "page=abc", "page"));
    cases.add(orderQuery("page beyond an int", "page=99999999999", "page"));
    cases.add(orderQuery("size=0", "size=0", "size"));
    cases.add(orderQuery("size=101", "size=101", "size"));
    cases.add(orderQuery("size=1.5", "size=1.5", "size"));
    cases.add(orderQuery("userId of 201 characters", "userId=" + "u".repeat(201), "userId"));
    cases.add(orderQuery("userId with an encoded NUL", "userId=u-client%00", "userId"));
    cases.add(orderQuery("status with an encoded NUL", "status=PLACED%00", "status"));
    cases.add(orderQuery("several bad parameters", "status=x&page=x&size=1000", "status", "page", "size"));
    cases.add(orderQuery("page=1e3", "page=1e3", "page"));
    cases.add(orderQuery("size=0x10", "size=0x10", "size"));
    cases.add(orderQuery("page beyond the first 10,000 rows", "page=100&size=100", "page"));
    cases.add(new Case("list orders with userId of 201 characters as a client", GET, orders + "?userId=" + "u".repeat(201), As.CLIENT,
      null, null, 422, "VALIDATION_FAILED", List.of("userId")));
    cases.add(status("list orders with a broken percent escape", GET, orders + "?status=%ZZ", As.MANAGER, 400, "BAD_REQUEST"));
    cases.add(status("list another user's orders as a client", GET, orders + "?userId=u-manager", As.CLIENT, 403, "FORBIDDEN"));
    cases.add(status("list orders of the same id in upper case as a client", GET, orders + "?userId=U-CLIENT", As.CLIENT,
      403, "FORBIDDEN"));

    // ---- orders that do not exist, or are not the caller's: 404 ----
    for (As as : List.of(As.MANAGER, As.CLIENT)) {
      cases.add(status("read unknown order as " + as, GET, "/api/orders/00000000-0000-0000-0000-000000000000", as, 404, "NOT_FOUND"));
      cases.add(status("cancel unknown order as " + as, POST, "/api/orders/00000000-0000-0000-0000-000000000000/cancel", as,
        404, "NOT_FOUND"));
    }
    cases.add(status("read order id of 300 characters", GET, "/api/orders/" + "o".repeat(300), As.MANAGER, 404, "NOT_FOUND"));
    cases.add(status("cancel order id of 300 characters", POST, "/api/orders/" + "o".repeat(300) + "/cancel", As.MANAGER,
      404, "NOT_FOUND"));
    cases.add(status("read order id that is SQL", GET, "/api/orders/%27%20OR%20%271%27%3D%271", As.MANAGER, 404, "NOT_FOUND"));
    cases.add(status("cancel order id that is SQL", POST, "/api/orders/%27%20OR%20%271%27%3D%271/cancel", As.MANAGER,
      404, "NOT_FOUND"));
    cases.add(status("read order id of encoded junk", GET, "/api/orders/%3Cscript%3E%E2%80%AE%F0%9F%92%A9%20%2F..", As.MANAGER,
      404, "NOT_FOUND"));
    cases.add(status("cancel order id of encoded junk", POST, "/api/orders/%3Cscript%3E%E2%80%AE%F0%9F%92%A9%20%2F../cancel",
      As.CLIENT, 404, "NOT_FOUND"));
    cases.add(status("read order id with an encoded NUL", GET, "/api/orders/abc%00def", As.MANAGER, 404, "NOT_FOUND"));
    cases.add(status("cancel order id with an encoded NUL", POST, "/api/orders/abc%00def/cancel", As.MANAGER, 404, "NOT_FOUND"));
    cases.add(status("read order id with a broken percent escape", GET, "/api/orders/%ZZ", As.MANAGER, 400, "BAD_REQUEST"));
    cases.add(status("cancel order id with a broken percent escape", POST, "/api/orders/%ZZ/cancel", As.MANAGER, 400, "BAD_REQUEST"));
    cases.add(status("read another user's order as a client", GET, "/api/orders/{order}", As.CLIENT, 404, "NOT_FOUND"));
    cases.add(status("cancel another user's order as a client", POST, cancel, As.CLIENT, 404, "NOT_FOUND"));

    // ---- cancel bodies, methods and routes ----
    cases.add(new Case("cancel with malformed JSON", POST, cancel, As.MANAGER, "application/json",
      Buffer.buffer("{\"reason\":", "UTF-8"), 400, "BAD_REQUEST", List.of()));
    cases.add(new Case("cancel with a text/plain body", POST, cancel, As.MANAGER, "text/plain",
      Buffer.buffer("please", "UTF-8"), 415, "UNSUPPORTED_MEDIA_TYPE", List.of()));
    cases.add(new Case("cancel with a body over the limit", POST, cancel, As.MANAGER, "application/json",
      Buffer.buffer(padded(BODY_LIMIT + 1), "UTF-8"), 413, "PAYLOAD_TOO_LARGE", List.of()));
    cases.add(status("GET is not how to cancel", GET, cancel, As.MANAGER, 405, "METHOD_NOT_ALLOWED"));
    cases.add(status("DELETE an order is not an operation", DELETE, "/api/orders/{order}", As.MANAGER, 405, "METHOD_NOT_ALLOWED"));
    cases.add(new Case("PUT an order is not an operation", PUT, "/api/orders/{order}", As.MANAGER, "application/json",
      Buffer.buffer("{\"status\":\"CANCELLED\"}", "UTF-8"), 405, "METHOD_NOT_ALLOWED", List.of()));
    cases.add(status("DELETE the orders is not an operation", DELETE, orders, As.MANAGER, 405, "METHOD_NOT_ALLOWED"));
    cases.add(status("too deep below an order", GET, "/api/orders/{order}/items", As.MANAGER, 404, "NOT_FOUND"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("corpus")
  @Order(1)
  void badRequestGetsTheContractsError(Case c) {
    String requestId = AllInOne.newRequestId();
    AllInOne.Call call = app.call(c.method(),
        c.path().replace("{id}", knownId).replace("{other}", otherId).replace("{order}", orderId))
      .header("X-Request-Id", requestId);
    c.headers().forEach(call::header);
    switch (c.as()) {
      case ANONYMOUS -> { }
      case MANAGER -> call.bearer(app.managerToken());
      case CLIENT -> call.bearer(app.clientToken());
      case FORGED -> call.bearer(app.forgedToken());
      case EXPIRED -> call.bearer(app.expiredToken());
      case ALG_NONE -> call.bearer(app.noneToken());
      case GARBAGE -> call.bearer("not-a-token");
      case BASIC -> call.header("Authorization", "Basic bWFuYWdlcjpzZWNyZXQ=");
    }
    if (c.body() != null) {
      call.body(c.contentType(), c.body());
    }
    HttpResponse<Buffer> response = call.send();

    assertNotEquals(500, response.statusCode(), () -> "500 for bad input: " + response.bodyAsString());
    JsonObject error = assertError(response, c.status(), c.code());
    assertEquals(requestId, response.getHeader("X-Request-Id"), "the caller's request id comes back");
    if (c.status() == 401) {
      assertNotNull(response.getHeader("WWW-Authenticate"), "401 carries a challenge");
    }
    if (!c.details().isEmpty()) {
      Object details = error.getValue("details");
      assertTrue(details instanceof JsonObject, () -> "details name the fields: " + error.encode());
      for (String field : c.details()) {
        assertTrue(((JsonObject) details).containsKey(field), () -> "details name " + field + ": " + error.encode());
      }
    }
  }

  /** The numbers that once held an event loop for seconds: measured and printed (no timed assertion), and refused. */
  @Test
  @Order(2)
  void hugeExponentsAreRefusedFromTheirText() {
    List<String> took = new ArrayList<>();
    for (String query : List.of("minPrice=1e-30000000", "maxPrice=1e-30000000", "minPrice=-1e-999999999", "page=1e3")) {
      long started = System.nanoTime();
      HttpResponse<Buffer> response = app.call(GET, "/api/products?" + query).send();
      took.add(query + " " + (System.nanoTime() - started) / 1_000_000 + " ms");
      assertError(response, 422, "VALIDATION_FAILED");
    }
    for (String price : List.of("1e-30000000", "1e400", "123456789012345678901234567890")) {
      long started = System.nanoTime();
      HttpResponse<Buffer> response = app.call(POST, "/api/products").bearer(app.managerToken())
        .body("application/json", Buffer.buffer("{\"name\":\"e\",\"category\":\"c\",\"price\":" + price + "}")).send();
      took.add("price " + price + " " + (System.nanoTime() - started) / 1_000_000 + " ms");
      assertTrue(assertError(response, 422, "VALIDATION_FAILED").getJsonObject("details").containsKey("price"), response.bodyAsString());
    }
    System.out.println("[bad numbers] " + String.join(", ", took));
  }

  @Test
  @Order(2)
  void theCorpusHasAtLeastFortyCases() {
    assertTrue(corpus().size() >= 40, "corpus size " + corpus().size());
  }

  @Test
  @Order(3)
  void nothingChanged() {
    assertEquals(totalBefore, total(), "the catalog has as many products as before");
    assertEquals(knownBefore, get(knownId), "the known product is exactly as before");
    assertEquals(otherBefore, get(otherId), "the other product is exactly as before");
    assertEquals(orderedBefore, get(orderedId), "the ordered product is exactly as before");
    // the list is read from the database, not the cache: no stock moved behind a cached product
    assertEquals(catalogBefore, catalog(), "the corpus products, read from the database, are exactly as before");
    assertEquals(ordersBefore, orders(""), "no order was placed");
    assertEquals(0, orders("?status=PENDING"), "no placement was left pending");
    assertEquals(0, orders("?status=CANCELLED"), "no order was cancelled");
    assertEquals(orderBefore, order(orderId), "the placed order is exactly as before");
    HttpResponse<Buffer> own = app.call(GET, "/api/orders").bearer(app.clientToken()).send();
    assertEquals(200, own.statusCode(), own.bodyAsString());
    assertEquals(0, own.bodyAsJsonObject().getLong("total"), "the client placed no order");
    // and the services still work
    assertEquals(200, app.call(GET, "/api/products?q=corpus").send().statusCode());
    assertEquals(200, app.call(GET, "/api/orders?status=PLACED&page=0&size=100").bearer(app.managerToken()).send().statusCode());
  }

  // ---- case builders ----------------------------------------------------------------------------

  /** A valid create body (unique name): one bad field is put on top of it. */
  private static JsonObject valid() {
    return new JsonObject().put("name", "Corpus candidate").put("description", "d").put("category", "corpus")
      .put("price", 1.5).put("stock", 1);
  }

  private static Case bad(String name, HttpMethod method, String path, String body, int status, String code) {
    return new Case(name, method, path, As.MANAGER, "application/json", Buffer.buffer(body, "UTF-8"), status, code, List.of());
  }

  private static Case invalid(String name, HttpMethod method, String path, Object body, String... fields) {
    String text = body instanceof JsonObject json ? json.encode() : (String) body;
    return new Case(name, method, path, As.MANAGER, "application/json", Buffer.buffer(text, "UTF-8"),
      422, "VALIDATION_FAILED", List.of(fields));
  }

  private static JsonObject without(JsonObject body, String field) {
    body.remove(field);
    return body;
  }

  private static Case withBody(String name, HttpMethod method, String path, JsonObject body, int status, String code) {
    return new Case(name, method, path, As.MANAGER, "application/json", Buffer.buffer(body.encode(), "UTF-8"), status, code, List.of());
  }

  private static Case status(String name, HttpMethod method, String path, As as, int status, String code) {
    return new Case(name, method, path, as, null, null, status, code, List.of());
  }

  private static Case order(String name, String body, int status, String code) {
    return new Case(name, POST, "/api/orders", As.CLIENT, "application/json", Buffer.buffer(body, "UTF-8"), status, code, List.of());
  }

  private static Case invalidOrder(String name, Object body, String... fields) {
    String text = body instanceof JsonObject json ? json.encode() : (String) body;
    return new Case(name, POST, "/api/orders", As.CLIENT, "application/json", Buffer.buffer(text, "UTF-8"),
      422, "VALIDATION_FAILED", List.of(fields));
  }

  private static Case orderQuery(String name, String query, String... parameters) {
    return new Case("list orders with " + name, GET, "/api/orders?" + query, As.MANAGER, null, null, 422, "VALIDATION_FAILED",
      List.of(parameters));
  }

  /** A purchase body with these lines. */
  private static JsonObject buy(JsonObject... lines) {
    JsonArray items = new JsonArray();
    for (JsonObject line : lines) {
      items.add(line);
    }
    return new JsonObject().put("items", items);
  }

  /** One purchase line; either value may be of any type (or null, which is put as JSON null). */
  private static JsonObject line(Object productId, Object quantity) {
    return new JsonObject().put("productId", productId).put("quantity", quantity);
  }

  private static Case query(String name, String query, String... parameters) {
    return new Case("list with " + name, GET, "/api/products?" + query, As.ANONYMOUS, null, null, 422, "VALIDATION_FAILED",
      List.of(parameters));
  }

  /** A JSON object of exactly {@code bytes} bytes. */
  private static String padded(int bytes) {
    String shell = "{\"description\":\"\"}";
    String text = "{\"description\":\"" + "p".repeat(bytes - shell.length()) + "\"}";
    assertEquals(bytes, text.getBytes(StandardCharsets.UTF_8).length);
    return text;
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static String create(JsonObject body) {
    HttpResponse<Buffer> response = app.call(POST, "/api/products").bearer(app.managerToken()).json(body).send();
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("id");
  }

  private static JsonObject get(String id) {
    HttpResponse<Buffer> response = app.call(GET, "/api/products/" + id).send();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  /** The corpus products as the list reads them: from the database, around the product cache. */
  private static JsonArray catalog() {
    HttpResponse<Buffer> response = app.call(GET, "/api/products?category=corpus&sort=name&size=100").send();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("items");
  }

  /** Places an order of the manager's, with {@link #ORDER_KEY}. */
  private static String placeOrder(String productId, int quantity) {
    HttpResponse<Buffer> response = app.call(POST, "/api/orders").bearer(app.managerToken())
      .header("Idempotency-Key", ORDER_KEY).json(buy(line(productId, quantity))).send();
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("id");
  }

  private static JsonObject order(String id) {
    HttpResponse<Buffer> response = app.call(GET, "/api/orders/" + id).bearer(app.managerToken()).send();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  /** The manager's count of every order matching {@code query}. */
  private static long orders(String query) {
    HttpResponse<Buffer> response = app.call(GET, "/api/orders" + query).bearer(app.managerToken()).send();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getLong("total");
  }

  private static long total() {
    HttpResponse<Buffer> response = app.call(GET, "/api/products?size=1").send();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getLong("total");
  }
}
