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
 * The pass over the tokens comes first and is bounded, so a hostile body costs little: nesting deeper than
 * {@link #MAX_DEPTH} is a 400 (no request of ours nests so deep), and an error names at most {@link #MAX_ERRORS} places, each path cut to
 * {@link #MAX_PATH} characters (a body of a million bad numbers nested deep must not make an answer of gigabytes).
 */
final class JsonBodies {

  static final int MAX_DEPTH = 32;
  static final int MAX_ERRORS = 10;
  static final int MAX_PATH = 120;

  private JsonBodies() {
  }

  /** The decoded body; 400 for malformed JSON, 422 naming every number outside the grammar. */
  static Object decode(Buffer buffer) {
    JsonObject errors = numbersOutsideTheGrammar(buffer);
    if (!errors.isEmpty()) {
      throw ServiceException.invalid(errors);
    }
    try {
      return Json.decodeValue(buffer);
    } catch (DecodeException e) {
      throw new ServiceException(ErrorCode.BAD_REQUEST, "the request body is not valid JSON");
    }
  }

  /** One pass over the tokens, before anything is decoded: each number's text (never its value), and the depth. */
  private static JsonObject numbersOutsideTheGrammar(Buffer buffer) {
    JsonObject errors = new JsonObject();
    int depth = 0;
    int bad = 0;
    try (JsonParser parser = JacksonCodec.createParser(buffer)) {
      // counted per bad number, not per distinct path: a key repeated a million times must not keep the pass going
      for (JsonToken token = parser.nextToken(); token != null && bad < MAX_ERRORS; token = parser.nextToken()) {
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
          if (++depth > MAX_DEPTH) {
            throw new ServiceException(ErrorCode.BAD_REQUEST, "the request body nests deeper than " + MAX_DEPTH + " levels");
          }
        } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
          depth--;
        } else if ((token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) && !Numbers.plain(parser.getText())) {
          errors.put(path(parser.getParsingContext()), "must be " + Numbers.grammar());
          bad++;
        }
      }
    } catch (ServiceException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ServiceException(ErrorCode.BAD_REQUEST, "the request body is not valid JSON");
    }
    return errors;
  }

  /**
   * Where a value is, as the services name fields: {@code price}, {@code items[2].quantity}, {@code [0]} at the top;
   * built only up to {@link #MAX_PATH} characters, however long the names (a field name can be most of a megabyte).
   */
  private static String path(JsonStreamContext context) {
    List<JsonStreamContext> outward = new ArrayList<>();
    for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
      outward.add(at);
    }
    StringBuilder path = new StringBuilder();
    for (int i = outward.size() - 1; i >= 0 && path.length() <= MAX_PATH; i--) {
      JsonStreamContext at = outward.get(i);
      if (at.inArray()) {
        path.append('[').append(at.getCurrentIndex()).append(']');
      } else if (at.getCurrentName() != null) {
        String name = at.getCurrentName();
        path.append(path.length() == 0 ? "" : ".").append(name, 0, Math.min(name.length(), MAX_PATH + 1));
      }
    }
    if (path.length() > MAX_PATH) {
      return path.substring(0, MAX_PATH) + "…";
    }
    return path.length() == 0 ? "body" : path.toString();
  }
}
