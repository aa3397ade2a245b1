package io.micronet.products;

/** Validated product fields; null means "not given". */
record ProductFields(String name, String description, String category, Long priceCents, Integer stock) {

  boolean isEmpty() {
    return name == null && description == null && category == null && priceCents == null && stock == null;
  }
}
