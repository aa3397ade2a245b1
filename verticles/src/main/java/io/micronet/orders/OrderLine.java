package io.micronet.orders;

import io.micronet.shared.messaging.Money;
import io.vertx.core.json.JsonObject;

/** A line of a placed order: the product's name and unit price as they were at the purchase. */
public record OrderLine(String productId, String name, int quantity, long unitPriceCents) {

  public long lineTotalCents() {
    return unitPriceCents * quantity;
  }

  /** The contract's line: prices as decimal numbers. */
  JsonObject toJson() {
    return new JsonObject().put("productId", productId).put("name", name).put("quantity", quantity)
      .put("unitPrice", Money.amount(unitPriceCents)).put("lineTotal", Money.amount(lineTotalCents()));
  }

  /** The stored form: exact cents. */
  JsonObject toStored() {
    return new JsonObject().put("productId", productId).put("name", name).put("quantity", quantity)
      .put("unitPriceCents", unitPriceCents);
  }

  static OrderLine fromStored(JsonObject stored) {
    return new OrderLine(stored.getString("productId"), stored.getString("name"), stored.getInteger("quantity"),
      stored.getLong("unitPriceCents", 0L));
  }

  /** A line the products service reserved ({@code {productId, name, quantity, priceCents}}). */
  static OrderLine fromReservation(JsonObject reserved) {
    return new OrderLine(reserved.getString("productId"), reserved.getString("name"), reserved.getInteger("quantity"),
      reserved.getLong("priceCents"));
  }
}
