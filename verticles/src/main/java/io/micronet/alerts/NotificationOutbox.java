package io.micronet.alerts;

import io.vertx.core.Future;

/** Where the alert engine leaves a notification: the future succeeds only once it is stored, so a new leader delivers it. */
public interface NotificationOutbox {

  Future<Void> enqueue(Notification notification);
}
