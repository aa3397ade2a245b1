package io.micronet.products;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProductQueryTest {

  @Test
  void defaultsAreTheFirstPageOfTwentyByName() {
    ProductQuery query = ProductQuery.from(request(new JsonObject()));
    assertEquals(0, query.page());
    assertEquals(20, query.size());
    assertEquals(ProductQuery.Sort.NAME, query.sort());
  }

  @Test
  void filtersBecomeParametersNeverSqlText() {
    ProductQuery query = ProductQuery.from(request(new JsonObject()
      .put("q", "50%_off'; drop table products")
      .put("category", "toys").put("minPrice", "1.5").put("maxPrice", "10").put("inStock", "true")
      .put("sort", "-price").put("page", "2").put("size", "100")));
    Map<String, Object> params = new HashMap<>();
    String where = query.where(params);
    assertTrue(!where.contains("drop") && !where.contains("toys"), where);
    assertEquals("%50\\%\\_off'; drop table products%", params.get("text"));
    assertEquals(150L, params.get("minPrice"));
    assertEquals(1000L, params.get("maxPrice"));
    assertEquals(ProductQuery.Sort.PRICE_DESC, query.sort());
    assertEquals(2, query.page());
    assertEquals(100, query.size());
  }

  @Test
  void badParametersAreA422NamingEachOne() {
    ServiceException e = assertThrows(ServiceException.class, () -> ProductQuery.from(request(new JsonObject()
      .put("page", "-1").put("size", "101").put("sort", "price; drop").put("minPrice", "abc").put("inStock", "maybe"))));
    assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
    JsonObject details = (JsonObject) e.details();
    for (String name : new String[] {"page", "size", "sort", "minPrice", "inStock"}) {
      assertTrue(details.containsKey(name), name + " in " + details);
    }
    assertEquals(ErrorCode.VALIDATION_FAILED, assertThrows(ServiceException.class, () -> ProductQuery.from(request(
      new JsonObject().put("minPrice", "10").put("maxPrice", "5")))).code());
    assertEquals(ErrorCode.VALIDATION_FAILED, assertThrows(ServiceException.class, () -> ProductQuery.from(request(
      new JsonObject().put("size", "0")))).code());
  }

  @Test
  void numbersOutsideTheStrictGrammarAreRefusedBeforeAnyArithmetic() {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("minPrice", "1e-30000000");
    bad.put("maxPrice", "1E5");
    bad.put("page", "1e3");
    bad.put("size", "0x10");
    for (String[] pair : new String[][] {{"minPrice", "9999999999999999999999"}, {"maxPrice", "1.005"}, {"minPrice", "+1"},
      {"maxPrice", "Infinity"}, {"minPrice", " 1"}, {"page", "2.0"}, {"size", "1e1"}, {"page", "500"}}) {
      ServiceException e = assertThrows(ServiceException.class, () -> ProductQuery.from(request(new JsonObject().put(pair[0], pair[1]))),
        pair[0] + "=" + pair[1]);
      assertEquals(Set.of(pair[0]), ((JsonObject) e.details()).fieldNames(), pair[0] + "=" + pair[1]);
    }
    JsonObject allBad = new JsonObject();
    bad.forEach(allBad::put);
    ServiceException all = assertThrows(ServiceException.class, () -> ProductQuery.from(request(allBad)));
    assertEquals(bad.keySet(), ((JsonObject) all.details()).fieldNames());
    assertEquals(1L, ProductQuery.from(request(new JsonObject().put("minPrice", "0.01"))).minPriceCents());
    assertEquals(999_999_999L, ProductQuery.from(request(new JsonObject().put("maxPrice", "9999999.99"))).maxPriceCents());
  }

  private static ServiceRequest request(JsonObject query) {
    return new ServiceRequest("list", "r", null, null, null, new JsonObject(), query, null);
  }
}
