package io.micronet.alerts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The leader's view of the platform's streams, and the rules judged against it. Pure: fed with what the feeds carry
 * and the time ({@code on…}), asked {@link #evaluate} every second. Metric snapshots ({@code micronet.metrics}: per
 * service rps, errorRate, p50/p95/p99), samples (their {@code errors} counts feed the bursts), health snapshots and
 * changes ({@code micronet.health}: a service's status; an instance whose database is down), breaker transitions and
 * the orders' recovery signals. Nothing on a feed is taken on faith: junk is ignored. Figures not heard for
 * {@link #STALE_MS} no longer count (their source went away: its conditions clear).
 * <p>
 * Memory is bounded whatever the feeds carry (any member of the bus may publish on them): each map holds at most
 * {@link #MAX_KEYS} names (services, or service–instance–caller), further names are ignored until some go stale; error
 * counts are kept per second, and a z-score window (one per rule and service heard of) takes at most
 * {@link #MAX_WINDOW_POINTS} points; what no rule looks back on any more is dropped at each {@link #evaluate}.
 */
final class Detection {

  static final long STALE_MS = 15_000;
  static final long SIGNAL_STALE_MS = 90_000;
  static final long BREAKER_SILENT_MS = 120_000;
  static final int MAX_BURST_POINTS = 50_000;
  static final long MAX_BURST_MS = 86_400_000L;
  /** Far more services, instances and callers than a platform has; a flood of made-up names stops here. */
  static final int MAX_KEYS = 200;
  static final int MAX_WINDOW_POINTS = 20_000;
  /** A z-score window takes a point at most this often (a flood of snapshots does not fill it faster than time). */
  static final long MIN_POINT_SPACING_MS = 1_000;

  private record Figures(JsonObject values, long at, long seq) {
  }

  private record Point(long at, double value) {
  }

  private record Breaker(String state, long at) {
  }

  private record Signal(double value, long at) {
  }

  private static final class Window {
    final ArrayDeque<Point> points = new ArrayDeque<>();
    long lastSeq = -1;
    Double lastScore;
  }

  private final Map<String, Figures> metrics = new HashMap<>();
  private final Map<String, ArrayDeque<Point>> errors = new HashMap<>();
  private final Map<String, String> statuses = new HashMap<>();
  private final Map<String, String> databaseDown = new HashMap<>();
  private final Map<String, Breaker> breakers = new HashMap<>();
  private final Map<String, Signal> signals = new HashMap<>();
  private final Map<String, Window> windows = new HashMap<>();
  private long seq;

  /** A metrics snapshot: {@code {type:"snapshot", services:{name:{rps, errorRate, p50, p95, p99, …}}}}. */
  void onMetrics(Object body, long now) {
    if (!(body instanceof JsonObject json) || !"snapshot".equals(json.getValue("type"))
      || !(json.getValue("services") instanceof JsonObject services)) {
      return;
    }
    seq++;
    for (String name : services.fieldNames()) {
      if (services.getValue(name) instanceof JsonObject figures && room(metrics, name)) {
        metrics.put(name, new Figures(figures, now, seq));
      }
    }
  }

  /** A sample of an instance's own figures: its {@code errors} since the sample before count towards the bursts. */
  void onSample(Object body, long now) {
    if (!(body instanceof JsonObject json) || !"sample".equals(json.getValue("type")) || !"service".equals(json.getValue("source"))
      || !(json.getValue("service") instanceof String service) || !(json.getValue("errors") instanceof Number n)
      || n.longValue() <= 0 || !Double.isFinite(n.doubleValue()) || !room(errors, service)) {
      return;
    }
    ArrayDeque<Point> points = errors.computeIfAbsent(service, s -> new ArrayDeque<>());
    Point last = points.peekLast();
    if (last != null && last.at() / 1000 == now / 1000) {
      // counts within one second are one point: the bursts' precision, and no flood grows the queue faster than time
      points.pollLast();
      points.addLast(new Point(last.at(), last.value() + n.doubleValue()));
    } else {
      points.addLast(new Point(now, n.doubleValue()));
    }
    while (points.size() > MAX_BURST_POINTS || now - points.peekFirst().at() > MAX_BURST_MS) {
      points.pollFirst();
    }
  }

  /** A health snapshot (every service's status, each instance's) or change (one service's status). */
  void onHealth(Object body, long now) {
    if (!(body instanceof JsonObject json)) {
      return;
    }
    if ("change".equals(json.getValue("type")) && json.getValue("service") instanceof String service
      && json.getValue("status") instanceof String status) {
      if (room(statuses, service)) {
        statuses.put(service, status);
      }
      return;
    }
    if (!"snapshot".equals(json.getValue("type")) || !(json.getValue("services") instanceof JsonObject services)) {
      return;
    }
    statuses.clear();
    databaseDown.clear();
    for (String name : services.fieldNames()) {
      if (!(services.getValue(name) instanceof JsonObject service) || !(service.getValue("status") instanceof String status)
        || !room(statuses, name)) {
        continue;
      }
      statuses.put(name, status);
      if (service.getValue("instances") instanceof JsonArray instances) {
        for (Object one : instances) {
          if (one instanceof JsonObject instance && instance.getValue("id") instanceof String id
            && instance.getValue("reason") instanceof String reason && reason.toLowerCase(Locale.ROOT).startsWith("database down")
            && room(databaseDown, name + "\n" + id)) {
            databaseDown.put(name + "\n" + id, reason);
          }
        }
      }
    }
  }

  /** A breaker transition: {@code {type:"breaker", caller, service, instance, state}}. */
  void onBreaker(Object body, long now) {
    if (!(body instanceof JsonObject json) || !"breaker".equals(json.getValue("type")) || !(json.getValue("service") instanceof String service)
      || !(json.getValue("state") instanceof String state)) {
      return;
    }
    String instance = json.getValue("instance") instanceof String i ? i : "";
    String caller = json.getValue("caller") instanceof String c ? c : "";
    String key = service + "\n" + instance + "\n" + caller;
    if (room(breakers, key)) {
      breakers.put(key, new Breaker(state, now));
    }
  }

  /** A platform signal: {@code {type:"signal", signal, service, instance?, value}}. */
  void onSignal(Object body, long now) {
    if (!(body instanceof JsonObject json) || !"signal".equals(json.getValue("type")) || !(json.getValue("signal") instanceof String signal)
      || !Signals.NAMES.contains(signal) || !(json.getValue("service") instanceof String service)
      || !(json.getValue("value") instanceof Number value) || !Double.isFinite(value.doubleValue())) {
      return;
    }
    String instance = json.getValue("instance") instanceof String i ? i : "";
    String key = signal + "\n" + service + "\n" + instance;
    if (room(signals, key)) {
      signals.put(key, new Signal(value.doubleValue(), now));
    }
  }

  /** Whether {@code key} is in {@code map} already, or the map may take one more. */
  private static boolean room(Map<String, ?> map, String key) {
    return map.size() < MAX_KEYS || map.containsKey(key);
  }

  /** Names held now, per map (tests: the bounds). */
  Map<String, Integer> sizes() {
    return Map.of("metrics", metrics.size(), "errors", errors.size(), "errorPoints", errors.values().stream().mapToInt(ArrayDeque::size).sum(),
      "statuses", statuses.size(), "databaseDown", databaseDown.size(), "breakers", breakers.size(), "signals", signals.size(),
      "windows", windows.size(), "windowPoints", windows.values().stream().mapToInt(w -> w.points.size()).sum());
  }

  /** The true conditions of the enabled rules now. */
  List<Condition> evaluate(List<Rule> rules, long now) {
    metrics.values().removeIf(f -> now - f.at() > STALE_MS);
    breakers.values().removeIf(b -> now - b.at() > BREAKER_SILENT_MS);
    signals.values().removeIf(s -> now - s.at() > SIGNAL_STALE_MS);
    // the windows of rules deleted or edited away go with them, and those of services no longer heard of (their
    // history starts again when they are back); the rest keep only the points their rule's window spans
    Map<String, Long> zscores = new HashMap<>();
    rules.stream().filter(r -> Rule.ZSCORE.equals(r.kind()) && r.window() != null).forEach(r -> zscores.put(r.id(), r.window().seconds() * 1000L));
    windows.entrySet().removeIf(entry -> {
      int cut = entry.getKey().indexOf('\n');
      Long span = zscores.get(entry.getKey().substring(0, cut));
      if (span == null || !metrics.containsKey(entry.getKey().substring(cut + 1))) {
        return true;
      }
      ArrayDeque<Point> points = entry.getValue().points;
      while (!points.isEmpty() && now - points.peekFirst().at() > span) {
        points.pollFirst();
      }
      return false;
    });
    // error counts older than the longest burst rule looks back
    long burstSpan = rules.stream().filter(r -> Rule.BURST.equals(r.kind()) && r.burst() != null)
      .mapToLong(r -> r.burst().withinSeconds() * 1000L).max().orElse(0);
    errors.values().removeIf(points -> {
      while (!points.isEmpty() && now - points.peekFirst().at() > burstSpan) {
        points.pollFirst();
      }
      return points.isEmpty();
    });
    List<Condition> conditions = new ArrayList<>();
    for (Rule rule : rules) {
      if (!rule.enabled()) {
        continue;
      }
      switch (rule.kind()) {
        case Rule.THRESHOLD -> threshold(rule, conditions);
        case Rule.ZSCORE -> zscore(rule, now, conditions);
        case Rule.BURST -> burst(rule, now, conditions);
        case Rule.STATUS -> status(rule, conditions);
        case Rule.SIGNAL -> signal(rule, conditions);
        default -> { }
      }
    }
    return conditions;
  }

  private void threshold(Rule rule, List<Condition> out) {
    metrics.forEach((service, figures) -> {
      if (rule.appliesTo(service) && figures.values().getValue(rule.metric()) instanceof Number n
        && Rule.compare(n.doubleValue(), rule.op(), rule.value())) {
        out.add(new Condition(rule, service, null, n.doubleValue(),
          service + " " + rule.metric() + " " + round(n.doubleValue()) + " " + rule.op() + " " + round(rule.value())));
      }
    });
  }

  private void zscore(Rule rule, long now, List<Condition> out) {
    metrics.forEach((service, figures) -> {
      if (!rule.appliesTo(service) || !(figures.values().getValue(rule.metric()) instanceof Number n)) {
        return;
      }
      Window window = windows.computeIfAbsent(rule.id() + "\n" + service, k -> new Window());
      double x = n.doubleValue();
      if (window.lastSeq != figures.seq()) {
        // a new snapshot: score it against the window before it joins the window
        window.lastSeq = figures.seq();
        while (!window.points.isEmpty() && now - window.points.peekFirst().at() > rule.window().seconds() * 1000L) {
          window.points.pollFirst();
        }
        window.lastScore = ZScore.score(window.points.stream().mapToDouble(Point::value).toArray(), x, rule.window().robust());
        // every snapshot is scored; it joins the window only as often as the window can hold over its span
        long spacing = Math.max(MIN_POINT_SPACING_MS, rule.window().seconds() * 1000L / MAX_WINDOW_POINTS);
        if (window.points.isEmpty() || now - window.points.peekLast().at() >= spacing) {
          window.points.addLast(new Point(now, x));
        }
      }
      Double z = window.lastScore;
      boolean high = rule.op().startsWith(">");
      if (z != null && (high ? z >= rule.window().k() : z <= -rule.window().k()) && Rule.compare(x, rule.op(), rule.value())) {
        // an infinite score: the window never varied, so any change is "far" (no number of deviations to name)
        String distance = Double.isInfinite(z) ? "far " : round(Math.abs(z)) + (rule.window().robust() ? " robust" : "") + " deviations ";
        String past = Double.isInfinite(z) ? "its steady last " : "its last ";
        out.add(new Condition(rule, service, null, x, service + " " + rule.metric() + " " + round(x) + " is " + distance
          + (high ? "above" : "below") + " " + past + rule.window().seconds() + " s (k " + rule.window().k() + ")"));
      }
    });
  }

  private void burst(Rule rule, long now, List<Condition> out) {
    long since = now - rule.burst().withinSeconds() * 1000L;
    errors.forEach((service, points) -> {
      if (!rule.appliesTo(service)) {
        return;
      }
      double sum = points.stream().filter(p -> p.at() > since).mapToDouble(Point::value).sum();
      if (sum >= rule.burst().count()) {
        out.add(new Condition(rule, service, null, sum, service + ": " + (long) sum + " errors within "
          + rule.burst().withinSeconds() + " s (burst at " + rule.burst().count() + ")"));
      }
    });
  }

  private void status(Rule rule, List<Condition> out) {
    statuses.forEach((service, status) -> {
      if (rule.appliesTo(service) && rule.statuses().contains(status)) {
        out.add(new Condition(rule, service, null, "DOWN".equals(status) ? 2 : 1, service + " is " + status));
      }
    });
  }

  private void signal(Rule rule, List<Condition> out) {
    switch (rule.metric()) {
      case Signals.BREAKER_OPEN -> {
        Map<String, Integer> open = new HashMap<>();
        breakers.forEach((key, breaker) -> {
          if ("OPEN".equals(breaker.state())) {
            String[] parts = key.split("\n", -1);
            open.merge(parts[0] + "\n" + parts[1], 1, Integer::sum);
          }
        });
        open.forEach((key, callers) -> {
          String[] parts = key.split("\n", -1);
          report(rule, parts[0], parts[1], callers, "circuit breaker OPEN towards " + (parts[1].isEmpty() ? parts[0] : parts[1])
            + " (" + callers + (callers == 1 ? " caller)" : " callers)"), out);
        });
      }
      case Signals.DATABASE_DOWN -> databaseDown.forEach((key, reason) -> {
        String[] parts = key.split("\n", -1);
        report(rule, parts[0], parts[1], 1, parts[1] + ": " + reason, out);
      });
      default -> signals.forEach((key, signal) -> {
        String[] parts = key.split("\n", -1);
        if (parts[0].equals(rule.metric())) {
          report(rule, parts[1], parts[2], signal.value(), parts[1] + " " + rule.metric() + " " + round(signal.value()), out);
        }
      });
    }
  }

  private static void report(Rule rule, String service, String instance, double value, String summary, List<Condition> out) {
    if (rule.appliesTo(service) && Rule.compare(value, rule.op(), rule.value())) {
      out.add(new Condition(rule, service, instance.isEmpty() ? null : instance, value, summary));
    }
  }

  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
