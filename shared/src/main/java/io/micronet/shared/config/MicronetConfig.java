package io.micronet.shared.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node's configuration: the defaults shipped in the jar ({@code conf/default.json}), then the
 * JSON given with {@code -conf} (or by a test), then the environment variables of {@link EnvOverrides}.
 * Validated once, at start, so a bad value stops the node with a clear message instead of failing later.
 */
public final class MicronetConfig {

  /** HS256 wants a key at least as long as its 256-bit hash. */
  static final int MIN_SECRET_LENGTH = 32;

  private final JsonObject json;
  private ServiceDefinitions definitions;

  private MicronetConfig(JsonObject json) {
    this.json = json;
  }

  /** Defaults, then {@code given}, then the process environment. */
  public static MicronetConfig load(JsonObject given) {
    return load(given, System.getenv());
  }

  public static MicronetConfig load(JsonObject given, Map<String, String> env) {
    JsonObject merged = deepMerge(defaults(), given == null ? new JsonObject() : given);
    EnvOverrides.apply(merged, env);
    MicronetConfig config = new MicronetConfig(merged);
    config.validate();
    config.checkFiles();
    return config;
  }

  /** Rebuilds a config that was already merged and validated (e.g. handed from the launcher to a verticle). */
  public static MicronetConfig of(JsonObject merged) {
    MicronetConfig config = new MicronetConfig(merged.copy());
    config.validate();
    return config;
  }

  public JsonObject json() {
    return json.copy();
  }

  public JsonObject section(String name) {
    JsonObject section = json.getJsonObject(name);
    return section == null ? new JsonObject() : section;
  }

  public List<String> verticles() {
    return stringList(section("node").getValue("verticles"));
  }

  /** Browser origins (scheme://host[:port]) allowed to call the REST API cross-origin; none by default. */
  public List<String> corsOrigins() {
    Object value = section("http").getValue("corsOrigins");
    return value == null ? List.of() : stringList(value);
  }

  /** A list from conf (a JSON array) or from the environment (a comma list). */
  private static List<String> stringList(Object value) {
    if (value instanceof String s) {
      return splitList(s);
    }
    List<String> names = new ArrayList<>();
    ((JsonArray) value).forEach(v -> names.add(String.valueOf(v).trim()));
    return names;
  }

  public int httpPort() {
    return section("http").getInteger("port");
  }

  public String httpHost() {
    return section("http").getString("host", "0.0.0.0");
  }

  public long bodyLimitBytes() {
    return section("http").getLong("bodyLimitBytes");
  }

  /** Seconds a gateway connection may stay idle before it is closed; 0: never. */
  public int httpIdleTimeoutSeconds() {
    return section("http").getInteger("idleTimeoutSeconds", 60);
  }

  /** Addresses and CIDR ranges of the reverse proxies whose {@code X-Forwarded-For} the gateway believes. */
  public List<String> trustedProxies() {
    Object value = section("gateway").getValue("trustedProxies");
    return value == null ? List.of() : stringList(value);
  }

  /** The management HTTP port (/metrics, /health only); 0: none. */
  public int managementPort() {
    return section("management").getInteger("port", 0);
  }

  public String managementHost() {
    return section("management").getString("host", "127.0.0.1");
  }

  /** The most instances of one service a caller keeps in its view (and so breakers and gauges). */
  public int maxInstancesPerService() {
    return section("discovery").getInteger("maxInstancesPerService", 64);
  }

  public int grpcPort() {
    return section("grpc").getInteger("port");
  }

  /** The gateway's TLS files ({@code http.tls.certPath}/{@code keyPath}), or null for plain HTTP. */
  public TlsFiles httpTls() {
    return TlsFiles.from(section("http"), "http");
  }

  /** The gRPC server's TLS files ({@code grpc.tls.certPath}/{@code keyPath}), or null for HTTP/2 cleartext. */
  public TlsFiles grpcTls() {
    return TlsFiles.from(section("grpc"), "grpc");
  }

  /** A gRPC connection with no traffic for this long is closed. */
  public int grpcIdleTimeoutSeconds() {
    return section("grpc").getInteger("idleTimeoutSeconds", 300);
  }

  /** How long {@code /health/ready} gives a service's database to answer. */
  public long readinessTimeoutMs() {
    return section("http").getLong("readinessTimeoutMs", 1000L);
  }

  /** How long an {@code Idempotency-Key} is remembered; older ones count as absent and are purged. */
  public Duration idempotencyTtl() {
    return Duration.ofHours(section("idempotency").getLong("ttlHours", 24L));
  }

  /** How often each stateful service purges its expired rows (the first run comes shortly after start). */
  public long purgeIntervalMillis() {
    return section("storage").getLong("purgeIntervalSeconds", 3600L) * 1000;
  }

  /** How long released stock reservations and their tombstones are kept before they are purged. */
  public Duration reservationRetention() {
    return Duration.ofHours(serviceSettings("products").getLong("reservationRetentionHours", 168L));
  }

  private JsonObject serviceSettings(String service) {
    JsonObject own = section("services").getJsonObject(service);
    return own == null ? new JsonObject() : own;
  }

  public String dataDir() {
    return section("storage").getString("dataDir");
  }

  /** {@code postgresql://user:pass@host:port/db}, or null for the embedded database. */
  public String dbUrl() {
    String url = section("storage").getString("dbUrl");
    return url == null || url.isBlank() ? null : url;
  }

  public int poolSize() {
    return section("storage").getInteger("poolSize", 8);
  }

  /** PostgreSQL ends a session silent this long inside a transaction (a node cut off mid-transaction); 0: not set by us. */
  public int idleInTransactionSeconds() {
    return section("storage").getInteger("idleInTransactionSeconds", 5);
  }

  public String jwtSecret() {
    return section("security").getString("jwtSecret");
  }

  /** The password of the first manager account, or null (then a random one is generated and shown once). */
  public String adminPassword() {
    String password = section("security").getString("adminPassword");
    return password == null || password.isEmpty() ? null : password;
  }

  /** How long a token issued at login stays valid. */
  public long tokenTtlSeconds() {
    return section("security").getLong("tokenTtlSeconds", 3600L);
  }

  /** How far node clocks may disagree when a token's times are checked. */
  public int clockSkewSeconds() {
    return section("security").getInteger("clockSkewSeconds", 30);
  }

  /** How often a node re-reads the cluster-wide token revocations (announcements update it at once). */
  public long revocationRefreshSeconds() {
    return section("security").getLong("revocationRefreshSeconds", 10L);
  }

  public List<String> clusterMembers() {
    return splitList(section("cluster").getString("members"));
  }

  public String clusterName() {
    return section("cluster").getString("name");
  }

  public String clusterConfigPath() {
    return section("cluster").getString("config");
  }

  /** The event bus's TLS files, or empty when none are configured (validated at load: all three or none). */
  public Optional<ClusterTlsFiles> clusterTls() {
    Object tls = section("cluster").getValue("tls");
    if (tls != null && !(tls instanceof JsonObject)) {
      throw new IllegalArgumentException("cluster.tls must be an object with keyPath, certPath and caPath, got " + tls);
    }
    return ClusterTlsFiles.from((JsonObject) tls);
  }

  /** {@code true}: a clustered node may run on a non-loopback address without event-bus TLS (with a warning). */
  public boolean clusterInsecure() {
    return section("cluster").getBoolean("insecure", false);
  }

  /** The event bus's TCP port when {@code -cluster-port} does not set one; 0 = a random free port. */
  public int clusterEventBusPort() {
    return section("cluster").getInteger("eventBusPort", 0);
  }

  /**
   * Event-loop threads: {@code node.eventLoops}, or one per core when 0. A request crosses several
   * verticles; fewer loops than Vert.x's default (two per core) means fewer thread hand-offs per request.
   */
  public int eventLoops() {
    int configured = section("node").getInteger("eventLoops", 0);
    return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
  }

  public long shutdownGraceMillis() {
    return section("node").getLong("shutdownGraceSeconds", 20L) * 1000;
  }

  /** The instances wanted of a service ({@code services.definitions}, overridden by {@code services.<name>.instances}). */
  public int instancesOf(String service) {
    return definitions().get(service).instances();
  }

  /** Failure injection ({@code chaos.enabled}, {@code MICRONET_CHAOS_ENABLED}); on by default, off for production. */
  public boolean chaosEnabled() {
    return section("chaos").getBoolean("enabled", true);
  }

  /** How often each instance (and each gateway) publishes its request figures on the internal samples feed. */
  public long metricsSampleMillis() {
    return section("metrics").getLong("sampleSeconds", 2L) * 1000;
  }

  /** Every kind of verticle the platform knows, from {@code services.definitions} (read once per config). */
  public ServiceDefinitions definitions() {
    if (definitions == null) {
      definitions = ServiceDefinitions.from(section("services"));
    }
    return definitions;
  }

  /**
   * This node's name: {@code node.name} / {@code MICRONET_NODE_NAME}, else the host name. Definitions name the
   * nodes a service may run on by it, and operators address nodes by it (or by the cluster node id).
   */
  public String nodeName() {
    String name = section("node").getString("name");
    if (name != null && !name.isBlank()) {
      return name.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  private void validate() {
    if (verticles().isEmpty()) {
      throw new IllegalArgumentException("node.verticles / MICRONET_VERTICLES must name at least one verticle");
    }
    requirePort("http.port", section("http").getValue("port"));
    requirePort("grpc.port", section("grpc").getValue("port"));
    requirePort("management.port", section("management").getValue("port", 0));
    requireNonNegative("http.idleTimeoutSeconds", section("http").getValue("idleTimeoutSeconds", 60));
    requirePositive("discovery.maxInstancesPerService", section("discovery").getValue("maxInstancesPerService", 64));
    JsonObject rateLimit = section("gateway").getJsonObject("rateLimit");
    if (rateLimit != null && rateLimit.containsKey("trustForwardedFor")) {
      throw new IllegalArgumentException("gateway.rateLimit.trustForwardedFor is gone: list your reverse proxies in "
        + "gateway.trustedProxies / MICRONET_TRUSTED_PROXIES (addresses or CIDRs); X-Forwarded-For is believed only from them");
    }
    requirePositive("http.bodyLimitBytes", section("http").getValue("bodyLimitBytes"));
    requirePositive("breaker.maxFailures", section("breaker").getValue("maxFailures"));
    requirePositive("breaker.callTimeoutMs", section("breaker").getValue("callTimeoutMs"));
    requirePositive("breaker.resetTimeoutMs", section("breaker").getValue("resetTimeoutMs"));
    requirePositive("gateway.rateLimit.requestsPerSecond", section("gateway").getJsonObject("rateLimit").getValue("requestsPerSecond"));
    requirePositive("gateway.rateLimit.burst", section("gateway").getJsonObject("rateLimit").getValue("burst"));
    requirePositive("storage.poolSize", section("storage").getValue("poolSize"));
    requireNonNegative("storage.idleInTransactionSeconds", section("storage").getValue("idleInTransactionSeconds"));
    if (section("gateway").containsKey("instances")) {
      throw new IllegalArgumentException("gateway.instances is gone: set services.gateway.instances (or MICRONET_GATEWAY_INSTANCES)");
    }
    Object tokenTtl = section("security").getValue("tokenTtlSeconds");
    requirePositive("security.tokenTtlSeconds", tokenTtl == null ? 3600 : tokenTtl);
    Object skew = section("security").getValue("clockSkewSeconds");
    if (skew != null && (!(skew instanceof Number n) || n.intValue() < 0 || n.intValue() > 600)) {
      throw new IllegalArgumentException("security.clockSkewSeconds must be 0-600, got " + skew);
    }
    for (String key : new String[] {"republishSeconds", "reapIntervalSeconds", "refreshSeconds"}) {
      requirePositive("discovery." + key, section("discovery").getValue(key));
    }
    JsonObject services = section("services");
    definitions();
    JsonObject users = services.getJsonObject("users", new JsonObject());
    for (String key : new String[] {"hashingThreads", "hashingQueue", "loginMaxDelaySeconds"}) {
      if (users.getValue(key) != null) {
        requirePositive("services.users." + key, users.getValue(key));
      }
    }
    if (jwtSecret() != null && jwtSecret().length() < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException("security.jwtSecret / MICRONET_JWT_SECRET must be at least " + MIN_SECRET_LENGTH
        + " characters (a random string, the same on every node)");
    }
    if (dataDir() == null || dataDir().isBlank()) {
      throw new IllegalArgumentException("storage.dataDir / MICRONET_DATA_DIR must not be empty");
    }
    if (dbUrl() != null) {
      DbUrl.parse(dbUrl());
    }
    if (clusterMembers().isEmpty()) {
      throw new IllegalArgumentException("cluster.members / MICRONET_CLUSTER_MEMBERS must name at least one address");
    }
    requirePort("cluster.eventBusPort / MICRONET_CLUSTER_EVENTBUS_PORT", section("cluster").getValue("eventBusPort", 0));
    if (!(section("cluster").getValue("insecure", false) instanceof Boolean)) {
      throw new IllegalArgumentException("cluster.insecure / MICRONET_CLUSTER_INSECURE must be true or false, got "
        + section("cluster").getValue("insecure"));
    }
    clusterTls(); // all three or none
    if (!(section("chaos").getValue("enabled", true) instanceof Boolean)) {
      throw new IllegalArgumentException("chaos.enabled / MICRONET_CHAOS_ENABLED must be true or false");
    }
    requirePositive("metrics.sampleSeconds", section("metrics").getValue("sampleSeconds", 2));
    for (String key : new String[] {"reconcileIntervalMs", "agentTimeoutMs", "leaderPollMs"}) {
      requirePositive("node." + key, section("node").getValue(key, 1000));
    }
    JsonObject history = section("metrics").getJsonObject("history", new JsonObject());
    requirePositive("metrics.history.rawHours / MICRONET_METRICS_RAW_HOURS", history.getValue("rawHours", 24));
    requirePositive("metrics.history.rollupDays / MICRONET_METRICS_ROLLUP_DAYS", history.getValue("rollupDays", 7));
    requirePositive("activity.maxEvents / MICRONET_ACTIVITY_MAX_EVENTS", section("activity").getValue("maxEvents", 100_000));
    requirePositive("activity.retentionDays / MICRONET_ACTIVITY_RETENTION_DAYS", section("activity").getValue("retentionDays", 30));
    validateStorageAndTransport();
  }

  private void validateStorageAndTransport() {
    requirePositive("idempotency.ttlHours", section("idempotency").getValue("ttlHours", 24));
    requirePositive("storage.purgeIntervalSeconds", section("storage").getValue("purgeIntervalSeconds", 3600));
    requirePositive("http.readinessTimeoutMs", section("http").getValue("readinessTimeoutMs", 1000));
    requirePositive("grpc.idleTimeoutSeconds", section("grpc").getValue("idleTimeoutSeconds", 300));
    requirePositive("services.products.reservationRetentionHours",
      serviceSettings("products").getValue("reservationRetentionHours", 168));
    // a tombstone must outlive any reservation still on its way, and the orders recovery by far
    long recoverAfterSeconds = serviceSettings("orders").getLong("recoverAfterSeconds", 60L);
    long minimumSeconds = Math.max(3600, 10 * recoverAfterSeconds);
    if (reservationRetention().toSeconds() < minimumSeconds) {
      throw new IllegalArgumentException("services.products.reservationRetentionHours / MICRONET_RESERVATION_RETENTION_HOURS "
        + "must be at least " + ((minimumSeconds + 3599) / 3600) + " (1 hour, and 10 times services.orders.recoverAfterSeconds)");
    }
    httpTls();
    grpcTls();
  }

  /** Files named by the configuration exist (only where it is first loaded: the launcher's thread, a test). */
  private void checkFiles() {
    TlsFiles http = httpTls();
    if (http != null) {
      http.check("http");
    }
    TlsFiles grpc = grpcTls();
    if (grpc != null) {
      grpc.check("grpc");
    }
    if (dbUrl() != null) {
      DbUrl.parse(dbUrl()).checkFiles();
    }
    clusterTls().ifPresent(ClusterTlsFiles::requireReadable);
  }

  private static void requirePort(String key, Object value) {
    if (!(value instanceof Number n) || n.intValue() < 0 || n.intValue() > 65535) {
      throw new IllegalArgumentException(key + " must be a port number (0-65535), got " + value);
    }
  }

  private static void requireNonNegative(String key, Object value) {
    if (!(value instanceof Number n) || n.doubleValue() < 0) {
      throw new IllegalArgumentException(key + " must be zero or a positive number, got " + value);
    }
  }

  private static void requirePositive(String key, Object value) {
    if (!(value instanceof Number n) || n.doubleValue() <= 0) {
      throw new IllegalArgumentException(key + " must be a positive number, got " + value);
    }
  }

  static List<String> splitList(String value) {
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  static JsonObject defaults() {
    try (InputStream in = MicronetConfig.class.getClassLoader().getResourceAsStream("conf/default.json")) {
      if (in == null) {
        throw new IllegalStateException("conf/default.json is missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read conf/default.json", e);
    }
  }

  /** Objects merge key by key; any other value (arrays included) replaces the default. */
  static JsonObject deepMerge(JsonObject base, JsonObject over) {
    JsonObject result = base.copy();
    for (String key : over.fieldNames()) {
      Object value = over.getValue(key);
      if (value instanceof JsonObject o && result.getValue(key) instanceof JsonObject b) {
        result.put(key, deepMerge(b, o));
      } else {
        result.put(key, value);
      }
    }
    return result;
  }
}
