package io.micronet.products;

import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.validation.Inputs;
import io.micronet.shared.validation.Numbers;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.Set;

/**
 * Checks a product body field by field and collects every problem, so that one 422 names them all.
 * Known fields only; a create needs name, category and price; an update needs at least one field.
 */
final class ProductValidator {

  static final int NAME_MAX = 200;
  static final int DESCRIPTION_MAX = 2000;
  static final int CATEGORY_MAX = 100;
  /** 9,999,999.99: every price then prints as a plain decimal, never in exponent form, in every JSON encoder. */
  static final long PRICE_MAX_CENTS = 999_999_999L;
  static final int STOCK_MAX = 1_000_000_000;

  private static final Set<String> FIELDS = Set.of("name", "description", "category", "price", "stock");

  private ProductValidator() {
  }

  /** The fields of a new product, normalized (trimmed, price in cents); 422 on any invalid value. */
  static ProductFields forCreate(JsonObject body) {
    JsonObject errors = new JsonObject();
    ProductFields fields = read(body, errors);
    if (fields.name() == null && !errors.containsKey("name")) {
      errors.put("name", "is required");
    }
    if (fields.category() == null && !errors.containsKey("category")) {
      errors.put("category", "is required");
    }
    if (fields.priceCents() == null && !errors.containsKey("price")) {
      errors.put("price", "is required");
    }
    if (!errors.isEmpty()) {
      throw ServiceException.invalid(errors);
    }
    return fields;
  }

  /** The fields a caller wants to change; absent fields stay as they are. */
  static ProductFields forUpdate(JsonObject body) {
    JsonObject errors = new JsonObject();
    ProductFields fields = read(body, errors);
    if (errors.isEmpty() && fields.isEmpty()) {
      errors.put("body", "give at least one of: " + String.join(", ", FIELDS.stream().sorted().toList()));
    }
    if (!errors.isEmpty()) {
      throw ServiceException.invalid(errors);
    }
    return fields;
  }

  /** A stock change: a whole number, not zero. */
  static int delta(JsonObject body) {
    JsonObject errors = new JsonObject();
    for (String key : body.fieldNames()) {
      if (!"delta".equals(key)) {
        errors.put(key, "unknown field");
      }
    }
    Object value = body.getValue("delta");
    Long delta = value == null ? null : Numbers.whole(value);
    if (value == null) {
      errors.put("delta", "is required");
    } else if (delta == null || Math.abs(delta) > STOCK_MAX) {
      errors.put("delta", "must be a whole number between -" + STOCK_MAX + " and " + STOCK_MAX);
    } else if (delta == 0) {
      errors.put("delta", "must not be 0");
    }
    if (!errors.isEmpty()) {
      throw ServiceException.invalid(errors);
    }
    return delta.intValue();
  }

  private static ProductFields read(JsonObject body, JsonObject errors) {
    for (String key : body.fieldNames()) {
      if (!FIELDS.contains(key)) {
        errors.put(key, "unknown field");
      }
    }
    String name = text(body, "name", 1, NAME_MAX, errors);
    String description = text(body, "description", 0, DESCRIPTION_MAX, errors);
    String category = text(body, "category", 1, CATEGORY_MAX, errors);
    Long priceCents = price(body, errors);
    Integer stock = stock(body, errors);
    return new ProductFields(name, description, category, priceCents, stock);
  }

  private static String text(JsonObject body, String key, int min, int max, JsonObject errors) {
    if (!body.containsKey(key)) {
      return null;
    }
    if (!(body.getValue(key) instanceof String raw)) {
      errors.put(key, "must be a string");
      return null;
    }
    String value = raw.strip();
    if (value.length() < min || value.length() > max) {
      errors.put(key, min == 0 ? "must be at most " + max + " characters" : "must be 1 to " + max + " characters");
      return null;
    }
    if (value.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
      errors.put(key, "must not contain control characters");
      return null;
    }
    if (!Inputs.wellFormed(value)) {
      errors.put(key, "must be valid Unicode text");
      return null;
    }
    return value;
  }

  /** A price: a number in the strict grammar ({@link Numbers}), checked for size before any arithmetic. */
  private static Long price(JsonObject body, JsonObject errors) {
    if (!body.containsKey("price")) {
      return null;
    }
    Object value = body.getValue("price");
    if (!(value instanceof Number)) {
      errors.put("price", "must be a number");
      return null;
    }
    BigDecimal decimal = Numbers.decimal(value);
    if (decimal == null) {
      errors.put("price", "must be " + Numbers.grammar());
      return null;
    }
    if (decimal.signum() < 0) {
      errors.put("price", "must be 0 or more");
      return null;
    }
    if (decimal.scale() > 2) {
      errors.put("price", "must have at most two decimals");
      return null;
    }
    BigDecimal cents = decimal.movePointRight(2);
    if (cents.compareTo(BigDecimal.valueOf(PRICE_MAX_CENTS)) > 0) {
      errors.put("price", "must be at most 9999999.99");
      return null;
    }
    return cents.longValueExact();
  }

  private static Integer stock(JsonObject body, JsonObject errors) {
    if (!body.containsKey("stock")) {
      return null;
    }
    Long stock = Numbers.whole(body.getValue("stock"));
    if (stock == null || stock < 0 || stock > STOCK_MAX) {
      errors.put("stock", "must be a whole number from 0 to " + STOCK_MAX);
      return null;
    }
    return stock.intValue();
  }
}
