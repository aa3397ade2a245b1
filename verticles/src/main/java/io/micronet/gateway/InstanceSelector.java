package io.micronet.gateway;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Round-robin over the instances whose breaker is not open. Instances excluded by the caller (the one
 * that just failed, on a retry) are skipped. One selector per gateway verticle: no shared state.
 */
public final class InstanceSelector {

  private int next;

  public Optional<Upstream> select(List<Upstream> instances, Set<String> excludedIds) {
    int count = instances.size();
    for (int i = 0; i < count; i++) {
      Upstream candidate = instances.get(Math.floorMod(next + i, count));
      if (candidate.available() && !excludedIds.contains(candidate.instanceId())) {
        next = Math.floorMod(next + i + 1, count);
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
