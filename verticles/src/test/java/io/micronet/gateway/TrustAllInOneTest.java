package io.micronet.gateway;

import io.micronet.shared.messaging.Envelope;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static io.micronet.gateway.AllInOne.assertError;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Trust in the all-in-one: services decide who calls from the token alone (a sender on the bus that writes
 * identity headers gets nowhere), each service checks its own action table, and a user's earlier tokens end
 * when it is demoted or deleted. The same across JVMs: TrustClusterIT.
 */
class TrustAllInOneTest {

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
  void aSenderOnTheBusWithForgedIdentityHeadersGetsNothingAServiceDoesNotGiveAnyone() {
    String products = app.instanceAddress("products");
    String users = app.instanceAddress("users");
    String name = "forged-" + UUID.randomUUID();
    JsonObject product = new JsonObject().put("name", name).put("category", "forged").put("price", 1.5).put("stock", 5);
    JsonObject forgedManager = new JsonObject().put("x-caller-id", "u-manager").put("x-caller-role", "manager");

    assertEquals(401, status(products, "create", forgedManager, null, product));
    assertEquals(401, status(products, "reserve", forgedManager, null,
      new JsonObject().put("reservationId", "o-1").put("items", List.of(new JsonObject().put("productId", "p").put("quantity", 1)))));
    assertEquals(401, status(products, "release", forgedManager, null, new JsonObject().put("reservationId", "o-1")));
    assertEquals(401, status(users, "create", forgedManager, null, new JsonObject().put("username", "mallory")
      .put("email", "m@example.com").put("password", "mallory-password").put("role", "manager")));

    // with a client's token: what a client may do, and nothing else
    String client = app.clientToken();
    assertEquals(200, status(products, "list", forgedManager, client, null));
    assertEquals(403, status(products, "create", forgedManager, client, product));
    assertEquals(403, status(products, "reserve", forgedManager, client, new JsonObject().put("reservationId", "o-1")));
    assertEquals(403, status(users, "list", forgedManager, client, null));
    // a manager's token is a user's, not a service's: internal actions stay closed to it
    assertEquals(403, status(products, "release", new JsonObject(), app.managerToken(), new JsonObject().put("reservationId", "o-1")));

    HttpResponse<Buffer> found = app.call(GET, "/api/products?q=" + name).send();
    assertEquals(0, found.bodyAsJsonObject().getInteger("total"), "nothing was created: " + found.bodyAsString());
  }

  @Test
  void aDemotedManagersEarlierTokenIsRefused() {
    String manager = app.login("manager", AllInOne.ADMIN_PASSWORD);
    String username = "promoted-" + UUID.randomUUID().toString().substring(0, 8);
    String id = app.call(POST, "/api/auth/register").json(new JsonObject().put("username", username)
      .put("email", username + "@example.com").put("password", "promoted-password")).send().bodyAsJsonObject().getString("id");
    assertEquals(200, app.call(PUT, "/api/users/" + id).bearer(manager).json(new JsonObject().put("role", "manager")).send().statusCode());
    String promoted = app.login(username, "promoted-password");
    assertEquals(200, app.call(GET, "/api/users").bearer(promoted).send().statusCode(), "a manager now");

    assertEquals(200, app.call(PUT, "/api/users/" + id).bearer(manager).json(new JsonObject().put("role", "client")).send().statusCode());
    assertError(app.call(GET, "/api/users").bearer(promoted).send(), 401, "UNAUTHORIZED");
    assertError(app.call(GET, "/api/users/me").bearer(promoted).send(), 401, "UNAUTHORIZED");

    String again = app.login(username, "promoted-password");
    assertError(app.call(GET, "/api/users").bearer(again).send(), 403, "FORBIDDEN");
    assertEquals(200, app.call(GET, "/api/users/me").bearer(again).send().statusCode(), "a fresh login holds, as a client");
  }

  @Test
  void aDeletedUsersTokenIsRefused() {
    String username = "leaving-" + UUID.randomUUID().toString().substring(0, 8);
    String id = app.call(POST, "/api/auth/register").json(new JsonObject().put("username", username)
      .put("email", username + "@example.com").put("password", "leaving-password")).send().bodyAsJsonObject().getString("id");
    String token = app.login(username, "leaving-password");
    assertEquals(204, app.call(DELETE, "/api/users/" + id).bearer(token).send().statusCode());
    assertError(app.call(GET, "/api/orders").bearer(token).send(), 401, "UNAUTHORIZED");
  }

  @Test
  void tokensForAnotherAudienceOrOfAServiceAreRefusedAtTheGateway() {
    JWTAuth raw = JWTAuth.create(app.vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(app.secret)));
    String otherAudience = raw.generateToken(new JsonObject().put("sub", "u-manager").put("role", "manager").put("iss", "micronet"),
      new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(600).setAudience(List.of("some-other-api")));
    assertError(app.call(GET, "/api/users").bearer(otherAudience).send(), 401, "UNAUTHORIZED");
    String service = app.tokens.issueForService("orders-x", 600);
    assertError(app.call(GET, "/api/orders").bearer(service).send(), 403, "FORBIDDEN");
  }

  /** A direct event-bus request, as any sender on the bus could make it: 200 for an answer, else the failure code. */
  private static int status(String address, String action, JsonObject headers, String token, JsonObject body) {
    DeliveryOptions options = new DeliveryOptions().addHeader(Envelope.ACTION, action).setSendTimeout(AllInOne.HANG_GUARD_MS);
    headers.forEach(header -> options.addHeader(header.getKey(), String.valueOf(header.getValue())));
    if (token != null) {
      options.addHeader(Envelope.AUTHORIZATION, "Bearer " + token);
    }
    Future<?> reply = app.vertx.eventBus().request(address, Envelope.body(new JsonObject(), new JsonObject(), body), options);
    reply.otherwiseEmpty().await();
    return reply.succeeded() ? 200 : assertInstanceOf(ReplyException.class, reply.cause()).failureCode();
  }
}
