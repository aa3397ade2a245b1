package io.micronet.shared.service;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The readiness question, asked on one node only: can this node's instance of a stateful service reach its
 * database? Every service instance with a SQL pool answers on {@code micronet.ready.<service>} with a local
 * consumer (never registered cluster-wide, so no other node can ask or answer), by running {@code SELECT 1}
 * within the readiness timeout. The gateway asks each stateful service its node is configured to run.
 */
public final class Readiness {

  public static final String UP = "UP";
  /** A service this node may run that has no instance here now (the reconciler placed them elsewhere, or none). */
  public static final String NOT_HERE = "not running on this node";
  private static final String PREFIX = "micronet.ready.";
  /** The gateway waits this much longer than the database check, so the service's own reason arrives first. */
  private static final long ASK_MARGIN_MS = 500;
  private static final int REASON_MAX = 160;
  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

  private Readiness() {
  }

  public static String address(String service) {
    return PREFIX + service;
  }

  /** Answers readiness questions for {@code service} on this node from {@code pool}: "UP", or a 503 failure naming why not. */
  public static MessageConsumer<Object> answer(Vertx vertx, String service, Pool pool, long timeoutMs) {
    return vertx.eventBus().localConsumer(address(service), message -> probe(service, pool, timeoutMs)
      .onSuccess(up -> message.reply(UP))
      .onFailure(e -> message.fail(503, e.getMessage())));
  }

  /**
   * Runs {@code SELECT 1} on {@code pool} within {@code timeoutMs}: "UP", or a failure whose message says why not in
   * words fit for anyone (the driver's own words, naming host, port, user and database, go to the log only).
   */
  public static Future<String> probe(String service, Pool pool, long timeoutMs) {
    return pool.query("SELECT 1").execute()
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .<String>map(rows -> UP)
      .recover(e -> {
        if (!(e instanceof TimeoutException)) {
          LOG.warn("the database is unreachable", kv("service", service), kv("reason", shortReason(e)));
        }
        return Future.failedFuture(e instanceof TimeoutException
          ? "the database did not answer within " + timeoutMs + " ms"
          : "the database is unreachable (see this node's log)");
      });
  }

  /** Asks each service's local instance; {@code service → "UP" | NOT_HERE | "DOWN: <short reason>"}, in the order given. */
  public static Future<Map<String, String>> check(Vertx vertx, List<String> services, long timeoutMs) {
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeoutMs + ASK_MARGIN_MS);
    List<Future<String>> answers = new ArrayList<>();
    for (String service : services) {
      answers.add(vertx.eventBus().request(address(service), null, options)
        .map(reply -> UP)
        .recover(e -> Future.succeededFuture(e instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS
          ? NOT_HERE : "DOWN: " + downReason(e, timeoutMs + ASK_MARGIN_MS))));
    }
    return Future.join(answers).map(all -> {
      Map<String, String> checks = new LinkedHashMap<>();
      for (int i = 0; i < services.size(); i++) {
        checks.put(services.get(i), answers.get(i).result());
      }
      return checks;
    });
  }

  private static String downReason(Throwable e, long waitedMs) {
    if (e instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
        return "no instance running on this node";
      }
      if (reply.failureType() == ReplyFailure.TIMEOUT) {
        return "no answer within " + waitedMs + " ms";
      }
    }
    return shortReason(e);
  }

  private static String shortReason(Throwable e) {
    // a class name, never a stack trace, and no "…Exception" either: this text goes to HTTP clients
    String text = e.getMessage() == null || e.getMessage().isBlank()
      ? e.getClass().getSimpleName().replace("Exception", "") : e.getMessage().strip();
    int newline = text.indexOf('\n');
    text = newline < 0 ? text : text.substring(0, newline);
    return text.length() <= REASON_MAX ? text : text.substring(0, REASON_MAX) + "…";
  }
}
