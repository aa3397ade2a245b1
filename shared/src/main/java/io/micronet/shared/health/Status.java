package io.micronet.shared.health;

/** A service's (or an instance's) health, from best to worst: the order {@link #worst} relies on. */
public enum Status {
  UP, DEGRADED, DOWN;

  public static Status worst(Status a, Status b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  /** The status named {@code text}, or null when it names none (nothing read from the bus is taken on faith). */
  public static Status parse(Object text) {
    for (Status status : values()) {
      if (status.name().equals(text)) {
        return status;
      }
    }
    return null;
  }
}
