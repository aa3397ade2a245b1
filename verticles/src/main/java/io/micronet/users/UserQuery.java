package io.micronet.users;

import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.validation.Inputs;
import io.micronet.shared.validation.PageParams;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/** The account listing parameters: search text, role, page. An invalid value is a 422 naming the parameter. */
record UserQuery(String text, String role, int page, int size) {

  static final int TEXT_MAX = 254;

  static UserQuery from(ServiceRequest request) {
    JsonObject errors = new JsonObject();
    String text = request.queryParam("q");
    if (text != null && text.length() > TEXT_MAX) {
      errors.put("q", "must be at most " + TEXT_MAX + " characters");
    }
    String role = request.queryParam("role");
    if (role != null && !role.isBlank() && !UserValidator.ROLES.contains(role)) {
      errors.put("role", "must be manager or client");
    }
    PageParams paging = PageParams.read(request, errors);
    if (!errors.isEmpty()) {
      throw ServiceException.invalidQuery(errors);
    }
    return new UserQuery(text == null || text.isBlank() ? null : text.strip(), role == null || role.isBlank() ? null : role,
      paging.page(), paging.size());
  }

  /** The WHERE clause (named template parameters) and its values: never caller text in the SQL. */
  String where(Map<String, Object> params) {
    StringBuilder where = new StringBuilder(" WHERE 1=1");
    if (text != null) {
      where.append(" AND (username_key LIKE #{text} ESCAPE '\\' OR email_key LIKE #{text} ESCAPE '\\'"
        + " OR LOWER(name) LIKE #{text} ESCAPE '\\')");
      params.put("text", Inputs.containsPattern(text));
    }
    if (role != null) {
      where.append(" AND role = #{role}");
      params.put("role", role);
    }
    return where.toString();
  }
}
