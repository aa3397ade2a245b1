package io.micronet.alerts.delivery;

import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.validation.Inputs;
import io.micronet.shared.validation.PageParams;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code dlq.list} (a page of dead rows, newest first) and {@code dlq.replay} ({@code {ids}} or nothing: all): each
 * replayed row is pending again with its attempts reset, due now. The answer is {@code {queued, notFound}}:
 * an asked id that is not in the queue (unknown, or already replayed) is named in {@code notFound}, not an error,
 * so that replaying a list twice (a double click, a retried request) does no harm and says what happened.
 */
class DeadLetters {

  static final int MAX_IDS = 100;

  private final OutboxRepository outbox;
  private final Clock clock;
  private final Runnable wake;

  DeadLetters(OutboxRepository outbox, Clock clock, Runnable wake) {
    this.outbox = outbox;
    this.clock = clock;
    this.wake = wake;
  }

  Future<ServiceResponse> list(ServiceRequest request) {
    PageParams paging = PageParams.required(request);
    return outbox.deadLetters(paging.page(), paging.size()).map(page -> ServiceResponse.ok(page.toJson(DeliveryRow::toDeadLetterJson)));
  }

  Future<ServiceResponse> replay(ServiceRequest request) {
    List<String> ids = ids(request.body());
    return outbox.replay(ids, clock.millis()).map(replay -> {
      if (replay.queued() > 0) {
        wake.run();
      }
      return ServiceResponse.ok(new JsonObject().put("queued", replay.queued()).put("notFound", new JsonArray(replay.notFound())));
    });
  }

  /** The ids asked for; null: all. */
  static List<String> ids(Object body) {
    if (body == null) {
      return null;
    }
    if (!(body instanceof JsonObject json)) {
      throw ServiceException.badRequest("the request body must be a JSON object");
    }
    Object value = json.getValue("ids");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > MAX_IDS) {
      throw ServiceException.invalid(new JsonObject().put("ids", "must be a list of 1 to " + MAX_IDS + " ids (leave it out to replay all)"));
    }
    List<String> ids = new ArrayList<>();
    for (Object id : array) {
      if (!(id instanceof String text) || text.isEmpty() || text.length() > Inputs.ID_MAX || !Inputs.idText(text)) {
        throw ServiceException.invalid(new JsonObject().put("ids", "each id must be text of 1 to " + Inputs.ID_MAX + " characters"));
      }
      ids.add(text);
    }
    return ids;
  }
}
