package io.micronet.shared.chaos;

/**
 * How failures reach the instances of a service: published on {@code micronet.failures.<service>} (every instance of
 * the service listens, and keeps what targets it), as the actions {@value #INJECT} (body: {@link Failure#toJson()})
 * and {@value #RECOVER}, each carrying a manager's or a service's token that the instance verifies.
 */
public final class FailureControl {

  public static final String INJECT = "inject";
  public static final String RECOVER = "recover";
  private static final String PREFIX = "micronet.failures.";

  private FailureControl() {
  }

  public static String address(String service) {
    return PREFIX + service;
  }
}
