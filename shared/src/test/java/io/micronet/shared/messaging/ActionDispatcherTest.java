package io.micronet.shared.messaging;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The event-bus side of every service: action routing, contract errors, and the caller's time budget. */
@ExtendWith(VertxExtension.class)
class ActionDispatcherTest {

  private static final String ADDRESS = "test.dispatcher";

  @Test
  void aRequestWhoseCallerNoLongerWaitsIsRefusedWithoutRunning(Vertx vertx, VertxTestContext test) {
    AtomicInteger runs = new AtomicInteger();
    vertx.eventBus().consumer(ADDRESS, new ActionDispatcher("test").on("write", request -> {
      runs.incrementAndGet();
      return Future.succeededFuture(ServiceResponse.ok(new JsonObject()));
    }));
    // a budget smaller than the reply margin: spent on arrival
    DeliveryOptions spent = new DeliveryOptions().addHeader(Envelope.ACTION, "write").addHeader(Envelope.TIME_BUDGET, "10");
    vertx.eventBus().request(ADDRESS, new JsonObject(), spent).onComplete(test.failing(failure -> test.verify(() -> {
      ReplyException reply = assertInstanceOf(ReplyException.class, failure);
      assertEquals(504, reply.failureCode());
      assertEquals("UPSTREAM_TIMEOUT", new JsonObject(reply.getMessage()).getJsonObject("error").getString("code"));
      assertEquals(0, runs.get(), "the action did not run");
      DeliveryOptions ample = new DeliveryOptions().addHeader(Envelope.ACTION, "write").addHeader(Envelope.TIME_BUDGET, "5000");
      vertx.eventBus().request(ADDRESS, new JsonObject(), ample).onComplete(test.succeeding(answer -> test.verify(() -> {
        assertEquals(1, runs.get(), "with time left it runs");
        test.completeNow();
      })));
    })));
  }

  @Test
  void anUnknownActionIsA404AndAFailureWithoutCodeAGeneric500(Vertx vertx, VertxTestContext test) {
    vertx.eventBus().consumer(ADDRESS, new ActionDispatcher("test")
      .on("boom", request -> Future.failedFuture(new IllegalStateException("secret detail"))));
    vertx.eventBus().request(ADDRESS, new JsonObject(), new DeliveryOptions().addHeader(Envelope.ACTION, "nope"))
      .onComplete(test.failing(unknown -> test.verify(() -> {
        assertEquals(404, ((ReplyException) unknown).failureCode());
        vertx.eventBus().request(ADDRESS, new JsonObject(), new DeliveryOptions().addHeader(Envelope.ACTION, "boom"))
          .onComplete(test.failing(boom -> test.verify(() -> {
            ReplyException reply = (ReplyException) boom;
            assertEquals(500, reply.failureCode());
            assertEquals(-1, reply.getMessage().indexOf("secret detail"), "no internal detail reaches the caller");
            test.completeNow();
          })));
      })));
  }
}
