package io.micronet.users;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.tools.UserServiceCaller;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first start on an empty users table with no {@code MICRONET_ADMIN_PASSWORD}: the generated password is
 * printed once on standard error, framed, and it is the real one (a login with it works); no log event — every
 * event of the start, at every level, encoded as the production JSON log encodes it — and nothing on standard
 * output (the JSON log stream) holds it.
 */
class ManagerPasswordConsoleTest {

  private static final Pattern SHOWN = Pattern.compile("={72}\\R.*?password: (\\S+)\\R.*?={72}", Pattern.DOTALL);

  @TempDir
  Path dataDir;

  @Test
  void theGeneratedPasswordIsShownOnStandardErrorAndNeverLogged() throws Exception {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
    Level level = root.getLevel();
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.setContext(logging);
    events.start();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    int port = freePort();
    Vertx vertx = Vertx.vertx();
    try {
      root.addAppender(events);
      root.setLevel(Level.ALL);
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      JsonObject config = MicronetConfig.load(new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1"))
        .put("grpc", new JsonObject().put("port", port))
        .put("storage", new JsonObject().put("dataDir", dataDir.toString()).putNull("dbUrl"))
        .put("security", new JsonObject().put("jwtSecret", "a-console-test-secret-of-more-than-thirty-two-chars")
          .putNull("adminPassword"))
        .put("node", new JsonObject().put("shutdownGraceSeconds", 1)), Map.of()).json();
      vertx.deployVerticle(new UsersVerticle(), new DeploymentOptions().setConfig(config)).await(60, TimeUnit.SECONDS);
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
      root.setLevel(level);
      root.detachAppender(events);
    }
    try {
      Matcher shown = SHOWN.matcher(err.toString(StandardCharsets.UTF_8));
      assertTrue(shown.find(), "a framed password on standard error: " + err);
      String password = shown.group(1);
      assertFalse(shown.find(), "shown once");

      GrpcClient client = GrpcClient.client(vertx);
      UserServiceCaller anonymous = new UserServiceCaller(client, SocketAddress.inetSocketAddress(port, "127.0.0.1"), null);
      assertEquals("manager", anonymous.authenticate("manager", password).await(60, TimeUnit.SECONDS).getUser().getUsername(),
        "the printed password is the manager's");

      LogstashEncoder json = new LogstashEncoder();
      json.setContext(logging);
      json.start();
      StringBuilder log = new StringBuilder();
      synchronized (events) {
        events.list.forEach(event -> log.append(new String(json.encode(event), StandardCharsets.UTF_8)));
      }
      assertTrue(log.toString().contains("manager account created"), "the start was logged (else this test proves nothing): " + log);
      assertFalse(log.toString().contains(password), "the JSON log holds the password: " + log);
      assertFalse(out.toString(StandardCharsets.UTF_8).contains(password), "standard output holds the password");
    } finally {
      vertx.close().await(60, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
