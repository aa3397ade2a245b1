package io.micronet.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
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
 * change anything: the catalog is compared before and after.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputCorpusTest {

  private static final int BODY_LIMIT = 4096;
  private static final String KNOWN_NAME = "Corpus Known Product";
  private static final String OTHER_NAME = "Corpus Other Product";

  @TempDir
  static Path dataDir;

  private static AllInOne app;
  private static String knownId;
  private static String otherId;
  private static JsonObject knownBefore;
  private static JsonObject otherBefore;
  private static long totalBefore;

  /** Who the request claims to be. */
  enum As { ANONYMOUS, MANAGER, CLIENT, FORGED, EXPIRED, ALG_NONE, GARBAGE, BASIC }

  /**
   * One bad request and what it must get. {@code path} may hold {@code {id}} (the known product) or
   * {@code {other}}; {@code details} are the field names the error's details must name.
   */
  record Case(String name, HttpMethod method, String path, As as, String contentType, Buffer body,
              int status, String code, List<String> details) {

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
    knownBefore = get(knownId);
    otherBefore = get(otherId);
    totalBefore = total();
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
    cases.add(query("several bad parameters", "page=x&size=1000&sort=up", "page", "size", "sort"));
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
    return cases;
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("corpus")
  @Order(1)
  void badRequestGetsTheContractsError(Case c) {
    String requestId = AllInOne.newRequestId();
    AllInOne.Call call = app.call(c.method(), c.path().replace("{id}", knownId).replace("{other}", otherId))
      .header("X-Request-Id", requestId);
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
    // and the service still works
    assertEquals(200, app.call(GET, "/api/products?q=corpus").send().statusCode());
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

  private static Case query(String name, String query, String... parameters) {
    return new Case("list with " + name, GET, "/api/products?" + query, As.ANONYMOUS, null, null, 400, "BAD_REQUEST",
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

  private static long total() {
    HttpResponse<Buffer> response = app.call(GET, "/api/products?size=1").send();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getLong("total");
  }
}
