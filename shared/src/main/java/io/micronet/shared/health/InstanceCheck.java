package io.micronet.shared.health;

/**
 * What one health check of one instance found: it answered UP (perhaps telling of a failure injected into it), it
 * answered with an error, it gave no answer within the check's timeout (or nothing listens at its address any more),
 * or it answered but cannot reach its database.
 *
 * @param reason   for people: the error it answered, how long it was given, what its database said
 * @param injected the failure injected into it, described ("error on 50% of requests for 20 s"), or null
 */
public record InstanceCheck(Outcome outcome, String reason, String injected) {

  public enum Outcome { UP, FAILING, NO_ANSWER, DATABASE_DOWN }

  public static InstanceCheck up() {
    return new InstanceCheck(Outcome.UP, null, null);
  }

  /** It answers, with a failure injected into it (a share of its requests fail, or they are slow). */
  public static InstanceCheck upWithInjectedFailure(String injected) {
    return new InstanceCheck(Outcome.UP, null, injected);
  }

  public static InstanceCheck failing(String reason) {
    return new InstanceCheck(Outcome.FAILING, reason, null);
  }

  public static InstanceCheck noAnswer(String reason) {
    return new InstanceCheck(Outcome.NO_ANSWER, reason, null);
  }

  public static InstanceCheck databaseDown(String reason) {
    return new InstanceCheck(Outcome.DATABASE_DOWN, reason, null);
  }
}
