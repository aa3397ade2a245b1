package io.micronet.shared.messaging;

import java.math.BigDecimal;

/** Amounts in JSON: kept as integer cents, written as decimals with two places (24.90, 99999999999.00), never in exponent form. */
public final class Money {

  private Money() {
  }

  public static BigDecimal amount(long cents) {
    return BigDecimal.valueOf(cents, 2);
  }
}
