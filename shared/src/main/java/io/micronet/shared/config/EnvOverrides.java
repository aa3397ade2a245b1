package io.micronet.shared.config;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * The environment variables a node honours, each bound to one configuration key. Env wins over
 * conf files. The README's configuration reference lists the same table.
 */
public final class EnvOverrides {

  enum Kind { STRING, INT, LIST, BOOLEAN }

  record Binding(String variable, String path, Kind kind) {
  }

  static final List<Binding> BINDINGS = List.of(
    new Binding("MICRONET_HTTP_PORT", "http.port", Kind.INT),
    new Binding("MICRONET_HTTP_BODY_LIMIT_BYTES", "http.bodyLimitBytes", Kind.INT),
    new Binding("MICRONET_CORS_ORIGINS", "http.corsOrigins", Kind.LIST),
    new Binding("MICRONET_GRPC_PORT", "grpc.port", Kind.INT),
    new Binding("MICRONET_DATA_DIR", "storage.dataDir", Kind.STRING),
    new Binding("MICRONET_DB_URL", "storage.dbUrl", Kind.STRING),
    new Binding("MICRONET_DB_POOL_SIZE", "storage.poolSize", Kind.INT),
    new Binding("MICRONET_DB_IDLE_IN_TRANSACTION_SECONDS", "storage.idleInTransactionSeconds", Kind.INT),
    new Binding("MICRONET_ADMIN_PASSWORD", "security.adminPassword", Kind.STRING),
    new Binding("MICRONET_JWT_SECRET", "security.jwtSecret", Kind.STRING),
    new Binding("MICRONET_CLOCK_SKEW_SECONDS", "security.clockSkewSeconds", Kind.INT),
    new Binding("MICRONET_CLUSTER_MEMBERS", "cluster.members", Kind.STRING),
    new Binding("MICRONET_CLUSTER_NAME", "cluster.name", Kind.STRING),
    new Binding("MICRONET_CLUSTER_CONFIG", "cluster.config", Kind.STRING),
    new Binding("MICRONET_CLUSTER_TLS_KEY", "cluster.tls.keyPath", Kind.STRING),
    new Binding("MICRONET_CLUSTER_TLS_CERT", "cluster.tls.certPath", Kind.STRING),
    new Binding("MICRONET_CLUSTER_TLS_CA", "cluster.tls.caPath", Kind.STRING),
    new Binding("MICRONET_CLUSTER_INSECURE", "cluster.insecure", Kind.BOOLEAN),
    new Binding("MICRONET_CLUSTER_EVENTBUS_PORT", "cluster.eventBusPort", Kind.INT),
    new Binding("MICRONET_VERTICLES", "node.verticles", Kind.LIST),
    new Binding("MICRONET_NODE_NAME", "node.name", Kind.STRING),
    new Binding("MICRONET_CHAOS_ENABLED", "chaos.enabled", Kind.BOOLEAN),
    new Binding("MICRONET_MONITOR_ERROR_RATE_PERCENT", "monitor.errorRatePercent", Kind.INT),
    new Binding("MICRONET_EVENT_LOOPS", "node.eventLoops", Kind.INT),
    new Binding("MICRONET_SHUTDOWN_GRACE_SECONDS", "node.shutdownGraceSeconds", Kind.INT),
    new Binding("MICRONET_GATEWAY_INSTANCES", "services.gateway.instances", Kind.INT),
    new Binding("MICRONET_RATE_LIMIT_RPS", "gateway.rateLimit.requestsPerSecond", Kind.INT),
    new Binding("MICRONET_RATE_LIMIT_BURST", "gateway.rateLimit.burst", Kind.INT),
    new Binding("MICRONET_TRUSTED_PROXIES", "gateway.trustedProxies", Kind.LIST),
    new Binding("MICRONET_BRIDGE_MAX_FRAME_BYTES", "gateway.bridge.maxFrameBytes", Kind.INT),
    new Binding("MICRONET_BRIDGE_FRAMES_PER_SECOND", "gateway.bridge.framesPerSecond", Kind.INT),
    new Binding("MICRONET_BRIDGE_CLOSE_AT_FRAMES_PER_SECOND", "gateway.bridge.closeAtFramesPerSecond", Kind.INT),
    new Binding("MICRONET_BRIDGE_PING_TIMEOUT_MS", "gateway.bridge.pingTimeoutMs", Kind.INT),
    new Binding("MICRONET_HTTP_IDLE_TIMEOUT_SECONDS", "http.idleTimeoutSeconds", Kind.INT),
    new Binding("MICRONET_MANAGEMENT_PORT", "management.port", Kind.INT),
    new Binding("MICRONET_MANAGEMENT_HOST", "management.host", Kind.STRING),
    new Binding("MICRONET_BREAKER_MAX_FAILURES", "breaker.maxFailures", Kind.INT),
    new Binding("MICRONET_BREAKER_TIMEOUT_MS", "breaker.callTimeoutMs", Kind.INT),
    new Binding("MICRONET_BREAKER_RESET_MS", "breaker.resetTimeoutMs", Kind.INT),
    new Binding("MICRONET_USERS_INSTANCES", "services.users.instances", Kind.INT),
    new Binding("MICRONET_USERS_HASHING_THREADS", "services.users.hashingThreads", Kind.INT),
    new Binding("MICRONET_USERS_HASHING_QUEUE", "services.users.hashingQueue", Kind.INT),
    new Binding("MICRONET_PRODUCTS_INSTANCES", "services.products.instances", Kind.INT),
    new Binding("MICRONET_ORDERS_INSTANCES", "services.orders.instances", Kind.INT),
    new Binding("MICRONET_IDEMPOTENCY_TTL_HOURS", "idempotency.ttlHours", Kind.INT),
    new Binding("MICRONET_PURGE_INTERVAL_SECONDS", "storage.purgeIntervalSeconds", Kind.INT),
    new Binding("MICRONET_RESERVATION_RETENTION_HOURS", "services.products.reservationRetentionHours", Kind.INT),
    new Binding("MICRONET_READINESS_TIMEOUT_MS", "http.readinessTimeoutMs", Kind.INT),
    new Binding("MICRONET_HTTP_TLS_CERT", "http.tls.certPath", Kind.STRING),
    new Binding("MICRONET_HTTP_TLS_KEY", "http.tls.keyPath", Kind.STRING),
    new Binding("MICRONET_GRPC_TLS_CERT", "grpc.tls.certPath", Kind.STRING),
    new Binding("MICRONET_GRPC_TLS_KEY", "grpc.tls.keyPath", Kind.STRING),
    new Binding("MICRONET_GRPC_IDLE_TIMEOUT_SECONDS", "grpc.idleTimeoutSeconds", Kind.INT),
    // the node agents and the reconciler
    new Binding("MICRONET_RECONCILE_INTERVAL_MS", "node.reconcileIntervalMs", Kind.INT),
    new Binding("MICRONET_AGENT_TIMEOUT_MS", "node.agentTimeoutMs", Kind.INT),
    new Binding("MICRONET_LEADER_POLL_MS", "node.leaderPollMs", Kind.INT),
    new Binding("MICRONET_METRICS_RAW_HOURS", "metrics.history.rawHours", Kind.INT),
    new Binding("MICRONET_METRICS_ROLLUP_DAYS", "metrics.history.rollupDays", Kind.INT),
    new Binding("MICRONET_ACTIVITY_MAX_EVENTS", "activity.maxEvents", Kind.INT),
    new Binding("MICRONET_ACTIVITY_RETENTION_DAYS", "activity.retentionDays", Kind.INT),
    // the alert engine's grouping (issue 11)
    new Binding("MICRONET_ALERT_GROUP_WAIT_SECONDS", "services.alerts.groupWaitSeconds", Kind.INT),
    new Binding("MICRONET_ALERT_GROUP_INTERVAL_SECONDS", "services.alerts.groupIntervalSeconds", Kind.INT),
    new Binding("MICRONET_ALERT_REPEAT_INTERVAL_SECONDS", "services.alerts.repeatIntervalSeconds", Kind.INT),
    new Binding("MICRONET_CHATOPS_INSTANCES", "services.chatops.instances", Kind.INT),
    new Binding("MICRONET_CHATOPS_BROADCAST_MAX_CHARS", "services.chatops.broadcastMaxChars", Kind.INT),
    new Binding("MICRONET_CHATOPS_HISTORY_RETENTION_DAYS", "services.chatops.historyRetentionDays", Kind.INT),
    // alert delivery (issue 11)
    new Binding("MICRONET_ALERT_WEBHOOK_URL", "services.alerts.webhook.url", Kind.STRING),
    new Binding("MICRONET_ALERT_WEBHOOK_SECRET", "services.alerts.webhook.secret", Kind.STRING),
    new Binding("MICRONET_ALERT_ALLOW_PRIVATE_TARGETS", "services.alerts.allowPrivateTargets", Kind.BOOLEAN),
    new Binding("MICRONET_ALERT_DELIVERY_MAX_ATTEMPTS", "services.alerts.delivery.maxAttempts", Kind.INT)
  );

  private EnvOverrides() {
  }

  public static List<String> variables() {
    return BINDINGS.stream().map(Binding::variable).toList();
  }

  /** Variables that no longer mean anything, with what replaced them: set, they stop the node rather than be ignored. */
  static final Map<String, String> RETIRED = Map.of(
    "MICRONET_TRUST_FORWARDED_FOR", "MICRONET_TRUSTED_PROXIES (addresses or CIDRs of your reverse proxies)");

  static void apply(JsonObject config, Map<String, String> env) {
    RETIRED.forEach((variable, replacement) -> {
      if (env.get(variable) != null) {
        throw new IllegalArgumentException(variable + " is gone: use " + replacement);
      }
    });
    for (Binding binding : BINDINGS) {
      String raw = env.get(binding.variable());
      if (raw == null || raw.isBlank()) {
        continue;
      }
      put(config, binding.path(), convert(binding, raw.trim()));
    }
  }

  private static Object convert(Binding binding, String raw) {
    return switch (binding.kind()) {
      case STRING -> raw;
      case LIST -> raw;
      case BOOLEAN -> Boolean.parseBoolean(raw);
      case INT -> {
        try {
          yield Integer.parseInt(raw);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(binding.variable() + " must be a whole number, got '" + raw + "'");
        }
      }
    };
  }

  private static void put(JsonObject config, String path, Object value) {
    String[] parts = path.split("\\.");
    JsonObject node = config;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject child = node.getJsonObject(parts[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = child;
    }
    node.put(parts[parts.length - 1], value);
  }
}
