package io.micronet.shared.validation;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/** Checks every service applies to caller input the same way; problems are collected into {@code errors}. */
public final class Inputs {

  private Inputs() {
  }

  /** No unpaired surrogate (a JSON escape may name half a pair alone): such text has no UTF-8 form to store. */
  public static boolean wellFormed(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * What an identifier may be: well-formed text without control characters. U+0000 among them matters most:
   * PostgreSQL can neither store nor compare it, so such an id must be refused before it reaches a query.
   */
  public static boolean idText(String value) {
    return wellFormed(value) && value.chars().noneMatch(Character::isISOControl);
  }

  /** The longest id any record has (ours are UUIDs); longer ones are refused before any query. */
  public static final int ID_MAX = 64;

  /**
   * The {@code id} path parameter of a request about a {@code what}; 404 for one no record can have (empty,
   * too long, control characters), without asking the database — PostgreSQL cannot even compare U+0000.
   */
  public static String idParam(ServiceRequest request, String what) {
    String id = request.param("id");
    if (id == null || id.isEmpty() || id.length() > ID_MAX || !idText(id)) {
      throw new ServiceException(ErrorCode.NOT_FOUND, "no such " + what);
    }
    return id;
  }

  /**
   * A whole-number query parameter within [min, max], in the strict grammar of {@link Numbers} (digits only:
   * {@code 1e3}, {@code 0x10}, {@code +5}, {@code 2.0} are refused); {@code fallback} when absent or invalid (then named in errors).
   */
  public static int intParam(ServiceRequest request, String name, int fallback, int min, int max, JsonObject errors) {
    String value = request.queryParam(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    Long parsed = Numbers.whole(value);
    if (parsed != null && parsed >= min && parsed <= max) {
      return parsed.intValue();
    }
    errors.put(name, "must be a whole number from " + min + " to " + max);
    return fallback;
  }

  /** A case-insensitive "contains" pattern for {@code LOWER(column) LIKE … ESCAPE '\'}: the caller's % and _ match literally. */
  public static String containsPattern(String text) {
    String escaped = text.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    return "%" + escaped + "%";
  }
}
