package io.micronet.activity;

import io.micronet.shared.events.ActivityEvent;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.validation.Inputs;
import io.micronet.shared.validation.PageParams;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code GET /api/activity?kind=&service=&page=&size=}, checked: {@code kind} one of the feed's kinds (any case),
 * {@code service} a name, the contract's paging; 422 naming each bad parameter (a bad kind's message lists the kinds).
 */
record ActivityQuery(ActivityEvent.Kind kind, String service, int page, int size) {

  static final int MAX_NAME = 120;

  static ActivityQuery parse(ServiceRequest request) {
    JsonObject errors = new JsonObject();
    ActivityEvent.Kind kind = null;
    String rawKind = request.queryParam("kind");
    if (rawKind != null && !rawKind.isEmpty()) {
      kind = ActivityEvent.Kind.parse(rawKind);
      if (kind == null) {
        errors.put("kind", "must be one of " + kinds());
      }
    }
    String service = request.queryParam("service");
    if (service != null && service.isEmpty()) {
      service = null;
    } else if (service != null && (service.length() > MAX_NAME || !Inputs.idText(service))) {
      errors.put("service", "must be a name of at most " + MAX_NAME + " characters");
    }
    PageParams paging = PageParams.read(request, errors);
    if (!errors.isEmpty()) {
      throw ServiceException.invalidQuery(errors);
    }
    return new ActivityQuery(kind, service, paging.page(), paging.size());
  }

  static String kinds() {
    return Arrays.stream(ActivityEvent.Kind.values()).map(ActivityEvent.Kind::label).collect(Collectors.joining(", "));
  }

  /** The WHERE clause (with its parameters in {@code params}) of this query. */
  String where(Map<String, Object> params) {
    StringBuilder where = new StringBuilder(" WHERE 1=1");
    if (kind != null) {
      where.append(" AND kind = #{kind}");
      params.put("kind", kind.label());
    }
    if (service != null) {
      where.append(" AND service = #{service}");
      params.put("service", service);
    }
    return where.toString();
  }
}
