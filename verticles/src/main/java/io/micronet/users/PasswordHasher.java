package io.micronet.users;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * PBKDF2-HMAC-SHA256 from the JDK, stored as {@code pbkdf2-sha256$iterations$salt$hash} (base64). Hashing
 * is slow on purpose, so it runs off the event loop, on a worker pool of its own (a node-wide shared executor
 * named {@value #EXECUTOR}, {@code services.users.hashingThreads} threads): the default worker pool is the SQL
 * client's, and a burst of registrations there made every query of the node wait. Its queue is bounded: beyond
 * {@code hashingQueue} jobs waiting or running in this instance, or when the job could not start before its
 * caller stops waiting, the answer is at once 503 with {@code retryAfterSeconds} (never a growing backlog
 * that answers nobody). A check against no stored hash (unknown user) does the same work, so that its answer
 * time does not tell the user is unknown.
 */
final class PasswordHasher {

  static final int ITERATIONS = 210_000;
  static final String EXECUTOR = "micronet-password-hashing";
  static final int DEFAULT_THREADS = 2;
  static final int DEFAULT_QUEUE = 32;
  private static final String SCHEME = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final byte[] UNKNOWN_USER_SALT = new byte[SALT_BYTES];
  /** How much a new job's measured time moves the estimate of the next one's. */
  private static final double ESTIMATE_WEIGHT = 0.2;

  private final WorkerExecutor executor;
  private final int threads;
  private final int queueLimit;
  private final SecureRandom random = new SecureRandom();
  /** Jobs of this instance waiting or running (completions may arrive from worker threads). */
  private final AtomicInteger queued = new AtomicInteger();
  /** A running estimate of one job's duration, from the jobs done so far (0 until the first is done). */
  private volatile double jobMillis;

  PasswordHasher(Vertx vertx, int threads, int queueLimit) {
    if (threads < 1 || queueLimit < 1) {
      throw new IllegalArgumentException("services.users.hashingThreads and hashingQueue must be at least 1");
    }
    this.executor = vertx.createSharedWorkerExecutor(EXECUTOR, threads);
    this.threads = threads;
    this.queueLimit = queueLimit;
  }

  PasswordHasher(Vertx vertx) {
    this(vertx, DEFAULT_THREADS, DEFAULT_QUEUE);
  }

  /** The hash of a new password, for a caller without a deadline (the first manager account). */
  Future<String> hash(String password) {
    return hash(password, 0);
  }

  /** The hash of a new password; 503 at once when the queue is full or would not reach it within {@code budgetMillis} (0: no limit). */
  Future<String> hash(String password, long budgetMillis) {
    return submit(() -> encode(password), budgetMillis);
  }

  /** Whether {@code password} matches {@code stored}; false (after the same work) when {@code stored} is null. */
  Future<Boolean> verify(String password, String stored, long budgetMillis) {
    return submit(() -> matches(password, stored), budgetMillis);
  }

  /** Releases this instance's hold on the shared executor (the pool closes with its last holder). */
  Future<Void> close() {
    return executor.close();
  }

  /** Whether a failure is this hasher's "busy" answer (the work was not done: nothing was checked). */
  static boolean busy(Throwable failure) {
    return failure instanceof ServiceException known && known.code() == ErrorCode.SERVICE_UNAVAILABLE;
  }

  private <T> Future<T> submit(Callable<T> job, long budgetMillis) {
    int ahead = queued.getAndIncrement();
    // the jobs ahead run `threads` at a time: this one starts after about ahead / threads of them. One that
    // would start at once always runs (so a stale, high estimate is corrected by the next job, never kept)
    boolean waits = ahead >= threads;
    double expectedStartMillis = (ahead / threads) * jobMillis;
    if (ahead >= queueLimit || waits && budgetMillis > 0 && expectedStartMillis + jobMillis > budgetMillis) {
      queued.decrementAndGet();
      return Future.failedFuture(tooBusy());
    }
    long deadline = budgetMillis > 0 ? System.currentTimeMillis() + budgetMillis : 0;
    return executor.executeBlocking(() -> {
      // a caller that stopped waiting meanwhile gets nothing from this work: skip it, free the thread
      if (deadline != 0 && System.currentTimeMillis() >= deadline) {
        throw tooBusy();
      }
      long started = System.nanoTime();
      T result = job.call();
      double took = (System.nanoTime() - started) / 1e6;
      jobMillis = jobMillis == 0 ? took : jobMillis + ESTIMATE_WEIGHT * (took - jobMillis);
      return result;
    }, false).andThen(ar -> queued.decrementAndGet());
  }

  private static ServiceException tooBusy() {
    return new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "too many password checks under way; retry in 1 s",
      new JsonObject().put("retryAfterSeconds", 1));
  }

  String encode(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    Base64.Encoder base64 = Base64.getEncoder();
    return SCHEME + "$" + ITERATIONS + "$" + base64.encodeToString(salt) + "$"
      + base64.encodeToString(derive(password, salt, ITERATIONS, HASH_BITS));
  }

  static boolean matches(String password, String stored) {
    String[] parts = stored == null ? new String[0] : stored.split("\\$");
    if (parts.length != 4 || !SCHEME.equals(parts[0])) {
      derive(password, UNKNOWN_USER_SALT, ITERATIONS, HASH_BITS);
      return false;
    }
    Base64.Decoder base64 = Base64.getDecoder();
    byte[] expected = base64.decode(parts[3]);
    byte[] actual = derive(password, base64.decode(parts[2]), Integer.parseInt(parts[1]), expected.length * 8);
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] derive(String password, byte[] salt, int iterations, int bits) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bits);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
    } finally {
      spec.clearPassword();
    }
  }
}
