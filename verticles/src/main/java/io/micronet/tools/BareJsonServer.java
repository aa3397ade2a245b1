package io.micronet.tools;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The benchmark's baseline: a bare Vert.x HTTP server answering every request with a fixed JSON body
 * (the same product the gateway serves). {@code java -cp micronet.jar io.micronet.tools.BareJsonServer PORT JSON}
 */
public final class BareJsonServer {

  private BareJsonServer() {
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Buffer body = Buffer.buffer(args[1]);
    Vertx vertx = Vertx.vertx();
    int instances = Runtime.getRuntime().availableProcessors();
    vertx.deployVerticle(() -> new io.vertx.core.VerticleBase() {
      @Override
      public io.vertx.core.Future<?> start() {
        return vertx.createHttpServer(new HttpServerOptions().setPort(port))
          .requestHandler(req -> req.response().putHeader("Content-Type", "application/json").end(body))
          .listen();
      }
    }, new io.vertx.core.DeploymentOptions().setInstances(instances)).await();
    System.out.println("bare server listening on " + port);
  }
}
