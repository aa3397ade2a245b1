package io.micronet.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.micronet.gateway.AllInOne.assertError;
import static io.micronet.gateway.AllInOne.assertJsonType;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The users service in the all-in-one, through real HTTP: register → login → me, the first manager's
 * login, roles and ownership at the REST surface, and bad inputs that must get the contract's errors.
 */
@ExtendWith(VertxExtension.class)
class UsersAllInOneTest {

  @TempDir
  static Path dataDir;

  private static AllInOne app;

  @BeforeAll
  static void start() {
    app = AllInOne.start(dataDir, new JsonObject());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void registerThenLoginThenMe() {
    String username = unique("rita");
    HttpResponse<Buffer> registered = app.call(POST, "/api/auth/register")
      .json(new JsonObject().put("username", username).put("email", username + "@example.com")
        .put("password", "rita-password").put("name", "Rita"))
      .send();
    assertEquals(201, registered.statusCode(), registered.bodyAsString());
    assertJsonType(registered);
    JsonObject user = registered.bodyAsJsonObject();
    assertEquals(Set.of("id", "username", "email", "name", "role", "createdAt", "updatedAt"), user.fieldNames());
    assertEquals("client", user.getString("role"));

    JsonObject login = login(username, "rita-password");
    assertEquals(Set.of("token", "tokenType", "expiresIn", "user"), login.fieldNames());
    assertEquals("Bearer", login.getString("tokenType"));
    assertEquals(3600, login.getInteger("expiresIn"));
    assertEquals(new JsonObject().put("id", user.getString("id")).put("username", username).put("role", "client"),
      login.getJsonObject("user"));

    HttpResponse<Buffer> me = app.call(GET, "/api/users/me").bearer(login.getString("token")).send();
    assertEquals(200, me.statusCode(), me.bodyAsString());
    assertEquals(user, me.bodyAsJsonObject());
    assertError(app.call(GET, "/api/users/me").send(), 401, "UNAUTHORIZED");
  }

  @Test
  void theManagerLogsInWithTheAdminPasswordAndManagesUsers() {
    String token = login("manager", AllInOne.ADMIN_PASSWORD).getString("token");
    String username = unique("sam");
    HttpResponse<Buffer> created = app.call(POST, "/api/users").bearer(token)
      .json(new JsonObject().put("username", username).put("email", username + "@example.com")
        .put("password", "sam-password").put("role", "manager"))
      .send();
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals("manager", created.bodyAsJsonObject().getString("role"));
    String id = created.bodyAsJsonObject().getString("id");

    HttpResponse<Buffer> list = app.call(GET, "/api/users?role=manager&q=" + username).bearer(token).send();
    assertEquals(200, list.statusCode(), list.bodyAsString());
    assertEquals(1, list.bodyAsJsonObject().getLong("total"));
    assertEquals(Set.of("items", "page", "size", "total"), list.bodyAsJsonObject().fieldNames());

    HttpResponse<Buffer> demoted = app.call(PUT, "/api/users/" + id).bearer(token)
      .json(new JsonObject().put("role", "client")).send();
    assertEquals(200, demoted.statusCode(), demoted.bodyAsString());
    assertEquals("client", demoted.bodyAsJsonObject().getString("role"));
    assertEquals(204, app.call(DELETE, "/api/users/" + id).bearer(token).send().statusCode());
    assertError(app.call(GET, "/api/users/" + id).bearer(token).send(), 404, "NOT_FOUND");
    assertError(login("manager", "not-the-admin-password", 401), 401, "UNAUTHORIZED");
  }

  @Test
  void aClientIsForbiddenOthersButManagesItself() {
    String token = registerAndLogin(unique("tom"), "tom-password");
    String otherId = app.call(POST, "/api/auth/register").json(new JsonObject().put("username", unique("una"))
      .put("email", unique("una") + "@example.com").put("password", "una-password")).send().bodyAsJsonObject().getString("id");
    String ownId = app.call(GET, "/api/users/me").bearer(token).send().bodyAsJsonObject().getString("id");

    assertError(app.call(GET, "/api/users").bearer(token).send(), 403, "FORBIDDEN");
    assertError(app.call(POST, "/api/users").bearer(token).json(new JsonObject().put("username", "x")).send(), 403, "FORBIDDEN");
    assertError(app.call(GET, "/api/users/" + otherId).bearer(token).send(), 403, "FORBIDDEN");
    assertError(app.call(PUT, "/api/users/" + otherId).bearer(token).json(new JsonObject().put("name", "x")).send(), 403, "FORBIDDEN");
    assertError(app.call(DELETE, "/api/users/" + otherId).bearer(token).send(), 403, "FORBIDDEN");
    assertError(app.call(PUT, "/api/users/" + ownId).bearer(token).json(new JsonObject().put("role", "manager")).send(),
      403, "FORBIDDEN");
    assertError(app.call(GET, "/api/users").send(), 401, "UNAUTHORIZED");

    HttpResponse<Buffer> renamed = app.call(PUT, "/api/users/" + ownId).bearer(token).json(new JsonObject().put("name", "Tom T.")).send();
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    assertEquals("client", renamed.bodyAsJsonObject().getString("role"));
  }

  @Test
  void changingOnesOwnPasswordNeedsTheCurrentOne() {
    String username = unique("vic");
    String token = registerAndLogin(username, "vic-password-1");
    String ownId = app.call(GET, "/api/users/me").bearer(token).send().bodyAsJsonObject().getString("id");
    JsonObject change = new JsonObject().put("password", "vic-password-2");
    JsonObject missing = assertError(app.call(PUT, "/api/users/" + ownId).bearer(token).json(change).send(), 403, "FORBIDDEN");
    assertTrue(missing.getString("message").contains("currentPassword"), missing.encode());
    assertError(app.call(PUT, "/api/users/" + ownId).bearer(token).json(change.copy().put("currentPassword", "not-it")).send(),
      403, "FORBIDDEN");
    HttpResponse<Buffer> changed = app.call(PUT, "/api/users/" + ownId).bearer(token)
      .json(change.copy().put("currentPassword", "vic-password-1")).send();
    assertEquals(200, changed.statusCode(), changed.bodyAsString());
    assertFalse(changed.bodyAsString().contains("vic-password"), "no password comes back");
    login(username, "vic-password-2");
    assertError(login(username, "vic-password-1", 401), 401, "UNAUTHORIZED");

    // a manager sets it without knowing it
    String manager = login("manager", AllInOne.ADMIN_PASSWORD).getString("token");
    HttpResponse<Buffer> reset = app.call(PUT, "/api/users/" + ownId).bearer(manager).json(new JsonObject().put("password", "vic-password-3")).send();
    assertEquals(200, reset.statusCode(), reset.bodyAsString());
    login(username, "vic-password-3");
  }

  /** On an all-in-one of its own: the limit also counts per client address, and every test here comes from loopback. */
  @Test
  void failedLoginsAreLimitedWithRetryAfter(@TempDir Path ownDataDir) {
    try (AllInOne own = AllInOne.start(ownDataDir, new JsonObject())) {
      for (int i = 0; i < 5; i++) {
        assertError(login(own, "manager", "wrong-password"), 401, "UNAUTHORIZED");
      }
      HttpResponse<Buffer> limited = login(own, "manager", AllInOne.ADMIN_PASSWORD);
      assertError(limited, 429, "RATE_LIMITED");
      String retryAfter = limited.getHeader("Retry-After");
      assertNotNull(retryAfter, "Retry-After");
      assertTrue(Long.parseLong(retryAfter) >= 1, retryAfter);
    }
  }

  /**
   * Behind a proxy of ours (loopback listed in gateway.trustedProxies), each client is its X-Forwarded-For address:
   * a stranger's five wrong passwords for `manager` hold back that stranger, not the manager at another address.
   */
  @Test
  void failedLoginsFromOneAddressDoNotLockTheUserOutFromAnother(@TempDir Path ownDataDir) {
    JsonObject behindProxy = new JsonObject().put("gateway", new JsonObject().put("trustedProxies", "127.0.0.1/32"));
    try (AllInOne own = AllInOne.start(ownDataDir, behindProxy)) {
      for (int i = 0; i < 5; i++) {
        assertError(loginFrom(own, "203.0.113.66", "wrong-password"), 401, "UNAUTHORIZED");
      }
      assertError(loginFrom(own, "203.0.113.66", AllInOne.ADMIN_PASSWORD), 429, "RATE_LIMITED");
      HttpResponse<Buffer> elsewhere = loginFrom(own, "198.51.100.7", AllInOne.ADMIN_PASSWORD);
      assertEquals(200, elsewhere.statusCode(), elsewhere.bodyAsString());
    }
  }

  private static HttpResponse<Buffer> loginFrom(AllInOne to, String clientAddress, String password) {
    return to.call(POST, "/api/auth/login").header("X-Forwarded-For", clientAddress)
      .json(new JsonObject().put("username", "manager").put("password", password)).send();
  }

  record Case(String name, HttpMethod method, String path, String body, int status, String code) {
    @Override
    public String toString() {
      return name + " → " + status + " " + code;
    }
  }

  static List<Case> badInputs() {
    String valid = "\"email\":\"w@example.com\",\"password\":\"w-password\"";
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("register: malformed JSON", POST, "/api/auth/register", "{\"username\":", 400, "BAD_REQUEST"));
    cases.add(new Case("register: array", POST, "/api/auth/register", "[]", 400, "BAD_REQUEST"));
    cases.add(new Case("register: empty body", POST, "/api/auth/register", "", 400, "BAD_REQUEST"));
    cases.add(new Case("register: username is a number", POST, "/api/auth/register", "{\"username\":5," + valid + "}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("register: password is an object", POST, "/api/auth/register",
      "{\"username\":\"wil\",\"email\":\"w@example.com\",\"password\":{}}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("register: missing fields", POST, "/api/auth/register", "{}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("register: extra field", POST, "/api/auth/register", "{\"username\":\"wil\",\"admin\":true," + valid + "}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("register: role given", POST, "/api/auth/register", "{\"username\":\"wil\",\"role\":\"manager\"," + valid + "}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("register: username of 51 characters", POST, "/api/auth/register",
      "{\"username\":\"" + "w".repeat(51) + "\"," + valid + "}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("register: password of 129 characters", POST, "/api/auth/register",
      "{\"username\":\"wil\",\"email\":\"w@example.com\",\"password\":\"" + "p".repeat(129) + "\"}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("register: name of 101 characters", POST, "/api/auth/register",
      "{\"username\":\"wil\",\"name\":\"" + "n".repeat(101) + "\"," + valid + "}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("register: bad email", POST, "/api/auth/register",
      "{\"username\":\"wil\",\"email\":\"nobody\",\"password\":\"w-password\"}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("register: lone surrogate in the password", POST, "/api/auth/register",
      "{\"username\":\"wil\",\"email\":\"w@example.com\",\"password\":\"half \\ud83d pair!\"}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("login: malformed JSON", POST, "/api/auth/login", "{\"username\"", 400, "BAD_REQUEST"));
    cases.add(new Case("login: number body", POST, "/api/auth/login", "7", 400, "BAD_REQUEST"));
    cases.add(new Case("login: password missing", POST, "/api/auth/login", "{\"username\":\"manager\"}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("login: username is an array", POST, "/api/auth/login", "{\"username\":[],\"password\":\"x\"}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("login: extra field", POST, "/api/auth/login",
      "{\"username\":\"a\",\"password\":\"b\",\"remember\":true}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("login: username of 10000 characters", POST, "/api/auth/login",
      "{\"username\":\"" + "u".repeat(10_000) + "\",\"password\":\"b\"}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("users: PUT with no field", PUT, "/api/users/{me}", "{}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("users: PUT with a wrong type", PUT, "/api/users/{me}", "{\"email\":false}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("users: PUT malformed", PUT, "/api/users/{me}", "{", 400, "BAD_REQUEST"));
    cases.add(new Case("users: currentPassword without password", PUT, "/api/users/{me}", "{\"currentPassword\":\"x\"}",
      422, "VALIDATION_FAILED"));
    cases.add(new Case("users: currentPassword is a number", PUT, "/api/users/{me}",
      "{\"password\":\"new-password\",\"currentPassword\":12345678}", 422, "VALIDATION_FAILED"));
    cases.add(new Case("users: own password without currentPassword", PUT, "/api/users/{me}", "{\"password\":\"new-password\"}",
      403, "FORBIDDEN"));
    cases.add(new Case("users: list page=1e3", GET, "/api/users?page=1e3", null, 422, "VALIDATION_FAILED"));
    cases.add(new Case("users: list beyond the first 10,000 rows", GET, "/api/users?page=100&size=100", null, 422, "VALIDATION_FAILED"));
    cases.add(new Case("users: PUT unknown id", PUT, "/api/users/no-such-user", "{\"name\":\"x\"}", 404, "NOT_FOUND"));
    cases.add(new Case("users: GET unknown id", GET, "/api/users/no-such-user", null, 404, "NOT_FOUND"));
    cases.add(new Case("users: DELETE unknown id", DELETE, "/api/users/no-such-user", null, 404, "NOT_FOUND"));
    cases.add(new Case("users: list size=101", GET, "/api/users?size=101", null, 422, "VALIDATION_FAILED"));
    cases.add(new Case("users: list role=root", GET, "/api/users?role=root", null, 422, "VALIDATION_FAILED"));
    cases.add(new Case("users: create with a bad role", POST, "/api/users",
      "{\"username\":\"wil\",\"role\":\"root\"," + valid + "}", 422, "VALIDATION_FAILED"));
    return cases;
  }

  /** Sent as the manager (the public routes ignore the token): every one gets the contract's error, never a 500. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInputGetsTheContractError(Case bad) {
    String token = login("manager", AllInOne.ADMIN_PASSWORD).getString("token");
    String meId = app.call(GET, "/api/users/me").bearer(token).send().bodyAsJsonObject().getString("id");
    AllInOne.Call call = app.call(bad.method(), bad.path().replace("{me}", meId)).bearer(token);
    if (bad.body() != null) {
      call.body("application/json", Buffer.buffer(bad.body(), "UTF-8"));
    }
    HttpResponse<Buffer> response = call.send();
    JsonObject error = assertError(response, bad.status(), bad.code());
    if (bad.status() == 422) {
      assertFalse(error.getJsonObject("details", new JsonObject()).isEmpty(), "422 names the fields: " + error);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static String registerAndLogin(String username, String password) {
    HttpResponse<Buffer> registered = app.call(POST, "/api/auth/register").json(new JsonObject().put("username", username)
      .put("email", username + "@example.com").put("password", password)).send();
    assertEquals(201, registered.statusCode(), registered.bodyAsString());
    return login(username, password).getString("token");
  }

  private static JsonObject login(String username, String password) {
    return login(username, password, 200).bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> login(String username, String password, int expected) {
    HttpResponse<Buffer> response = login(app, username, password);
    assertEquals(expected, response.statusCode(), response.bodyAsString());
    return response;
  }

  private static HttpResponse<Buffer> login(AllInOne to, String username, String password) {
    return to.call(POST, "/api/auth/login").json(new JsonObject().put("username", username).put("password", password)).send();
  }

  private static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().substring(0, 8);
  }
}
