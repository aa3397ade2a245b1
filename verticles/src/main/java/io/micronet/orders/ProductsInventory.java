package io.micronet.orders;

import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.service.ServiceClient;
import io.micronet.shared.validation.StockLine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The products service's {@code reserve} and {@code release} actions, through discovery and a breaker per
 * products instance. Both are keyed by the order id; a release that failed may safely go to another instance.
 */
class ProductsInventory implements Inventory {

  static final String PRODUCTS = "products";

  private final ServiceClient products;

  ProductsInventory(ServiceClient products) {
    this.products = products;
  }

  @Override
  public Future<List<OrderLine>> reserve(String orderId, List<StockLine> lines, ServiceRequest origin) {
    JsonObject body = new JsonObject().put("reservationId", orderId).put("items", StockLine.toJson(lines));
    // not tried again on another instance: a refusal then comes from the only attempt that ran, so nothing can be
    // held behind it; a failure in transit is released (and tombstoned) by the caller, a client retries with its key
    return products.request(PRODUCTS, "reserve", body, origin, false).map(reply -> {
      JsonArray reserved = ((JsonObject) reply).getJsonArray("items");
      return reserved.stream().map(line -> OrderLine.fromReservation((JsonObject) line)).toList();
    });
  }

  @Override
  public Future<Void> release(String orderId, ServiceRequest origin) {
    return products.request(PRODUCTS, "release", new JsonObject().put("reservationId", orderId), origin, true).mapEmpty();
  }
}
