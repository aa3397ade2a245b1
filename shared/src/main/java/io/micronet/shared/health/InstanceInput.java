package io.micronet.shared.health;

/**
 * Everything known about one instance when the rule runs: its latest check (null: not checked, e.g. the gateway's
 * own view, which has breakers only) and the worst state any caller's circuit breaker to it is in (null: no caller
 * has one).
 */
public record InstanceInput(String id, String node, InstanceCheck check, Breaker breaker) {

  /** A caller's circuit breaker to the instance: {@code state} OPEN, HALF_OPEN or CLOSED, and who holds it. */
  public record Breaker(String state, String caller) {

    public static final String OPEN = "OPEN";
    public static final String HALF_OPEN = "HALF_OPEN";
    public static final String CLOSED = "CLOSED";

    /** How bad a state is: open 2, half-open 1, closed (or unknown) 0. */
    public int severity() {
      return OPEN.equals(state) ? 2 : HALF_OPEN.equals(state) ? 1 : 0;
    }
  }
}
