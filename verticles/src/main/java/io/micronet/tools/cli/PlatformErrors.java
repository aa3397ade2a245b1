package io.micronet.tools.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * An error reply of the platform, in words: its message and code, the fields it names, and for a route this gateway
 * does not have a sentence saying so (a gateway of an older MicroNet, or a part not deployed) instead of a bare 404.
 */
final class PlatformErrors {

  /** The gateway's router says this for a path no route matches (GatewayRoutes' 404 handler). */
  static final String NO_ROUTE = "no such resource";

  private PlatformErrors() {
  }

  static CliFailure of(Reply reply) {
    JsonObject error = reply.error();
    String code = error.getString("code", "HTTP_" + reply.status());
    String message = error.getString("message", "no message");
    if (isMissingRoute(reply)) {
      return new CliFailure(ExitCodes.PLATFORM_ERROR, "the gateway answers " + reply.method() + " " + path(reply)
        + " with " + reply.status() + " " + code + ": the MicroNet there is older than this command (upgrade it)");
    }
    StringBuilder text = new StringBuilder(message).append(" (").append(code).append(", HTTP ").append(reply.status()).append(')');
    details(error.getValue("details"), text);
    if (reply.status() >= 500 && reply.requestId() != null) {
      text.append("\nrequest id: ").append(reply.requestId());
    }
    return new CliFailure(ExitCodes.PLATFORM_ERROR, text.toString());
  }

  /** A 404 of the router itself (no route), not of a route that looked something up and found nothing. */
  static boolean isMissingRoute(Reply reply) {
    if (reply.status() != 404) {
      return false;
    }
    String message = reply.error().getString("message", "");
    return message.startsWith(NO_ROUTE);
  }

  private static void details(Object details, StringBuilder text) {
    if (details instanceof JsonObject fields && !fields.isEmpty()) {
      for (Map.Entry<String, Object> field : fields) {
        text.append("\n  ").append(field.getKey()).append(": ").append(Cells.text(field.getValue()));
      }
    } else if (details instanceof JsonArray list && !list.isEmpty()) {
      list.forEach(item -> text.append("\n  ").append(Cells.text(item)));
    } else if (details instanceof String note && !note.isBlank()) {
      text.append("\n  ").append(note);
    }
  }

  private static String path(Reply reply) {
    String url = reply.url();
    int start = url.indexOf('/', url.indexOf("://") + 3);
    String path = start < 0 ? "/" : url.substring(start);
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }
}
