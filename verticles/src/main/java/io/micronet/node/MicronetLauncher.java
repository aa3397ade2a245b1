package io.micronet.node;

import com.hazelcast.config.Config;
import io.micronet.shared.config.MicronetConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.TimeUnit;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * {@code java -jar micronet.jar [-cluster -cluster-host H -conf F]}: the Vert.x 5 launcher with our
 * hooks — configuration merged once (defaults, -conf, env), Hazelcast and metrics wired into the
 * Vert.x builder, and a shutdown that drains the node before Vert.x closes and exits 0.
 */
public class MicronetLauncher extends VertxApplication implements VertxApplicationHooks {

  private static final Logger LOG = LoggerFactory.getLogger(MicronetLauncher.class);

  private MicronetConfig config;
  private Config hazelcast;

  public MicronetLauncher(String[] args) {
    super(args);
  }

  public static void main(String[] args) {
    // SIGTERM / Ctrl-C: a normal exit (status 0) that runs the shutdown hook, which drains and closes Vert.x
    System.setProperty("hazelcast.logging.type", "slf4j");
    Signal.handle(new Signal("TERM"), signal -> System.exit(0));
    Signal.handle(new Signal("INT"), signal -> System.exit(0));
    new MicronetLauncher(args).launch();
  }

  @Override
  public JsonObject afterConfigParsed(JsonObject given) {
    try {
      config = MicronetConfig.load(given);
    } catch (IllegalArgumentException e) {
      LOG.error("invalid configuration: " + e.getMessage());
      System.exit(2);
    }
    return config.json();
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    options.setMetricsOptions(Metrics.options());
    options.setEventLoopPoolSize(config.eventLoops());
    hazelcast = ClusterSettings.hazelcastConfig(config);
    return Vertx.builder().with(options)
      .withMetrics(Metrics.factory())
      .withClusterManager(new HazelcastClusterManager(hazelcast));
  }

  @Override
  public void beforeStartingVertx(HookContext context) {
    EventBusOptions eventBus = context.vertxOptions().getEventBusOptions();
    ClusterSettings.bindTo(hazelcast, eventBus.getHost(), eventBus.getClusterPublicHost());
  }

  @Override
  public void afterFailureToDeployVerticle(HookContext context, Throwable t) {
    LOG.error("node failed to start: " + t.getMessage());
    context.vertx().close();
  }

  @Override
  public void beforeStoppingVertx(HookContext context) {
    long grace = config.shutdownGraceMillis();
    try {
      context.vertx().eventBus()
        .request(NodeVerticle.DRAIN_ADDRESS, null, new DeliveryOptions().setLocalOnly(true).setSendTimeout(grace + 5_000))
        .toCompletionStage().toCompletableFuture().get(grace + 10_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("node drain did not complete", kv("reason", String.valueOf(e.getMessage())));
    }
  }
}
