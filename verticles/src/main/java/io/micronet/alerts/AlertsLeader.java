package io.micronet.alerts;

import io.micronet.shared.validation.Inputs;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * What the elected alerts instance does: on election it loads rules, silences, unfinished alerts and group timings
 * from the database ({@link #leading}), then every {@code evaluateMs} judges the rules against {@link Detection},
 * steps the {@link AlertEngine}, and stores the step — notifications into the outbox first (ids stable: a repeat after
 * a crash is stored once), then alerts, groups and expired silences — before it announces the step's events. One step
 * at a time; a step whose storage failed makes the next one reload from the database. It stops evaluating the moment
 * it loses the lead. A write made on any instance ({@link AlertsService#CHANGED}) is applied at once.
 */
final class AlertsLeader {

  private static final Logger LOG = LoggerFactory.getLogger(AlertsLeader.class);
  static final long RELOAD_MS = 10_000;

  private final AlertRepository repository;
  private final NotificationOutbox outbox;
  private final AlertEngine engine;
  private final Detection detection;
  private final Announcer announcer;
  private final Clock clock;
  private boolean leading;
  private boolean loaded;
  private boolean busy;
  private long lastReload;
  private long generation;

  AlertsLeader(AlertRepository repository, NotificationOutbox outbox, AlertEngine engine, Detection detection,
               Announcer announcer, Clock clock) {
    this.repository = repository;
    this.outbox = outbox;
    this.engine = engine;
    this.detection = detection;
    this.announcer = announcer;
    this.clock = clock;
  }

  void leading(boolean now) {
    leading = now;
    loaded = false;
    generation++;
    if (now) {
      load();
    }
  }

  boolean isLeading() {
    return leading;
  }

  private Future<Void> load() {
    long mine = generation;
    return Future.all(repository.rules(), repository.liveSilences(), repository.unfinishedAlerts(), repository.groups())
      .onSuccess(all -> {
        if (mine != generation || !leading) {
          return;
        }
        engine.rules(all.resultAt(0));
        engine.silences(all.resultAt(1));
        engine.restore(all.resultAt(2), all.resultAt(3));
        lastReload = clock.millis();
        loaded = true;
        LOG.info("alert engine resumed", kv("alerts", engine.active().size()));
      })
      .onFailure(e -> LOG.warn("alert engine state not loaded, will retry", kv("reason", String.valueOf(e.getMessage()))))
      .mapEmpty();
  }

  /** Rules and silences again (an edit, a new silence): cheap, and what the next step goes by. */
  Future<Void> reloadSettings() {
    if (!leading || !loaded) {
      return Future.succeededFuture();
    }
    long mine = generation;
    return Future.all(repository.rules(), repository.liveSilences()).onSuccess(all -> {
      if (mine == generation) {
        engine.rules(all.resultAt(0));
        engine.silences(all.resultAt(1));
        lastReload = clock.millis();
      }
    }).mapEmpty();
  }

  /**
   * A write made on some instance: applied now (an acknowledgment in memory; rules and silences reloaded), then a step.
   * The message is only a hint: any member of the bus may publish on {@link AlertsService#CHANGED}, so who acknowledged
   * (and whether anyone did) is read back from the database, where only the verified {@code ack} action writes it.
   */
  Future<Void> onChanged(Object body) {
    if (!leading || !(body instanceof JsonObject change)) {
      return Future.succeededFuture();
    }
    if ("ack".equals(change.getValue("what"))) {
      if (!(change.getValue("id") instanceof String id) || id.isEmpty() || id.length() > Inputs.ID_MAX || !Inputs.idText(id)) {
        return Future.succeededFuture();
      }
      long mine = generation;
      return repository.alert(id).onSuccess(stored -> {
        if (mine == generation && stored != null && stored.acknowledged()) {
          engine.acknowledged(id, stored.ackedBy, stored.ackedAt);
        }
      }).mapEmpty();
    }
    return reloadSettings().onComplete(v -> tick());
  }

  /** One evaluation step (skipped while one is under way, or before the state is loaded). */
  void tick() {
    if (!leading || busy) {
      return;
    }
    if (!loaded) {
      busy = true;
      load().onComplete(v -> busy = false);
      return;
    }
    if (clock.millis() - lastReload >= RELOAD_MS) {
      busy = true;
      reloadSettings().onComplete(v -> busy = false);
      return;
    }
    // milliseconds, as an acknowledgment's time is stored: one precision in every alert time
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    AlertEngine.Step step = engine.step(detection.evaluate(engine.rules(), now.toEpochMilli()), now);
    if (step.isEmpty()) {
      return;
    }
    busy = true;
    long mine = generation;
    Future<Void> stored = Future.succeededFuture();
    for (Notification notification : step.notifications) {
      stored = stored.compose(v -> outbox.enqueue(notification));
    }
    stored.compose(v -> repository.saveAlerts(step.alerts.values()))
      .compose(v -> repository.saveGroups(step.groups.values(), step.groupsRemoved))
      .compose(v -> repository.markExpired(step.silencesExpired))
      .onSuccess(v -> announce(step))
      .onFailure(e -> {
        LOG.warn("alert step not stored; reloading", kv("reason", String.valueOf(e.getMessage())));
        if (mine == generation) {
          loaded = false;
        }
      })
      .onComplete(v -> busy = false);
  }

  private void announce(AlertEngine.Step step) {
    for (JsonObject event : step.events) {
      announcer.feed(event);
      if ("alert".equals(event.getValue("type"))) {
        JsonObject alert = event.getJsonObject("alert");
        announcer.activity("alerts", alert.getString("service"), "alert " + alert.getString("rule") + " on "
          + alert.getString("service") + (alert.getString("instance") == null ? "" : " (" + alert.getString("instance") + ")") + " "
          + event.getString("change") + ": " + alert.getString("summary")
          + (alert.getJsonObject("inhibitedBy") == null ? "" : " — " + alert.getJsonObject("inhibitedBy").getString("reason")));
      } else {
        JsonObject silence = event.getJsonObject("silence");
        announcer.activity("alerts", silence.getJsonObject("matchers").getString("service"),
          "silence " + AlertsService.describe(Silence.fromJson(silence)) + " " + event.getString("change"));
      }
    }
    for (Notification notification : step.notifications) {
      LOG.info("alert notification stored", kv("id", notification.id()), kv("group", notification.groupKey()),
        kv("status", notification.status()), kv("alerts", notification.alerts().size()));
    }
  }
}
