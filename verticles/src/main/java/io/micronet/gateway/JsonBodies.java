package io.micronet.gateway;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.validation.Numbers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a request's JSON body and holds every number in it to the strict grammar of {@link Numbers}, on
 * the number's own text. Only here is that text still there: once decoded, {@code 1e-30000000} is the double
 * 0.0 and {@code 1e400} is Infinity, and the service could not tell them from {@code 0} or refuse them for the
 * right reason. A number outside the grammar is a 422 naming where it is ({@code price}, {@code items[0].quantity}).
 */
final class JsonBodies {

  private JsonBodies() {
  }

  /** The decoded body; 400 for malformed JSON, 422 naming every number outside the grammar. */
  static Object decode(Buffer buffer) {
    Object decoded;
    try {
      decoded = Json.decodeValue(buffer);
    } catch (DecodeException e) {
      throw new ServiceException(ErrorCode.BAD_REQUEST, "the request body is not valid JSON");
    }
    JsonObject errors = numbersOutsideTheGrammar(buffer);
    if (!errors.isEmpty()) {
      throw ServiceException.invalid(errors);
    }
    return decoded;
  }

  /** A second pass over the tokens (the body is valid JSON by now): each number's text, never its value. */
  private static JsonObject numbersOutsideTheGrammar(Buffer buffer) {
    JsonObject errors = new JsonObject();
    try (JsonParser parser = JacksonCodec.createParser(buffer)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if ((token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) && !Numbers.plain(parser.getText())) {
          errors.put(path(parser.getParsingContext()), "must be " + Numbers.grammar());
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new ServiceException(ErrorCode.BAD_REQUEST, "the request body is not valid JSON");
    }
    return errors;
  }

  /** Where a value is, as the services name fields: {@code price}, {@code items[2].quantity}, {@code [0]} at the top. */
  private static String path(JsonStreamContext context) {
    List<JsonStreamContext> outward = new ArrayList<>();
    for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
      outward.add(at);
    }
    StringBuilder path = new StringBuilder();
    for (int i = outward.size() - 1; i >= 0; i--) {
      JsonStreamContext at = outward.get(i);
      if (at.inArray()) {
        path.append('[').append(at.getCurrentIndex()).append(']');
      } else if (at.getCurrentName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(at.getCurrentName());
      }
    }
    return path.length() == 0 ? "body" : path.toString();
  }
}
