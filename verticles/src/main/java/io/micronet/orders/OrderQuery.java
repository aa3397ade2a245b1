package io.micronet.orders;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.validation.Inputs;
import io.micronet.shared.validation.PageParams;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * The order listing parameters: status (PENDING orders, still being placed, only when asked for), user, page. A client lists its own orders only (naming another
 * user is a 403); a manager lists anyone's. Invalid parameter values are a 422 naming them.
 */
record OrderQuery(String status, String userId, int page, int size) {

  static final int USER_ID_MAX = 200;

  static OrderQuery from(ServiceRequest request) {
    String caller = request.requireCaller();
    JsonObject errors = new JsonObject();
    String status = blankToNull(request.queryParam("status"));
    if (status != null && !Order.STATUSES.contains(status)) {
      errors.put("status", "must be one of " + String.join(", ", Order.STATUSES));
    }
    String userId = blankToNull(request.queryParam("userId"));
    if (userId != null && (userId.length() > USER_ID_MAX || !Inputs.idText(userId))) {
      errors.put("userId", "must be a user id of at most " + USER_ID_MAX + " characters, no control characters");
    }
    PageParams paging = PageParams.read(request, errors);
    if (!errors.isEmpty()) {
      throw ServiceException.invalidQuery(errors);
    }
    if (!request.callerIsManager()) {
      if (userId != null && !userId.equals(caller)) {
        throw new ServiceException(ErrorCode.FORBIDDEN, "you may only list your own orders");
      }
      userId = caller;
    }
    return new OrderQuery(status, userId, paging.page(), paging.size());
  }

  /** The WHERE clause (named template parameters) and its values: never caller text in the SQL. */
  String where(Map<String, Object> params) {
    StringBuilder where = new StringBuilder(" WHERE 1=1");
    if (status != null) {
      where.append(" AND status = #{status}");
      params.put("status", status);
    } else {
      // an order being placed is not one yet (its caller has no answer): listed only when asked for by status
      where.append(" AND status IN ('PLACED', 'CANCELLED')");
    }
    if (userId != null) {
      where.append(" AND user_id = #{userId}");
      params.put("userId", userId);
    }
    return where.toString();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
