package io.micronet.products;

import io.micronet.shared.messaging.Money;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;

/** A catalog entry. Prices are kept in cents so that two-decimal amounts stay exact in both databases. */
public record Product(String id, String name, String description, String category, long priceCents, int stock,
                      long createdAt, long updatedAt) {

  static Product fromRow(Row row) {
    return new Product(
      row.getString("id"),
      row.getString("name"),
      row.getString("description"),
      row.getString("category"),
      row.getLong("price_cents"),
      row.getInteger("stock"),
      row.getLong("created_at"),
      row.getLong("updated_at"));
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("id", id)
      .put("name", name)
      .put("description", description)
      .put("category", category)
      .put("price", Money.amount(priceCents))
      .put("stock", stock)
      .put("createdAt", Instant.ofEpochMilli(createdAt).toString())
      .put("updatedAt", Instant.ofEpochMilli(updatedAt).toString());
  }
}
