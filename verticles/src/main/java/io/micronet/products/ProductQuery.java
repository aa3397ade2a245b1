package io.micronet.products;

import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.validation.Inputs;
import io.micronet.shared.validation.Numbers;
import io.micronet.shared.validation.PageParams;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.Map;

/**
 * The catalog listing parameters, parsed and checked: search text, category, price range, in-stock
 * filter, sort and page. An invalid value is a 422 whose details name the parameter.
 */
record ProductQuery(String text, String category, Long minPriceCents, Long maxPriceCents, Boolean inStock,
                    Sort sort, int page, int size) {

  /** The sort keys of the contract, each bound to a fixed column (never caller text in SQL). */
  enum Sort {
    NAME("name", "name_key ASC"), NAME_DESC("-name", "name_key DESC"),
    PRICE("price", "price_cents ASC"), PRICE_DESC("-price", "price_cents DESC"),
    STOCK("stock", "stock ASC"), STOCK_DESC("-stock", "stock DESC");

    final String key;
    final String orderBy;

    Sort(String key, String orderBy) {
      this.key = key;
      this.orderBy = orderBy;
    }

    static Sort of(String key) {
      for (Sort sort : values()) {
        if (sort.key.equals(key)) {
          return sort;
        }
      }
      return null;
    }
  }

  static ProductQuery from(ServiceRequest request) {
    JsonObject errors = new JsonObject();
    String text = textParam(request, "q", ProductValidator.NAME_MAX, errors);
    String category = textParam(request, "category", ProductValidator.CATEGORY_MAX, errors);
    Long minPrice = priceParam(request, "minPrice", errors);
    Long maxPrice = priceParam(request, "maxPrice", errors);
    Boolean inStock = booleanParam(request, "inStock", errors);
    Sort sort = Sort.NAME;
    String sortKey = request.queryParam("sort");
    if (sortKey != null) {
      sort = Sort.of(sortKey);
      if (sort == null) {
        errors.put("sort", "must be one of name, -name, price, -price, stock, -stock");
      }
    }
    PageParams paging = PageParams.read(request, errors);
    if (minPrice != null && maxPrice != null && minPrice > maxPrice) {
      errors.put("minPrice", "must not be greater than maxPrice");
    }
    if (!errors.isEmpty()) {
      throw ServiceException.invalidQuery(errors);
    }
    return new ProductQuery(text, category, minPrice, maxPrice, inStock, sort, paging.page(), paging.size());
  }

  /** The WHERE clause (named template parameters) and its values. */
  String where(Map<String, Object> params) {
    StringBuilder where = new StringBuilder(" WHERE 1=1");
    if (text != null) {
      where.append(" AND (LOWER(name) LIKE #{text} ESCAPE '\\' OR LOWER(description) LIKE #{text} ESCAPE '\\')");
      params.put("text", Inputs.containsPattern(text));
    }
    if (category != null) {
      where.append(" AND category = #{category}");
      params.put("category", category);
    }
    if (minPriceCents != null) {
      where.append(" AND price_cents >= #{minPrice}");
      params.put("minPrice", minPriceCents);
    }
    if (maxPriceCents != null) {
      where.append(" AND price_cents <= #{maxPrice}");
      params.put("maxPrice", maxPriceCents);
    }
    if (inStock != null) {
      where.append(inStock ? " AND stock > 0" : " AND stock = 0");
    }
    return where.toString();
  }

  private static String textParam(ServiceRequest request, String name, int max, JsonObject errors) {
    String value = request.queryParam(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > max) {
      errors.put(name, "must be at most " + max + " characters");
      return null;
    }
    return value.strip();
  }

  /** A price bound in the strict grammar ({@link Numbers}: no exponent, at most two decimals), in cents. */
  private static Long priceParam(ServiceRequest request, String name, JsonObject errors) {
    String value = request.queryParam(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    BigDecimal price = Numbers.decimal(value, 2);
    if (price == null || price.signum() < 0 || price.compareTo(BigDecimal.valueOf(ProductValidator.PRICE_MAX_CENTS, 2)) > 0) {
      errors.put(name, "must be a price from 0 to 9999999.99 with at most two decimals, without exponent");
      return null;
    }
    return price.movePointRight(2).longValueExact();
  }

  private static Boolean booleanParam(ServiceRequest request, String name, JsonObject errors) {
    String value = request.queryParam(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    if ("true".equalsIgnoreCase(value)) {
      return true;
    }
    if ("false".equalsIgnoreCase(value)) {
      return false;
    }
    errors.put(name, "must be true or false");
    return null;
  }
}
