package io.micronet.chatops;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The shop's commands, run as the user who typed them: the catalog (anyone), orders (a client's own, a manager's all). */
final class ShopCommands {

  static final int PAGE = 20;

  private final Platform platform;

  ShopCommands(Platform platform) {
    this.platform = platform;
  }

  Future<ChatReply> products(Invocation invocation) {
    String text = invocation.line().rest(0).strip();
    JsonObject query = new JsonObject().put("size", PAGE);
    if (!text.isEmpty()) {
      query.put("q", text);
    }
    return platform.call(invocation, "products", "list", new JsonObject(), query, null).map(answer -> {
      JsonObject page = (JsonObject) answer;
      JsonArray items = page.getJsonArray("items", new JsonArray());
      TextTable table = new TextTable().row("NAME", "PRICE", "STOCK", "CATEGORY", "ID");
      for (int i = 0; i < items.size(); i++) {
        JsonObject product = items.getJsonObject(i);
        table.row(product.getString("name"), product.getValue("price"), product.getValue("stock"), product.getString("category"),
          product.getString("id"));
      }
      String heading = items.size() + " of " + page.getValue("total") + " product(s)" + (text.isEmpty() ? "" : " matching \"" + text + "\"");
      return ChatReply.ok(items.isEmpty() ? "no product" + (text.isEmpty() ? "" : " matches \"" + text + "\"") : heading + "\n" + table, page);
    });
  }

  Future<ChatReply> orders(Invocation invocation) {
    return platform.call(invocation, "orders", "list", new JsonObject(), new JsonObject().put("size", PAGE), null).map(answer -> {
      JsonObject page = (JsonObject) answer;
      JsonArray items = page.getJsonArray("items", new JsonArray());
      boolean everyone = invocation.caller().isManager();
      TextTable table = new TextTable().row("ORDER", "STATUS", "TOTAL", "LINES", "CREATED");
      for (int i = 0; i < items.size(); i++) {
        JsonObject order = items.getJsonObject(i);
        table.row(order.getString("id"), order.getString("status"), order.getValue("total"),
          order.getJsonArray("items", new JsonArray()).size(), order.getString("createdAt"));
      }
      String heading = items.size() + " of " + page.getValue("total") + (everyone ? " order(s)" : " of your order(s)");
      return ChatReply.ok(items.isEmpty() ? (everyone ? "no orders" : "you have no orders") : heading + "\n" + table, page);
    });
  }
}
