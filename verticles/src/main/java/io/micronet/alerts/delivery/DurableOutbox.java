package io.micronet.alerts.delivery;

import io.micronet.alerts.Notification;
import io.micronet.alerts.NotificationOutbox;
import io.vertx.core.Future;

import java.time.Clock;

/**
 * The engine's {@link NotificationOutbox}: stores the notification and one pending delivery row per delivering
 * channel before it answers, so whatever instance leads next sends it; then wakes the dispatcher (if this instance
 * leads, it sends at once rather than at its next poll).
 */
class DurableOutbox implements NotificationOutbox {

  private final OutboxRepository repository;
  private final Channels channels;
  private final Clock clock;
  private final Runnable wake;

  DurableOutbox(OutboxRepository repository, Channels channels, Clock clock, Runnable wake) {
    this.repository = repository;
    this.channels = channels;
    this.clock = clock;
    this.wake = wake;
  }

  @Override
  public Future<Void> enqueue(Notification notification) {
    if (notification == null || notification.id() == null || notification.id().isEmpty() || notification.id().length() > 64) {
      return Future.failedFuture(new IllegalArgumentException("a notification needs an id of 1 to 64 characters"));
    }
    return channels.delivering()
      .compose(targets -> repository.enqueue(notification, Payloads.summary(notification.alerts()), targets, clock.millis()))
      .onSuccess(v -> wake.run());
  }
}
