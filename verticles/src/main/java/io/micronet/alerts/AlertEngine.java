package io.micronet.alerts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The alert engine, pure (time and ids come from the caller): turns the true conditions of each second into alerts
 * (one at a time per fingerprint: deduplication), walks them pending → firing → resolved (held {@code forSeconds},
 * kept firing {@code keepFiringSeconds} after the condition clears, so a flapping condition neither resolves nor
 * notifies at each flip), marks them silenced (a matching silence) or inhibited (a service they depend on, directly or
 * not, has a firing DOWN status alert: "caused by products DOWN"), and decides the notifications per group (service +
 * rule): the first after the group wait, then at most every group interval when its firing alerts changed or some
 * resolved (each resolution of a notified alert once), and a repeat after the repeat interval while alerts that are
 * neither acknowledged, silenced nor inhibited still fire. Each {@link #step} says what changed ({@link Step}): the
 * caller stores it, publishes its events and hands its notifications to the outbox.
 */
final class AlertEngine {

  /** Grouping and repetition timings (services.alerts.*). */
  record Timing(Duration groupWait, Duration groupInterval, Duration repeatInterval) {
  }

  /** What one step changed. */
  static final class Step {
    final List<JsonObject> events = new ArrayList<>();
    final Map<String, Alert> alerts = new LinkedHashMap<>();
    final Map<String, AlertGroup> groups = new LinkedHashMap<>();
    final Set<String> groupsRemoved = new HashSet<>();
    final List<String> silencesExpired = new ArrayList<>();
    final List<Notification> notifications = new ArrayList<>();

    boolean isEmpty() {
      return events.isEmpty() && alerts.isEmpty() && groups.isEmpty() && groupsRemoved.isEmpty() && silencesExpired.isEmpty()
        && notifications.isEmpty();
    }
  }

  private final Timing timing;
  private final Map<String, Set<String>> dependsOn;
  private final Supplier<String> ids;
  private final Map<String, Rule> rules = new HashMap<>();
  private final Map<String, Alert> active = new LinkedHashMap<>();
  /** Resolved alerts whose firing was notified and whose resolution is not yet. */
  private final Map<String, Alert> resolving = new LinkedHashMap<>();
  private final Map<String, Silence> silences = new LinkedHashMap<>();
  private final Map<String, AlertGroup> groups = new HashMap<>();

  /** {@code dependencies}: each service's direct dependencies (service definitions); the engine follows them transitively. */
  AlertEngine(Timing timing, Map<String, List<String>> dependencies, Supplier<String> ids) {
    this.timing = timing;
    this.ids = ids;
    this.dependsOn = closure(dependencies);
  }

  static Map<String, Set<String>> closure(Map<String, List<String>> direct) {
    Map<String, Set<String>> all = new HashMap<>();
    for (String service : direct.keySet()) {
      Set<String> seen = new TreeSet<>();
      List<String> todo = new ArrayList<>(direct.getOrDefault(service, List.of()));
      while (!todo.isEmpty()) {
        String next = todo.remove(todo.size() - 1);
        if (!next.equals(service) && seen.add(next)) {
          todo.addAll(direct.getOrDefault(next, List.of()));
        }
      }
      all.put(service, seen);
    }
    return all;
  }

  // ---- state the caller loads and replaces ---------------------------------------------------------------------

  void rules(Collection<Rule> all) {
    rules.clear();
    all.forEach(rule -> rules.put(rule.id(), rule));
  }

  List<Rule> rules() {
    return List.copyOf(rules.values());
  }

  /** The silences in force or to come (expired ones are not given: they no longer apply). */
  void silences(Collection<Silence> all) {
    silences.clear();
    all.forEach(silence -> silences.put(silence.id(), silence));
  }

  /** What a new leader found stored: alerts still active or owed a resolution notice, and group timings. */
  void restore(Collection<Alert> alerts, Collection<AlertGroup> storedGroups) {
    active.clear();
    resolving.clear();
    groups.clear();
    for (Alert alert : alerts) {
      if (alert.active()) {
        active.put(alert.fingerprint, alert);
      } else if (alert.notified && !alert.resolutionNotified) {
        resolving.put(alert.id, alert);
      }
    }
    storedGroups.forEach(group -> groups.put(group.key, group));
  }

  /** An acknowledgment made elsewhere (already stored and announced): no more repeats for it. False when unknown. */
  boolean acknowledged(String alertId, String by, Instant at) {
    for (Alert alert : active.values()) {
      if (alert.id.equals(alertId)) {
        if (alert.ackedBy == null) {
          alert.ackedBy = by;
          alert.ackedAt = at;
        }
        return true;
      }
    }
    return false;
  }

  Collection<Alert> active() {
    return active.values();
  }

  // ---- one step ------------------------------------------------------------------------------------------------

  Step step(List<Condition> conditions, Instant now) {
    Step step = new Step();
    expireSilences(now, step);
    Map<String, JsonObject> before = new HashMap<>();
    active.values().forEach(alert -> before.put(alert.id, alert.toJson()));
    Map<String, Condition> seen = new LinkedHashMap<>();
    conditions.forEach(condition -> seen.putIfAbsent(condition.fingerprint(), condition));
    for (Condition condition : seen.values()) {
      observe(condition, now, step);
    }
    for (Alert alert : List.copyOf(active.values())) {
      if (!seen.containsKey(alert.fingerprint)) {
        clear(alert, now, step);
      }
    }
    for (Alert alert : active.values()) {
      String silencedBefore = alert.silencedBy;
      JsonObject inhibitedBefore = alert.inhibitedBy;
      alert.silencedBy = silencedBy(alert, now);
      alert.inhibitedBy = inhibitedBy(alert);
      if (alert.silencedBy != null && silencedBefore == null) {
        changed(alert, "silenced", now, step);
      } else if (alert.inhibitedBy != null && inhibitedBefore == null) {
        changed(alert, "inhibited", now, step);
      } else if (alert.silencedBy == null && silencedBefore != null || alert.inhibitedBy == null && inhibitedBefore != null) {
        changed(alert, alert.state, now, step);
      } else if (before.containsKey(alert.id) && !alert.sameAs(before.get(alert.id)) && !step.alerts.containsKey(alert.id)) {
        // its name or severity followed an edited rule
        step.alerts.put(alert.id, alert);
      }
    }
    notify(now, step);
    return step;
  }

  private void expireSilences(Instant now, Step step) {
    for (Silence silence : List.copyOf(silences.values())) {
      if (!now.isBefore(silence.endsAt())) {
        silences.remove(silence.id());
        step.silencesExpired.add(silence.id());
        step.events.add(new JsonObject().put("type", "silence").put("change", "expired").put("silence", silence.toJson()));
      }
    }
  }

  private void observe(Condition condition, Instant now, Step step) {
    Rule rule = condition.rule();
    Alert alert = active.get(condition.fingerprint());
    if (alert == null) {
      alert = new Alert(ids.get(), condition.fingerprint(), rule.id(), rule.kind(), condition.service(), condition.instance(),
        condition.labels(), now);
      alert.state = Alert.PENDING;
      alert.since = now;
      active.put(alert.fingerprint, alert);
      describe(alert, rule, condition);
      alert.lastActiveAt = now;
      if (rule.forSeconds() > 0) {
        changed(alert, Alert.PENDING, now, step);
        return;
      }
    }
    describe(alert, rule, condition);
    alert.lastActiveAt = now;
    if (Alert.PENDING.equals(alert.state) && !now.isBefore(alert.startsAt.plusSeconds(rule.forSeconds()))) {
      alert.state = Alert.FIRING;
      alert.since = now;
      alert.firingAt = now;
      changed(alert, Alert.FIRING, now, step);
    }
  }

  private static void describe(Alert alert, Rule rule, Condition condition) {
    alert.rule = rule.name();
    alert.severity = rule.severity();
    alert.value = condition.value();
    alert.summary = condition.summary();
  }

  private void clear(Alert alert, Instant now, Step step) {
    Rule rule = rules.get(alert.ruleId);
    int keep = rule == null || !rule.enabled() ? 0 : rule.keepFiringSeconds();
    if (Alert.FIRING.equals(alert.state) && now.isBefore(alert.lastActiveAt.plusSeconds(keep))) {
      return; // keeps firing a while: a flap back within the period is the same alert, not a new notification
    }
    active.remove(alert.fingerprint);
    alert.state = Alert.RESOLVED;
    alert.since = now;
    alert.resolvedAt = now;
    if (alert.notified) {
      resolving.put(alert.id, alert);
    }
    changed(alert, Alert.RESOLVED, now, step);
  }

  private void changed(Alert alert, String change, Instant now, Step step) {
    alert.updatedAt = now;
    step.alerts.put(alert.id, alert);
    step.events.add(new JsonObject().put("type", "alert").put("change", change).put("alert", alert.toJson()));
  }

  private String silencedBy(Alert alert, Instant now) {
    for (Silence silence : silences.values()) {
      if (silence.activeAt(now) && silence.matches(alert)) {
        return silence.id();
      }
    }
    return null;
  }

  private JsonObject inhibitedBy(Alert alert) {
    Set<String> upstream = dependsOn.getOrDefault(alert.service, Set.of());
    for (Alert cause : active.values()) {
      if (cause != alert && cause.isServiceDown() && upstream.contains(cause.service)) {
        return new JsonObject().put("id", cause.id).put("service", cause.service).put("reason", "caused by " + cause.service + " DOWN");
      }
    }
    return null;
  }

  // ---- notifications ---------------------------------------------------------------------------------------------

  private boolean notifiable(Alert alert) {
    return Alert.FIRING.equals(alert.state) && alert.silencedBy == null && alert.inhibitedBy == null && !alert.acknowledged();
  }

  private void notify(Instant now, Step step) {
    Map<String, List<Alert>> firing = new HashMap<>();
    Map<String, List<Alert>> resolved = new HashMap<>();
    Set<String> live = new HashSet<>();
    for (Alert alert : active.values()) {
      live.add(alert.groupKey());
      if (notifiable(alert)) {
        firing.computeIfAbsent(alert.groupKey(), k -> new ArrayList<>()).add(alert);
      }
    }
    resolving.values().forEach(alert -> resolved.computeIfAbsent(alert.groupKey(), k -> new ArrayList<>()).add(alert));
    Set<String> keys = new TreeSet<>(firing.keySet());
    keys.addAll(resolved.keySet());
    for (String key : keys) {
      List<Alert> firingNow = firing.getOrDefault(key, List.of());
      List<Alert> resolvedNow = resolved.getOrDefault(key, List.of());
      AlertGroup existing = groups.get(key);
      if (existing == null && firingNow.isEmpty()) {
        continue;
      }
      AlertGroup group = existing != null ? existing : new AlertGroup(key, now);
      if (existing == null) {
        groups.put(key, group);
        step.groups.put(key, group);
      }
      if (group.lastSentAt == null) {
        if (!firingNow.isEmpty() && !now.isBefore(group.createdAt.plus(timing.groupWait()))) {
          send(group, Notification.FIRING, firingNow, now, step);
        }
        continue;
      }
      if (now.isBefore(group.lastSentAt.plus(timing.groupInterval()))) {
        continue;
      }
      List<String> ids = firingNow.stream().map(a -> a.id).sorted().toList();
      boolean added = ids.stream().anyMatch(id -> !group.lastFiring.contains(id));
      if (!resolvedNow.isEmpty()) {
        send(group, Notification.RESOLVED, resolvedNow, now, step);
      }
      if (!firingNow.isEmpty() && (added || !now.isBefore(group.lastSentAt.plus(timing.repeatInterval())))) {
        send(group, Notification.FIRING, firingNow, now, step);
      } else if (!resolvedNow.isEmpty()) {
        group.lastFiring = new ArrayList<>(ids);
      }
    }
    // a group with nothing left to say starts afresh (a group wait) the next time
    for (AlertGroup group : List.copyOf(groups.values())) {
      if (!live.contains(group.key) && resolving.values().stream().noneMatch(a -> a.groupKey().equals(group.key))) {
        groups.remove(group.key);
        step.groups.remove(group.key);
        step.groupsRemoved.add(group.key);
      }
    }
  }

  private void send(AlertGroup group, String status, List<Alert> alerts, Instant now, Step step) {
    JsonArray list = new JsonArray();
    alerts.stream().sorted((a, b) -> a.id.compareTo(b.id)).forEach(alert -> {
      if (Notification.FIRING.equals(status)) {
        alert.notified = true;
      } else {
        alert.resolutionNotified = true;
        resolving.remove(alert.id);
      }
      step.alerts.put(alert.id, alert);
      list.add(alert.toJson());
    });
    String id = UUID.nameUUIDFromBytes((group.key + "|" + group.createdAt.toEpochMilli() + "|" + group.seq + "|" + status)
      .getBytes(StandardCharsets.UTF_8)).toString();
    group.seq++;
    group.lastSentAt = now;
    if (Notification.FIRING.equals(status)) {
      group.lastFiring = new ArrayList<>(alerts.stream().map(a -> a.id).sorted().toList());
    }
    step.groups.put(group.key, group);
    step.notifications.add(new Notification(id, group.key, status, list, now));
  }
}
