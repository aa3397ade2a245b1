package io.micronet.shared.messaging;

import io.micronet.shared.security.Access;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Revocations;
import io.micronet.shared.security.TokenVerifier;
import io.micronet.shared.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event-bus side of every service: who may run which action (from the verified token only), action
 * routing, contract errors, and the caller's time budget.
 */
@ExtendWith(VertxExtension.class)
class ActionDispatcherTest {

  private static final String ADDRESS = "test.dispatcher";
  private static final String SECRET = "a-secret-of-enough-length-for-hs256-0123456789";

  private Tokens tokens;
  private TokenVerifier verifier;
  private final List<Caller> seen = new ArrayList<>();

  @BeforeEach
  void dispatcher(Vertx vertx) {
    tokens = Tokens.withSecret(vertx, SECRET);
    verifier = new TokenVerifier(tokens, new Revocations(vertx, tokens, 3_600_000));
    vertx.eventBus().consumer(ADDRESS, new ActionDispatcher("test", verifier)
      .on("read", Access.PUBLIC, this::record)
      .on("mine", Access.ANY_ROLE, this::record)
      .on("manage", Access.MANAGER, this::record)
      .on("reserve", Access.SERVICE, this::record)
      .on("boom", Access.PUBLIC, request -> Future.failedFuture(new IllegalStateException("secret detail")))).completion().await();
  }

  private Future<ServiceResponse> record(ServiceRequest request) {
    seen.add(request.caller());
    return Future.succeededFuture(ServiceResponse.ok(new JsonObject()));
  }

  @Test
  void identityHeadersASenderWritesAreIgnored(Vertx vertx) {
    DeliveryOptions forged = call("manage").addHeader("x-caller-id", "u-1").addHeader("x-caller-role", "manager");
    assertEquals(401, status(vertx, forged));
    DeliveryOptions forgedRead = call("read").addHeader("x-caller-id", "u-1").addHeader("x-caller-role", "manager");
    assertEquals(200, status(vertx, forgedRead));
    assertEquals(null, seen.get(0), "a public action runs for an anonymous caller, whatever the headers say");
  }

  @Test
  void eachActionAdmitsOnlyItsCallers(Vertx vertx) {
    String client = tokens.issue(new Caller("c-1", "carl", Caller.CLIENT), 60);
    String manager = tokens.issue(new Caller("m-1", "mia", Caller.MANAGER), 60);
    String service = tokens.issueForService("orders-1", 60);

    assertEquals(401, status(vertx, call("mine")));
    assertEquals(200, status(vertx, withToken("mine", client)));
    assertEquals(403, status(vertx, withToken("manage", client)));
    assertEquals(200, status(vertx, withToken("manage", manager)));
    assertEquals(403, status(vertx, withToken("reserve", manager)), "a manager is no service");
    assertEquals(403, status(vertx, withToken("mine", service)), "a service is no user");
    assertEquals(200, status(vertx, withToken("reserve", service)));
    assertEquals(new Caller("m-1", "mia", Caller.MANAGER), seen.get(1));
    assertEquals(Caller.SERVICE, seen.get(2).role());
  }

  @Test
  void badTokensAreRefusedEvenForPublicActions(Vertx vertx) {
    Tokens theirs = Tokens.withSecret(vertx, "another-secret-of-enough-length-for-hs256-987");
    assertEquals(401, status(vertx, withToken("read", theirs.issue(new Caller("m-1", "mia", Caller.MANAGER), 60))));
    assertEquals(401, status(vertx, withToken("read", "not.a.token")));
    assertEquals(401, status(vertx, call("read").addHeader(Envelope.AUTHORIZATION, "Basic bWlhOnNlY3JldA==")));
    assertTrue(seen.isEmpty());
  }

  @Test
  void aRevokedTokenIsRefused(Vertx vertx) {
    String before = tokens.issue(new Caller("c-1", "carl", Caller.CLIENT), 3, 60);
    assertEquals(200, status(vertx, withToken("mine", before)));
    verifier.revocations().revoke("c-1", 4).await();
    assertEquals(401, status(vertx, withToken("mine", before)), "also when it was verified (and cached) before");
    String after = tokens.issue(new Caller("c-1", "carl", Caller.CLIENT), 4, 60);
    assertEquals(200, status(vertx, withToken("mine", after)), "a token of the new version holds");
    verifier.revocations().revoke("c-1", Revocations.DELETED).await();
    assertEquals(401, status(vertx, withToken("mine", after)), "none holds once the user is deleted");
  }

  @Test
  void aRevocationInTheClusterMapCountsOnlyWhenSignedWithTheClustersKey(Vertx vertx) {
    String token = tokens.issue(new Caller("c-2", "cleo", Caller.CLIENT), 1, 60);
    // whoever reaches Hazelcast's member port can write the map: an unsigned value must not lock a user out
    vertx.sharedData().<String, String>getAsyncMap(Revocations.MAP).compose(map -> map.put("c-2", "99.forged")).await();
    Revocations fresh = new Revocations(vertx, tokens, 3_600_000);
    fresh.start(3_600_000).await();
    assertEquals(false, fresh.revoked("c-2", 1), "an unsigned value is ignored");
    fresh.stop().await();

    Tokens otherKey = Tokens.withSecret(vertx, "another-secret-of-enough-length-for-hs256-987");
    new Revocations(vertx, otherKey, 3_600_000).revoke("c-2", 99).await();
    Revocations again = new Revocations(vertx, tokens, 3_600_000);
    again.start(3_600_000).await();
    assertEquals(false, again.revoked("c-2", 1), "a value signed with another key is ignored");
    again.stop().await();
    assertEquals(200, status(vertx, withToken("mine", token)));
  }

  @Test
  void aRequestWhoseCallerNoLongerWaitsIsRefusedWithoutRunning(Vertx vertx) {
    // a budget smaller than the reply margin: spent on arrival
    ReplyException reply = failure(vertx, call("read").addHeader(Envelope.TIME_BUDGET, "10"));
    assertEquals(504, reply.failureCode());
    assertEquals("UPSTREAM_TIMEOUT", new JsonObject(reply.getMessage()).getJsonObject("error").getString("code"));
    assertEquals(0, seen.size(), "the action did not run");
    assertEquals(200, status(vertx, call("read").addHeader(Envelope.TIME_BUDGET, "5000")));
    assertEquals(1, seen.size(), "with time left it runs");
  }

  @Test
  void anUnknownActionIsA404AndAFailureWithoutCodeAGeneric500(Vertx vertx, VertxTestContext test) {
    assertEquals(404, failure(vertx, call("nope")).failureCode());
    ReplyException boom = failure(vertx, call("boom"));
    assertEquals(500, boom.failureCode());
    assertEquals(-1, boom.getMessage().indexOf("secret detail"), "no internal detail reaches the caller");
    test.completeNow();
  }

  private static DeliveryOptions call(String action) {
    return new DeliveryOptions().addHeader(Envelope.ACTION, action);
  }

  private static DeliveryOptions withToken(String action, String token) {
    return call(action).addHeader(Envelope.AUTHORIZATION, "Bearer " + token);
  }

  private static int status(Vertx vertx, DeliveryOptions options) {
    Future<?> reply = vertx.eventBus().request(ADDRESS, new JsonObject(), options);
    reply.otherwiseEmpty().await();
    return reply.succeeded() ? 200 : assertInstanceOf(ReplyException.class, reply.cause()).failureCode();
  }

  private static ReplyException failure(Vertx vertx, DeliveryOptions options) {
    Future<?> reply = vertx.eventBus().request(ADDRESS, new JsonObject(), options);
    reply.otherwiseEmpty().await();
    return assertInstanceOf(ReplyException.class, reply.cause());
  }
}
