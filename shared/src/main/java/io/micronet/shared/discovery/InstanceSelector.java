package io.micronet.shared.discovery;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Round-robin, per service, over the instances whose breaker is not open, skipping those the caller
 * excludes (on a retry: the instance that just failed, or its whole node when the node seems unreachable).
 * One selector per gateway verticle: no shared state.
 */
public final class InstanceSelector {

  private final Map<String, Integer> next = new HashMap<>();

  public Optional<Upstream> select(List<Upstream> instances, Predicate<Upstream> excluded) {
    return pick(instances, excluded, true);
  }

  /** The instance a retry goes to; the turn stays where the first pick left it, so the next request moves on. */
  public Optional<Upstream> selectForRetry(List<Upstream> instances, Predicate<Upstream> excluded) {
    return pick(instances, excluded, false);
  }

  private Optional<Upstream> pick(List<Upstream> instances, Predicate<Upstream> excluded, boolean advance) {
    int count = instances.size();
    if (count == 0) {
      return Optional.empty();
    }
    String service = instances.get(0).service();
    int start = next.getOrDefault(service, 0);
    for (int i = 0; i < count; i++) {
      Upstream candidate = instances.get(Math.floorMod(start + i, count));
      if (candidate.available() && !excluded.test(candidate)) {
        if (advance) {
          next.put(service, Math.floorMod(start + i + 1, count));
        }
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
