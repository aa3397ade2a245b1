package io.micronet.orders;

import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.validation.StockLine;
import io.vertx.core.Future;

import java.util.List;

/** The stock an order holds, kept by the products service under the order's id. */
interface Inventory {

  /** Every line or none; the same order id again answers the first reservation. */
  Future<List<OrderLine>> reserve(String orderId, List<StockLine> lines, ServiceRequest origin);

  /** Gives the order's stock back, once however often it is called; also when nothing was reserved. */
  Future<Void> release(String orderId, ServiceRequest origin);
}
