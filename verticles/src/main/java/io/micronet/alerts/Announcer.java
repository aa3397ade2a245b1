package io.micronet.alerts;

import io.vertx.core.json.JsonObject;

/**
 * Where the alerts service tells what changed: the public feed {@code micronet.alerts} (alert and silence events), the
 * activity feed (kind alert), and the internal {@code micronet.alerts.changed} the leader listens to (a write made on
 * any instance: rules, silences, an acknowledgment), so the leader applies it at once. Fire-and-forget, all three.
 */
interface Announcer {

  void feed(JsonObject event);

  void activity(String actor, String service, String text);

  void changed(JsonObject change);
}
