package io.micronet.node;

import ch.qos.logback.classic.LoggerContext;
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

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * {@code java -jar micronet.jar [-cluster -cluster-host H -conf F]}: the Vert.x 5 launcher with our
 * hooks — configuration merged once (defaults, -conf, env), Hazelcast and metrics wired into the
 * Vert.x builder, and a shutdown that drains the node before Vert.x closes and exits 0.
 */
public class MicronetLauncher extends VertxApplication implements VertxApplicationHooks {

  private static final Logger LOG = LoggerFactory.getLogger(MicronetLauncher.class);

  private final boolean clustered;
  private MicronetConfig config;
  private Config hazelcast;

  public MicronetLauncher(String[] args) {
    super(args);
    this.clustered = clustered(List.of(args));
  }

  /** The launcher's own flag: {@code -cluster} (or {@code -c}, {@code --cluster}). */
  static boolean clustered(List<String> args) {
    return args.contains("-cluster") || args.contains("--cluster") || args.contains("-c");
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
      refuseToStart("invalid configuration: " + e.getMessage());
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
    if (!clustered) {
      return;
    }
    ClusterSettings.eventBusPort(eventBus, config.clusterEventBusPort());
    ClusterTransport transport = ClusterTransport.decide(config.clusterTls(), config.clusterInsecure(), eventBus.getHost());
    if (transport.kind() == ClusterTransport.Kind.TLS) {
      try {
        ClusterTlsCheck.verify(transport.tls(), Instant.now());
      } catch (IllegalArgumentException e) {
        refuseToStart("invalid cluster TLS: " + e.getMessage());
      }
    }
    switch (transport.kind()) {
      case REFUSED -> refuseToStart(transport.message());
      case PLAIN_INSECURE -> LOG.warn(transport.message());
      default -> LOG.info(transport.message(), kv("eventBusPort", eventBus.getPort()));
    }
    transport.applyTo(eventBus);
  }

  /**
   * Exit status 2 with the reason on stderr (one line a person reads) and in the log. The log is written
   * asynchronously: its context is stopped first so the line is not lost on exit.
   */
  private static void refuseToStart(String reason) {
    LOG.error(reason);
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
      logback.stop();
    }
    System.err.println("micronet: " + reason);
    System.exit(2);
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
