package io.micronet.shared.messaging;

/**
 * A successful action result: the HTTP-like status (200, 201, 204) and the JSON body: a JsonObject or
 * JsonArray, or a Buffer holding JSON already encoded (null for 204).
 */
public record ServiceResponse(int status, Object body) {

  public static ServiceResponse ok(Object body) {
    return new ServiceResponse(200, body);
  }

  public static ServiceResponse created(Object body) {
    return new ServiceResponse(201, body);
  }

  public static ServiceResponse noContent() {
    return new ServiceResponse(204, null);
  }
}
