package io.micronet.shared.validation;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Input checks every service shares: ids no record can have never reach a query; order lines. */
class InputsTest {

  @Test
  void anIdNoRecordCanHaveIsNotFoundBeforeAnyQuery() {
    for (String id : List.of("", "a\u0000b", "tab\there", "x".repeat(Inputs.ID_MAX + 1), "\uD800")) {
      ServiceException error = assertThrows(ServiceException.class, () -> Inputs.idParam(request(id), "product"),
        "refused: " + id.length() + " chars");
      assertEquals(ErrorCode.NOT_FOUND, error.code());
    }
    assertEquals("2f1c7e4e-8a1b-4c3d-9e0f-112233445566",
      Inputs.idParam(request("2f1c7e4e-8a1b-4c3d-9e0f-112233445566"), "product"));
  }

  @Test
  void orderLinesNameEveryProblemAndRefuseAProductTwice() {
    JsonObject errors = new JsonObject();
    List<StockLine> lines = StockLine.read(new JsonArray()
      .add(new JsonObject().put("productId", "p1").put("quantity", 2))
      .add(new JsonObject().put("productId", "p1").put("quantity", 1))
      .add(new JsonObject().put("productId", 7).put("quantity", 1.5))
      .add(new JsonObject().put("productId", "p3").put("quantity", StockLine.MAX_QUANTITY + 1).put("note", "x")), errors);
    assertEquals(List.of(new StockLine("p1", 2)), lines);
    assertTrue(errors.containsKey("items[1].productId"), errors.encode());
    assertTrue(errors.containsKey("items[2].productId"), errors.encode());
    assertTrue(errors.containsKey("items[2].quantity"), errors.encode());
    assertTrue(errors.containsKey("items[3].quantity"), errors.encode());
    assertTrue(errors.containsKey("items[3].note"), errors.encode());

    JsonObject empty = new JsonObject();
    StockLine.read(new JsonArray(), empty);
    assertTrue(empty.containsKey("items"));
  }

  private static ServiceRequest request(String id) {
    return new ServiceRequest("get", "r", null, null, null, new JsonObject().put("id", id), new JsonObject(), null);
  }
}
