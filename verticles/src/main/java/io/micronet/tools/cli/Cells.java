package io.micronet.tools.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.stream.Collectors;

/** JSON values as short table cells: numbers without noise, lists joined, times to the second, nothing as "-". */
final class Cells {

  static final String NONE = "-";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private Cells() {
  }

  static String text(Object value) {
    if (value == null) {
      return NONE;
    }
    if (value instanceof String text) {
      return text.isEmpty() ? NONE : text;
    }
    if (value instanceof Number number) {
      return number(number, 2);
    }
    if (value instanceof JsonArray list) {
      return list.isEmpty() ? NONE : list.stream().map(Cells::text).collect(Collectors.joining(", "));
    }
    if (value instanceof JsonObject object) {
      String pairs = object.stream().filter(e -> e.getValue() != null)
        .map(e -> e.getKey() + "=" + (e.getValue() instanceof JsonObject inner ? "{" + text(inner) + "}" : text(e.getValue())))
        .collect(Collectors.joining(" "));
      return pairs.isEmpty() ? NONE : pairs;
    }
    return String.valueOf(value);
  }

  /** A number with at most {@code decimals} places and no trailing zeros: 3, 2.5, 0.13. */
  static String number(Number number, int decimals) {
    if (number instanceof Integer || number instanceof Long) {
      return number.toString();
    }
    BigDecimal value = new BigDecimal(number.toString()).setScale(decimals, RoundingMode.HALF_UP).stripTrailingZeros();
    return value.scale() < 0 ? value.setScale(0).toPlainString() : value.toPlainString();
  }

  /** Milliseconds: one decimal under 10 ms, whole above; seconds from 10 s. */
  static String millis(Object value) {
    if (!(value instanceof Number number)) {
      return NONE;
    }
    double ms = number.doubleValue();
    if (ms >= 10_000) {
      return number(ms / 1000, 1) + " s";
    }
    return number(ms, ms < 10 ? 1 : 0) + " ms";
  }

  /** A share 0–1 as a percentage: 0.0312 → 3.1%. */
  static String percent(Object value) {
    return value instanceof Number number ? number(number.doubleValue() * 100, 1) + "%" : NONE;
  }

  /** An ISO-8601 instant to the second in UTC ("2025-06-01 12:00:03"); other text as it is. */
  static String time(Object value) {
    if (value instanceof String text) {
      try {
        return TIME.format(Instant.parse(text));
      } catch (DateTimeParseException e) {
        return text;
      }
    }
    return text(value);
  }

  /** The first of these fields that has a value. */
  static Object first(JsonObject json, String... fields) {
    for (String field : fields) {
      Object value = json.getValue(field);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** Counts of a map {@code {"products":2,"users":1}}, or of a list of records naming their service. */
  static String counts(Object value) {
    if (value instanceof JsonArray list && !list.isEmpty() && list.getValue(0) instanceof JsonObject) {
      Map<String, Long> byService = list.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast)
        .collect(Collectors.groupingBy(o -> text(first(o, "service", "name", "id")), java.util.TreeMap::new, Collectors.counting()));
      // "products ×3, users": a count only where there is more than one, so that a node's row stays short
      return byService.entrySet().stream().map(e -> e.getValue() == 1 ? e.getKey() : e.getKey() + " ×" + e.getValue())
        .collect(Collectors.joining(", "));
    }
    if (value instanceof JsonObject map && !map.isEmpty()) {
      return map.stream().map(e -> e.getKey() + " " + (e.getValue() instanceof JsonArray a ? a.size() : text(e.getValue())))
        .collect(Collectors.joining(", "));
    }
    return text(value);
  }
}
