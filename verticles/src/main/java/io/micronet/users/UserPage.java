package io.micronet.users;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** One page of accounts, in the contract's list shape. */
record UserPage(List<User> items, int page, int size, long total) {

  JsonObject toJson() {
    JsonArray array = new JsonArray();
    items.forEach(user -> array.add(user.toJson()));
    return new JsonObject().put("items", array).put("page", page).put("size", size).put("total", total);
  }
}
