package io.micronet.monitor;

import io.micronet.shared.discovery.HttpEndpointSpec;
import io.micronet.shared.discovery.Upstream;
import io.micronet.shared.health.InstanceCheck;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a {@code health} answer is read. */
class ProberTest {

  @Test
  void readsTheAnswer() {
    assertEquals(InstanceCheck.up(), Prober.read(Buffer.buffer(new JsonObject().put("status", "UP").encode())));
    assertEquals(InstanceCheck.databaseDown("timeout"), Prober.read(new JsonObject().put("status", "UP")
      .put("database", new JsonObject().put("status", "DOWN").put("reason", "timeout"))));
    assertEquals(InstanceCheck.up(), Prober.read(new JsonObject().put("status", "UP").put("database", new JsonObject().put("status", "UP"))));
    InstanceCheck injected = Prober.read(new JsonObject().put("status", "UP").put("failure", new JsonObject().put("mode", "latency")
      .put("latencyMs", 800).put("until", Instant.now().plusSeconds(20).toString())));
    assertEquals(InstanceCheck.Outcome.UP, injected.outcome());
    assertTrue(injected.injected().startsWith("latency of 800 ms"), injected.injected());
    assertEquals(InstanceCheck.Outcome.FAILING, Prober.read(new JsonObject().put("status", "SOMETHING")).outcome());
    assertEquals(InstanceCheck.Outcome.FAILING, Prober.read("junk").outcome());
  }

  /** The reason goes into /status, which anyone reads: it says what is wrong, never where the service lives. */
  @Test
  void anUnreachableHttpServiceIsNamedWithoutItsAddress() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Vertx vertx = Vertx.vertx();
    WebClient web = WebClient.create(vertx);
    try {
      Upstream upstream = Upstream.http(new HttpEndpointSpec("legacy", "127.0.0.1", port, "/", "any"), "node-a",
        CircuitBreaker.create("probe-test", vertx));
      InstanceCheck check = new Prober(vertx, web, null).check(upstream, 1000).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
      System.out.println("reason: " + check.reason());
      assertEquals(InstanceCheck.Outcome.NO_ANSWER, check.outcome());
      assertFalse(check.reason().contains(String.valueOf(port)) || check.reason().contains("127.0.0.1"), check.reason());
    } finally {
      web.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
