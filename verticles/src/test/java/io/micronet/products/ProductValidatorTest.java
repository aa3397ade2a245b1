package io.micronet.products;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProductValidatorTest {

  @Test
  void aValidProductIsNormalized() {
    ProductFields fields = ProductValidator.forCreate(new JsonObject(
      "{\"name\":\"  Lamp \",\"category\":\"home\",\"price\":19.9,\"stock\":3}"));
    assertEquals("Lamp", fields.name());
    assertEquals(1990L, fields.priceCents());
    assertEquals(3, fields.stock());
    assertNull(fields.description());
    assertEquals(0L, ProductValidator.forCreate(new JsonObject("{\"name\":\"x\",\"category\":\"c\",\"price\":0}")).priceCents());
    assertEquals(100000L, ProductValidator.forCreate(new JsonObject("{\"name\":\"x\",\"category\":\"c\",\"price\":1e3}")).priceCents());
  }

  @Test
  void everyProblemIsNamedInOneAnswer() {
    ServiceException e = assertThrows(ServiceException.class, () -> ProductValidator.forCreate(new JsonObject(
      "{\"name\":\"\",\"price\":\"12\",\"stock\":-1,\"colour\":\"red\"}")));
    assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
    JsonObject details = (JsonObject) e.details();
    assertTrue(details.containsKey("name"));
    assertTrue(details.containsKey("category"));
    assertTrue(details.containsKey("price"));
    assertTrue(details.containsKey("stock"));
    assertEquals("unknown field", details.getString("colour"));
  }

  @Test
  void pricesHaveAtMostTwoDecimalsAndAreNotNegative() {
    assertInvalid("{\"name\":\"x\",\"category\":\"c\",\"price\":1.234}", "price");
    assertInvalid("{\"name\":\"x\",\"category\":\"c\",\"price\":-0.01}", "price");
    assertInvalid("{\"name\":\"x\",\"category\":\"c\",\"price\":1e400}", "price");
    assertInvalid("{\"name\":\"x\",\"category\":\"c\",\"price\":1e12}", "price");
    assertInvalid("{\"name\":\"x\",\"category\":\"c\",\"price\":1,\"stock\":1.5}", "stock");
    assertInvalid("{\"name\":\"" + "n".repeat(201) + "\",\"category\":\"c\",\"price\":1}", "name");
    assertInvalid("{\"name\":\"bad\\u0000name\",\"category\":\"c\",\"price\":1}", "name");
  }

  @Test
  void decodedNumbersOfAnySizeAreRefusedBeforeAnyArithmetic() {
    // what a sender on the bus could put in a body: decoded numbers of every kind, checked for size first
    for (Object price : new Object[] {new BigDecimal("1e-30000000"), new BigDecimal("1e400"), new BigDecimal("1e30000000"),
      new BigInteger("123456789012345678901234567890"), Double.NaN, Double.NEGATIVE_INFINITY, 1e-300}) {
      JsonObject body = new JsonObject().put("name", "x").put("category", "c").put("price", price);
      ServiceException e = assertThrows(ServiceException.class, () -> ProductValidator.forCreate(body), price.getClass().getSimpleName());
      assertTrue(((JsonObject) e.details()).containsKey("price"));
    }
    for (Object stock : new Object[] {new BigDecimal("1e-30000000"), new BigInteger("123456789012345678901234567890"), 1e300}) {
      assertThrows(ServiceException.class, () -> ProductValidator.forCreate(new JsonObject().put("name", "x").put("category", "c")
        .put("price", 1).put("stock", stock)));
      assertThrows(ServiceException.class, () -> ProductValidator.delta(new JsonObject().put("delta", stock)));
    }
    assertEquals(1999L, ProductValidator.forCreate(new JsonObject().put("name", "x").put("category", "c")
      .put("price", new BigDecimal("19.990"))).priceCents());
    assertEquals(7, ProductValidator.delta(new JsonObject().put("delta", new BigDecimal("7.00"))));
  }

  @Test
  void anUpdateNeedsAtLeastOneKnownField() {
    assertEquals(ErrorCode.VALIDATION_FAILED,
      assertThrows(ServiceException.class, () -> ProductValidator.forUpdate(new JsonObject())).code());
    assertEquals(500L, ProductValidator.forUpdate(new JsonObject("{\"price\":5}")).priceCents());
  }

  @Test
  void aStockChangeIsANonZeroWholeNumber() {
    assertEquals(-3, ProductValidator.delta(new JsonObject("{\"delta\":-3}")));
    for (String body : new String[] {"{}", "{\"delta\":0}", "{\"delta\":1.5}", "{\"delta\":\"2\"}", "{\"delta\":1,\"x\":1}",
      "{\"delta\":99999999999}"}) {
      assertEquals(ErrorCode.VALIDATION_FAILED,
        assertThrows(ServiceException.class, () -> ProductValidator.delta(new JsonObject(body))).code(), body);
    }
  }

  private static void assertInvalid(String body, String field) {
    ServiceException e = assertThrows(ServiceException.class, () -> ProductValidator.forCreate(new JsonObject(body)));
    assertTrue(((JsonObject) e.details()).containsKey(field), body + " → " + e.details());
  }
}
