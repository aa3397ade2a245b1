package io.micronet.users;

import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.security.Caller;
import io.micronet.shared.validation.Inputs;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an account body field by field and collects every problem, so that one 422 names them all.
 * Known fields only. Passwords are taken exactly as given (never trimmed); other text is trimmed.
 */
final class UserValidator {

  static final int USERNAME_MIN = 3;
  static final int USERNAME_MAX = 50;
  static final int EMAIL_MAX = 254;
  static final int NAME_MAX = 100;
  static final int PASSWORD_MIN = 8;
  static final int PASSWORD_MAX = 128;
  static final Set<String> ROLES = Set.of(Caller.MANAGER, Caller.CLIENT);

  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final List<String> REGISTER_FIELDS = List.of("username", "email", "password", "name");
  private static final List<String> ALL_FIELDS = List.of("username", "email", "password", "name", "role");
  private static final String CURRENT_PASSWORD = "currentPassword";
  private static final List<String> UPDATE_FIELDS = List.of("username", "email", "password", "name", "role", CURRENT_PASSWORD);

  private UserValidator() {
  }

  /** A self-registration: username, email and password; no role (it is always client). */
  static UserFields forRegister(JsonObject body) {
    return forNew(body, REGISTER_FIELDS);
  }

  /** An account made by a manager: as a registration, plus an optional role. */
  static UserFields forCreate(JsonObject body) {
    return forNew(body, ALL_FIELDS);
  }

  /**
   * The fields a caller wants to change; absent fields stay as they are. {@code currentPassword} is allowed only
   * alongside {@code password} (whether it is needed and right is the service's question).
   */
  static UserFields forUpdate(JsonObject body) {
    JsonObject errors = new JsonObject();
    UserFields fields = read(body, UPDATE_FIELDS, errors);
    String current = password(body, CURRENT_PASSWORD, 1, errors);
    if (body.getValue(CURRENT_PASSWORD) != null && body.getValue("password") == null) {
      errors.put(CURRENT_PASSWORD, "is allowed only alongside password");
    }
    if (errors.isEmpty() && fields.isEmpty()) {
      errors.put("body", "give at least one of: " + String.join(", ", ALL_FIELDS));
    }
    return orInvalid(new UserFields(fields.username(), fields.email(), fields.name(), fields.password(), fields.role(), current), errors);
  }

  /** A login body: two non-empty strings; whether they are right is checked against the account. */
  static Credentials forLogin(JsonObject body) {
    JsonObject errors = new JsonObject();
    unknownFields(body, List.of("username", "password"), errors);
    String username = text(body, "username", 1, USERNAME_MAX, errors);
    String password = password(body, "password", 1, errors);
    requireGiven(body, errors, "username", "password");
    if (!errors.isEmpty()) {
      throw ServiceException.invalid(errors);
    }
    return new Credentials(username, password);
  }

  private static UserFields forNew(JsonObject body, List<String> allowed) {
    JsonObject errors = new JsonObject();
    UserFields fields = read(body, allowed, errors);
    requireGiven(body, errors, "username", "email", "password");
    return orInvalid(fields, errors);
  }

  private static UserFields read(JsonObject body, List<String> allowed, JsonObject errors) {
    unknownFields(body, allowed, errors);
    String username = text(body, "username", USERNAME_MIN, USERNAME_MAX, errors);
    if (username != null && !USERNAME.matcher(username).matches()) {
      errors.put("username", "may hold only letters, digits, '.', '_' and '-'");
      username = null;
    }
    String email = text(body, "email", 3, EMAIL_MAX, errors);
    if (email != null && !EMAIL.matcher(email).matches()) {
      errors.put("email", "must be an email address");
      email = null;
    }
    String name = text(body, "name", 0, NAME_MAX, errors);
    String password = password(body, "password", PASSWORD_MIN, errors);
    String role = text(body, "role", 1, 16, errors);
    if (role != null && !ROLES.contains(role)) {
      errors.put("role", "must be manager or client");
      role = null;
    }
    return new UserFields(username, email, name, password, role);
  }

  private static void unknownFields(JsonObject body, List<String> allowed, JsonObject errors) {
    for (String key : body.fieldNames()) {
      if (!allowed.contains(key)) {
        errors.put(key, "unknown field");
      }
    }
  }

  private static void requireGiven(JsonObject body, JsonObject errors, String... keys) {
    for (String key : keys) {
      if (body.getValue(key) == null && !errors.containsKey(key)) {
        errors.put(key, "is required");
      }
    }
  }

  private static UserFields orInvalid(UserFields fields, JsonObject errors) {
    if (!errors.isEmpty()) {
      throw ServiceException.invalid(errors);
    }
    return fields;
  }

  private static String text(JsonObject body, String key, int min, int max, JsonObject errors) {
    if (body.getValue(key) == null) {
      return null;
    }
    if (!(body.getValue(key) instanceof String raw)) {
      errors.put(key, "must be a string");
      return null;
    }
    String value = raw.strip();
    if (value.length() < min || value.length() > max) {
      errors.put(key, min == 0 ? "must be at most " + max + " characters" : "must be " + min + " to " + max + " characters");
      return null;
    }
    if (value.chars().anyMatch(Character::isISOControl) || !Inputs.wellFormed(value)) {
      errors.put(key, "must be valid text without control characters");
      return null;
    }
    return value;
  }

  private static String password(JsonObject body, String key, int min, JsonObject errors) {
    if (body.getValue(key) == null) {
      return null;
    }
    if (!(body.getValue(key) instanceof String value)) {
      errors.put(key, "must be a string");
      return null;
    }
    if (value.length() < min || value.length() > PASSWORD_MAX) {
      errors.put(key, "must be " + min + " to " + PASSWORD_MAX + " characters");
      return null;
    }
    if (!Inputs.wellFormed(value)) {
      errors.put(key, "must be valid Unicode text");
      return null;
    }
    return value;
  }
}
