package io.micronet.orders;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** One page of orders, in the contract's list shape. */
record OrderPage(List<Order> items, int page, int size, long total) {

  JsonObject toJson() {
    JsonArray array = new JsonArray();
    items.forEach(order -> array.add(order.toJson()));
    return new JsonObject().put("items", array).put("page", page).put("size", size).put("total", total);
  }
}
