package io.micronet.shared.validation;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The one grammar for numbers a caller writes, checked before any arithmetic: an optional {@code -}, decimal
 * digits, optionally a point and more digits; at most {@value #MAX_DIGITS} digits in all. No exponent, no
 * {@code +}, no hex, no spaces, no NaN or Infinity. Why before: {@code new BigDecimal("1e-30000000")} is cheap,
 * but the first {@code setScale} on it computes 10^30000000 and holds an event loop for seconds; a value that
 * passes here has a small scale and fits a {@code long}, so every later step is cheap.
 */
public final class Numbers {

  /** Digits a number may have in all: every accepted value fits a {@code long} (and a double is no coarser than a cent). */
  public static final int MAX_DIGITS = 18;

  private static final BigDecimal LIMIT = BigDecimal.TEN.pow(MAX_DIGITS);

  private Numbers() {
  }

  /** What a caller is told about a number outside the grammar. */
  public static String grammar() {
    return "a plain decimal number (digits, an optional point and '-'; no exponent; at most " + MAX_DIGITS + " digits)";
  }

  /** Whether {@code text} is in the grammar (any number of decimals up to the digit limit). */
  public static boolean plain(String text) {
    return decimal(text, MAX_DIGITS) != null;
  }

  /** The value of {@code text} in the grammar with at most {@code maxDecimals} decimals; null otherwise. */
  public static BigDecimal decimal(String text, int maxDecimals) {
    if (text == null || text.isEmpty() || text.length() > MAX_DIGITS + 2) {
      return null;
    }
    int start = text.charAt(0) == '-' ? 1 : 0;
    int point = -1;
    int digits = 0;
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (c == '.' && point < 0 && i > start) {
        point = i;
      } else {
        return null;
      }
    }
    int decimals = point < 0 ? 0 : text.length() - point - 1;
    if (digits == 0 || digits > MAX_DIGITS || point >= 0 && decimals == 0 || decimals > maxDecimals) {
      return null;
    }
    return new BigDecimal(text);
  }

  /** The value of {@code text} as a whole number in the grammar (no point at all); null otherwise. */
  public static Long whole(String text) {
    BigDecimal value = decimal(text, 0);
    return value == null ? null : value.longValueExact();
  }

  /**
   * The exact value of a JSON number as decoded (Integer, Long, BigInteger, Double, BigDecimal …), or null when
   * no text in the grammar could have given it: not a number, not finite, {@value #MAX_DIGITS} integer digits or
   * more, or more than {@value #MAX_DIGITS} decimals. Its size is checked before any arithmetic on it.
   */
  public static BigDecimal decimal(Object value) {
    BigDecimal decimal;
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      decimal = BigDecimal.valueOf(((Number) value).longValue());
    } else if (value instanceof BigInteger big) {
      decimal = big.bitLength() < Long.SIZE ? new BigDecimal(big) : null;
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      // a finite double's shortest text has at most 17 digits and an exponent within ±324: a small BigDecimal
      decimal = Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : null;
    } else if (value instanceof BigDecimal big) {
      boolean small = big.unscaledValue().bitLength() <= 2 * Long.SIZE && Math.abs((long) big.scale()) <= 4L * MAX_DIGITS;
      decimal = small ? big : null;
    } else {
      decimal = null;
    }
    if (decimal == null || decimal.abs().compareTo(LIMIT) >= 0) {
      return null;
    }
    BigDecimal stripped = decimal.signum() == 0 ? BigDecimal.ZERO : decimal.stripTrailingZeros();
    return stripped.scale() > MAX_DIGITS ? null : stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  /** A decoded JSON number that is whole (5 and 5.0 alike) and in the grammar; null otherwise. */
  public static Long whole(Object value) {
    BigDecimal decimal = decimal(value);
    return decimal == null || decimal.scale() > 0 ? null : decimal.longValueExact();
  }
}
