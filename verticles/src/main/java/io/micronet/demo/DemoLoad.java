package io.micronet.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What the demo's synthetic load does, from its definition's settings: {@code rps} requests per second in all
 * (default 10, at most 1000), spread in turn over the entry services {@code targets} (default api-gateway, order,
 * notification), at most {@code maxInFlight} (default 200) unanswered at once (a hung service must not pile up calls).
 */
record DemoLoad(int rps, List<String> targets, int maxInFlight) {

  static final List<String> ENTRY_SERVICES = List.of("api-gateway", "order", "notification");

  static DemoLoad from(JsonObject settings) {
    Object rps = settings.getValue("rps", 10);
    if (!(rps instanceof Integer n) || n < 1 || n > 1000) {
      throw new IllegalArgumentException("the demo load's settings.rps must be a whole number from 1 to 1000, got " + rps);
    }
    Object inFlight = settings.getValue("maxInFlight", 200);
    if (!(inFlight instanceof Integer m) || m < 1) {
      throw new IllegalArgumentException("the demo load's settings.maxInFlight must be a positive whole number, got " + inFlight);
    }
    List<String> targets = new ArrayList<>();
    if (settings.getValue("targets") instanceof JsonArray list) {
      list.forEach(item -> targets.add(String.valueOf(item)));
    } else {
      targets.addAll(ENTRY_SERVICES);
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("the demo load's settings.targets must name at least one service");
    }
    return new DemoLoad((Integer) rps, List.copyOf(targets), (Integer) inFlight);
  }

  /** The time between two requests. */
  long periodMs() {
    return Math.max(1, 1000 / rps);
  }
}
