package io.micronet.shared.idempotency;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.storage.Migrations;
import io.micronet.shared.storage.SqlErrors;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a service's write in one transaction with the record of its {@code Idempotency-Key}: the key is
 * claimed first (a unique row per service, caller and key), the write runs, and its answer is stored with
 * the key before the commit. The same key again — a client's retry, or the gateway retrying on another
 * instance after a timeout — gets the stored answer instead of a second write, also when both race (the
 * second claim waits for the first transaction, then finds its answer). The same key with a different
 * request is a 409. Writes without a key simply run in a transaction.
 *
 * <p>A key is remembered for {@code ttl} (24 h by default, {@code idempotency.ttlHours}): an older one is treated
 * as absent, so a request bearing it runs again, and {@link IdempotencyPurge} deletes such rows in batches.
 */
public class IdempotentWrites {

  static final int MAX_KEY_LENGTH = 200;
  private static final long ANSWER_POLL_MS = 50;

  static final List<List<String>> MIGRATIONS = List.of(List.of(
    "CREATE TABLE IF NOT EXISTS idempotency_keys ("
      + "service VARCHAR(64) NOT NULL, "
      + "caller VARCHAR(200) NOT NULL, "
      + "idem_key VARCHAR(200) NOT NULL, "
      + "fingerprint VARCHAR(64) NOT NULL, "
      + "status INTEGER, "
      + "response TEXT, "
      + "created_at BIGINT NOT NULL, "
      + "PRIMARY KEY (service, caller, idem_key))"),
    // the purge reads a service's oldest keys
    List.of("CREATE INDEX IF NOT EXISTS idempotency_keys_age ON idempotency_keys (service, created_at)"));

  /** How long a key is remembered unless configured ({@code idempotency.ttlHours}). */
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);

  private final Pool pool;
  private final String service;
  private final Duration ttl;
  private final Clock clock;

  public IdempotentWrites(Pool pool, String service) {
    this(pool, service, DEFAULT_TTL, Clock.systemUTC());
  }

  /** Keys older than {@code ttl} by {@code clock} are treated as absent. */
  public IdempotentWrites(Pool pool, String service, Duration ttl, Clock clock) {
    this.pool = pool;
    this.service = service;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** The purge of this service's expired keys (same table, lifetime and clock). */
  public IdempotencyPurge purge() {
    return new IdempotencyPurge(pool, service, ttl, clock);
  }

  public Future<Void> migrate(Vertx vertx) {
    return Migrations.apply(vertx, pool, "idempotency", MIGRATIONS);
  }

  public Future<ServiceResponse> run(ServiceRequest request, Function<SqlConnection, Future<ServiceResponse>> write) {
    return run(request, request.body(), write);
  }

  /**
   * Like {@link #run(ServiceRequest, Function)}, telling requests apart by {@code fingerprintBody} rather than
   * the whole body: a body holding a secret (a password) must not leave a hash of it in the keys table.
   */
  public Future<ServiceResponse> run(ServiceRequest request, Object fingerprintBody,
                                     Function<SqlConnection, Future<ServiceResponse>> write) {
    if (request.idempotencyKey() == null) {
      return pool.withTransaction(write);
    }
    Map<String, Object> row;
    try {
      row = keyRow(request, fingerprintBody);
    } catch (ServiceException badKey) {
      return Future.failedFuture(badKey);
    }
    return runClaimed(row, write, true);
  }

  private Future<ServiceResponse> runClaimed(Map<String, Object> row, Function<SqlConnection, Future<ServiceResponse>> write,
                                             boolean mayRunAgain) {
    return pool.<ServiceResponse>withTransaction(conn -> insertClaim(conn, row)
        .compose(claimed -> write.apply(conn))
        .compose(response -> remember(conn, row, response)))
      .recover(failure -> SqlErrors.isUniqueViolation(failure)
        // an expired key is absent: once it is gone, the request runs as a new one (once: never a loop)
        ? replay(row, mayRunAgain ? () -> runClaimed(row, write, false) : null)
        : Future.failedFuture(failure));
  }

  /*
   * A write that calls another service on the way cannot hold its transaction open that long: it claims the
   * key in a first transaction (claim), does its work, and stores the answer in a last one (remember), or
   * gives the key up when it failed (forget) so that a retry starts afresh. A request with the same key that
   * finds it claimed waits for the answer (awaitAnswer).
   */

  /** Claims the request's key inside the caller's transaction (nothing without a key); a unique violation if taken. */
  public Future<Void> claim(SqlConnection conn, ServiceRequest request, Object fingerprintBody) {
    if (request.idempotencyKey() == null) {
      return Future.succeededFuture();
    }
    try {
      return insertClaim(conn, keyRow(request, fingerprintBody));
    } catch (ServiceException badKey) {
      return Future.failedFuture(badKey);
    }
  }

  /** Stores the answer with the claimed key, inside the caller's transaction. */
  public Future<ServiceResponse> remember(SqlConnection conn, ServiceRequest request, Object fingerprintBody,
                                         ServiceResponse response) {
    return request.idempotencyKey() == null ? Future.succeededFuture(response)
      : remember(conn, keyRow(request, fingerprintBody), response);
  }

  /** Gives up the claim of a caller's key, inside the caller's transaction, so that the same key can be tried again. */
  public Future<Void> forget(SqlConnection conn, String callerId, String key) {
    if (key == null) {
      return Future.succeededFuture();
    }
    return SqlTemplate.forUpdate(conn, "DELETE FROM idempotency_keys WHERE service = #{service} AND caller = #{caller} "
        + "AND idem_key = #{key} AND status IS NULL")
      .execute(Map.of("service", service, "caller", callerId == null ? "" : callerId, "key", key))
      .mapEmpty();
  }

  /**
   * The key is claimed by another request: waits (up to {@code maxWaitMs}, and no longer than its caller waits) for its answer and replays it;
   * when that request gave the key up, runs {@code again}; 409 when the key came with a different request
   * or is still in progress at the deadline.
   */
  public Future<ServiceResponse> awaitAnswer(ServiceRequest request, Object fingerprintBody, long maxWaitMs,
                                             Supplier<Future<ServiceResponse>> again) {
    return awaitAnswer(keyRow(request, fingerprintBody), System.currentTimeMillis() + request.remainingMillis(maxWaitMs), again);
  }

  private Future<ServiceResponse> awaitAnswer(Map<String, Object> row, long deadline, Supplier<Future<ServiceResponse>> again) {
    return lookup(row).compose(stored -> {
      if (stored == null) {
        return again.get();
      }
      boolean answered = stored.getInteger("status") != null;
      boolean sameRequest = row.get("fingerprint").equals(stored.getString("fingerprint"));
      if (answered || !sameRequest || System.currentTimeMillis() >= deadline) {
        return Future.succeededFuture(answer(row, stored));
      }
      Promise<ServiceResponse> later = Promise.promise();
      // called from the service's handler, so on its context
      Vertx.currentContext().owner().setTimer(ANSWER_POLL_MS, id -> awaitAnswer(row, deadline, again).onComplete(later));
      return later.future();
    });
  }

  private Map<String, Object> keyRow(ServiceRequest request, Object fingerprintBody) {
    String key = request.idempotencyKey();
    if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
      throw new ServiceException(ErrorCode.BAD_REQUEST, "the Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " characters");
    }
    Map<String, Object> row = new HashMap<>();
    row.put("service", service);
    row.put("caller", request.callerId() == null ? "" : request.callerId());
    row.put("key", key);
    row.put("fingerprint", fingerprint(request, fingerprintBody));
    row.put("at", clock.millis());
    return row;
  }

  private static Future<Void> insertClaim(SqlConnection conn, Map<String, Object> row) {
    return SqlTemplate.forUpdate(conn, "INSERT INTO idempotency_keys (service, caller, idem_key, fingerprint, created_at) "
        + "VALUES (#{service}, #{caller}, #{key}, #{fingerprint}, #{at})")
      .execute(row)
      .mapEmpty();
  }

  private static Future<ServiceResponse> remember(SqlConnection conn, Map<String, Object> row, ServiceResponse response) {
    Map<String, Object> answer = new HashMap<>(row);
    answer.put("status", response.status());
    answer.put("response", response.body() == null ? null : encode(response.body()));
    return SqlTemplate.forUpdate(conn, "UPDATE idempotency_keys SET status = #{status}, response = #{response} "
        + "WHERE service = #{service} AND caller = #{caller} AND idem_key = #{key} AND status IS NULL")
      .execute(answer)
      .compose(updated -> updated.rowCount() == 1 ? Future.succeededFuture(response)
        // the claim is gone or answered: never overwrite an answer another request got
        : Future.failedFuture(new ServiceException(ErrorCode.CONFLICT, "the Idempotency-Key was released meanwhile; retry")));
  }

  /**
   * The key was used before: the first answer again, or 409 when the request differs. When the key had
   * expired it is deleted and {@code again} runs the request anew (409 "in progress" when there is no again).
   */
  private Future<ServiceResponse> replay(Map<String, Object> row, Supplier<Future<ServiceResponse>> again) {
    return dropExpired(row).compose(dropped -> select(row).compose(stored -> {
      if (stored != null) {
        return Future.succeededFuture(answer(row, stored));
      }
      return dropped && again != null ? again.get() : Future.failedFuture(inProgress());
    }));
  }

  /** The key's row, unless it expired (then it is deleted first, and the key is free again). */
  private Future<Row> lookup(Map<String, Object> row) {
    return dropExpired(row).compose(dropped -> select(row));
  }

  private Future<Row> select(Map<String, Object> row) {
    return SqlTemplate.forQuery(pool, "SELECT fingerprint, status, response FROM idempotency_keys "
        + "WHERE service = #{service} AND caller = #{caller} AND idem_key = #{key}")
      .execute(row)
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** Deletes this key's row if it is older than the key lifetime; true when it did. */
  private Future<Boolean> dropExpired(Map<String, Object> row) {
    Map<String, Object> params = new HashMap<>(row);
    params.put("cutoff", clock.millis() - ttl.toMillis());
    return SqlTemplate.forUpdate(pool, "DELETE FROM idempotency_keys WHERE service = #{service} AND caller = #{caller} "
        + "AND idem_key = #{key} AND created_at < #{cutoff}")
      .execute(params)
      .map(deleted -> deleted.rowCount() > 0);
  }

  private static ServiceResponse answer(Map<String, Object> row, Row stored) {
    if (!row.get("fingerprint").equals(stored.getString("fingerprint"))) {
      throw new ServiceException(ErrorCode.CONFLICT, "this Idempotency-Key was already used for a different request");
    }
    Integer status = stored.getInteger("status");
    if (status == null) {
      throw inProgress();
    }
    String response = stored.getString("response");
    // the first answer byte for byte, not decoded and encoded again
    return new ServiceResponse(status, response == null ? null : Buffer.buffer(response));
  }

  private static ServiceException inProgress() {
    return new ServiceException(ErrorCode.CONFLICT, "a request with this Idempotency-Key is in progress; retry shortly");
  }

  private static String encode(Object body) {
    return body instanceof Buffer buffer ? buffer.toString(StandardCharsets.UTF_8) : Json.encode(body);
  }

  /** What makes two requests "the same": the action, the path parameters and the body. */
  static String fingerprint(ServiceRequest request, Object body) {
    String canonical = request.action() + "\n" + request.params().encode() + "\n" + (body == null ? "" : Json.encode(body));
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
