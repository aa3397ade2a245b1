package io.micronet.products;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** One page of the catalog, in the contract's list shape. */
record ProductPage(List<Product> items, int page, int size, long total) {

  JsonObject toJson() {
    JsonArray array = new JsonArray();
    items.forEach(product -> array.add(product.toJson()));
    return new JsonObject().put("items", array).put("page", page).put("size", size).put("total", total);
  }
}
