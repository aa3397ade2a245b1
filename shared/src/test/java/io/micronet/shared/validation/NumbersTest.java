package io.micronet.shared.validation;

import io.micronet.shared.messaging.ServiceRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The strict number grammar, for query text and for decoded JSON values, and the paging cap built on it. */
class NumbersTest {

  private static final List<String> OUTSIDE_THE_GRAMMAR = List.of("1e-30000000", "1E5", "1e3", "0x10", "+5", " 5", "5 ",
    "9999999999999999999999", "1234567890123456789", "NaN", "Infinity", "-", ".5", "5.", "1.2.3", "1,5", "١٢", "", "--1",
    "0.0000000000000000001", "12_000");

  @Test
  void queryTextIsPlainDigitsWithBoundedLength() {
    for (String text : OUTSIDE_THE_GRAMMAR) {
      assertNull(Numbers.decimal(text, Numbers.MAX_DIGITS), "refused: " + text);
      assertFalse(Numbers.plain(text), text);
    }
    assertEquals(new BigDecimal("19.99"), Numbers.decimal("19.99", 2));
    assertEquals(new BigDecimal("-0.5"), Numbers.decimal("-0.5", 2));
    assertEquals(new BigDecimal("123456789012345678"), Numbers.decimal("123456789012345678", 2));
    assertNull(Numbers.decimal("1.005", 2), "a price has at most two decimals");
    assertEquals(42L, Numbers.whole("42"));
    assertEquals(7L, Numbers.whole("007"));
    assertNull(Numbers.whole("2.0"), "a whole number has no point");
    assertNull(Numbers.whole(null));
  }

  @Test
  void decodedJsonNumbersAreCheckedForSizeBeforeAnyArithmetic() {
    assertEquals(new BigDecimal("19.99"), Numbers.decimal(19.99d));
    assertEquals(new BigDecimal("5"), Numbers.decimal(5.0d));
    assertEquals(new BigDecimal("12"), Numbers.decimal(12));
    assertEquals(new BigDecimal("100000"), Numbers.decimal(new BigDecimal("1E+5")));
    assertEquals(new BigDecimal("0.1"), Numbers.decimal(new BigDecimal("0.100")));
    for (Object refused : List.of(Double.POSITIVE_INFINITY, Double.NaN, 1e300, 1e-300, Long.MAX_VALUE,
      new BigInteger("123456789012345678901234567890"), new BigDecimal("1e-30000000"), new BigDecimal("1e400"),
      new BigDecimal("1e30000000"), new BigDecimal(BigInteger.TEN.pow(5000), 4990), "12", true)) {
      // refused from its size alone: reaching arithmetic, 1e-30000000 would hold this test for seconds
      assertNull(Numbers.decimal(refused), () -> "refused: " + refused.getClass().getSimpleName());
    }
    assertEquals(5L, Numbers.whole(5.0d));
    assertEquals(-3L, Numbers.whole(new BigInteger("-3")));
    assertNull(Numbers.whole(1.5d));
    assertNull(Numbers.whole(new BigDecimal("1e-30000000")));
  }

  @Test
  void listsReachTheirFirstTenThousandRowsAndNoFurther() {
    assertEquals(new PageParams(499, 20), page("499", "20", new JsonObject()));
    assertEquals(new PageParams(99, 100), page("99", "100", new JsonObject()));
    assertEquals(new PageParams(PageParams.MAX_PAGE, 1), page(Integer.toString(PageParams.MAX_PAGE), "1", new JsonObject()));
    for (String[] beyond : new String[][] {{"500", "20"}, {"100", "100"}, {"10000", "1"}, {"1000000", "2"}}) {
      JsonObject errors = new JsonObject();
      page(beyond[0], beyond[1], errors);
      assertEquals(List.of("page"), List.copyOf(errors.fieldNames()), () -> String.join(",", beyond) + ": " + errors.encode());
    }
    for (String[] bad : new String[][] {{"1e3", "20"}, {"0", "0x10"}, {"+1", "20"}, {"1.0", "20"}, {"0", "1E1"}}) {
      JsonObject errors = new JsonObject();
      page(bad[0], bad[1], errors);
      assertEquals(1, errors.size(), () -> String.join(",", bad) + ": " + errors.encode());
    }
  }

  private static PageParams page(String page, String size, JsonObject errors) {
    return PageParams.read(new ServiceRequest("list", "r", null, null, null, new JsonObject(),
      new JsonObject().put("page", page).put("size", size), null), errors);
  }
}
