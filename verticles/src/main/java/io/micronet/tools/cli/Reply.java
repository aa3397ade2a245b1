package io.micronet.tools.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * One answer of the gateway: status, body text and request id. The platform always answers JSON (errors too,
 * CONTRACT.md); anything else means something other than a MicroNet gateway answered.
 */
record Reply(String method, String url, int status, String contentType, String text, String requestId) {

  boolean ok() {
    return status >= 200 && status < 300;
  }

  /** The body as a JsonObject or JsonArray; a body that is not JSON is no platform's ({@link ExitCodes#UNREACHABLE}). */
  Object json() {
    boolean jsonType = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
    try {
      Object value = text == null || text.isBlank() ? null : Json.decodeValue(text);
      if (jsonType && (value instanceof JsonObject || value instanceof JsonArray)) {
        return value;
      }
    } catch (DecodeException e) {
      // below: not the platform
    }
    throw new CliFailure(ExitCodes.UNREACHABLE, url + " answered " + status + (contentType == null ? "" : " " + contentType)
      + ", not MicroNet's JSON: is this a MicroNet gateway?");
  }

  JsonObject object() {
    Object json = json();
    if (json instanceof JsonObject object) {
      return object;
    }
    throw new CliFailure(ExitCodes.PLATFORM_ERROR, url + " answered a list where an object was expected");
  }

  /** The contract's {@code {"error":{code,message,details}}}, or an empty object when the body has none. */
  JsonObject error() {
    Object json = json();
    if (json instanceof JsonObject object && object.getValue("error") instanceof JsonObject error) {
      return error;
    }
    return new JsonObject();
  }
}
