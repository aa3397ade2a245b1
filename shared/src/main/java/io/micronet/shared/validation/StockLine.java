package io.micronet.shared.validation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One line of a purchase: a product and how many. The orders service reads them from the client and the
 * products service from the orders service, with the same rules: 1 to {@value #MAX_LINES} lines, each
 * product once, quantities from 1 to {@value #MAX_QUANTITY}.
 */
public record StockLine(String productId, int quantity) {

  public static final int MAX_LINES = 100;
  public static final int MAX_QUANTITY = 10_000;

  public JsonObject toJson() {
    return new JsonObject().put("productId", productId).put("quantity", quantity);
  }

  public static JsonArray toJson(List<StockLine> lines) {
    JsonArray array = new JsonArray();
    lines.forEach(line -> array.add(line.toJson()));
    return array;
  }

  /** The lines in {@code items}; every problem is named in {@code errors} ({@code items[2].quantity} …). */
  public static List<StockLine> read(Object items, JsonObject errors) {
    if (items == null) {
      errors.put("items", "is required");
      return List.of();
    }
    if (!(items instanceof JsonArray array)) {
      errors.put("items", "must be an array of {productId, quantity}");
      return List.of();
    }
    if (array.isEmpty() || array.size() > MAX_LINES) {
      errors.put("items", "must hold 1 to " + MAX_LINES + " lines");
      return List.of();
    }
    List<StockLine> lines = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String at = "items[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject line)) {
        errors.put(at, "must be an object {productId, quantity}");
        continue;
      }
      for (String key : line.fieldNames()) {
        if (!"productId".equals(key) && !"quantity".equals(key)) {
          errors.put(at + "." + key, "unknown field");
        }
      }
      String productId = productId(line.getValue("productId"), at, errors);
      Integer quantity = quantity(line.getValue("quantity"), at, errors);
      if (productId != null && !seen.add(productId)) {
        errors.put(at + ".productId", "names a product already on another line");
      } else if (productId != null && quantity != null) {
        lines.add(new StockLine(productId, quantity));
      }
    }
    return lines;
  }

  private static String productId(Object value, String at, JsonObject errors) {
    if (value == null) {
      errors.put(at + ".productId", "is required");
    } else if (!(value instanceof String id) || id.isBlank() || id.length() > Inputs.ID_MAX || !Inputs.idText(id)) {
      errors.put(at + ".productId", "must be a product id (a string of 1 to " + Inputs.ID_MAX + " characters, no control characters)");
    } else {
      return id;
    }
    return null;
  }

  private static Integer quantity(Object value, String at, JsonObject errors) {
    if (value == null) {
      errors.put(at + ".quantity", "is required");
      return null;
    }
    Long quantity = Numbers.whole(value);
    if (quantity == null || quantity < 1 || quantity > MAX_QUANTITY) {
      errors.put(at + ".quantity", "must be a whole number from 1 to " + MAX_QUANTITY);
      return null;
    }
    return quantity.intValue();
  }
}
