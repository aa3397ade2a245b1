package io.micronet.orders;

import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ServiceRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.UUID;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Undoing what a placement or a cancellation left unfinished. A placement that cannot complete is fenced off
 * first ({@code PENDING} → {@code ABANDONED}: it can never be placed after that, and whoever fences it does
 * the rest), then its stock is released, then it is dropped with its key claim in one transaction. A
 * cancelled order's stock goes back once. {@link #recoverStale} finishes what a crash or an unreachable
 * products service interrupted; it is safe on every instance at once, one run at a time per instance.
 */
class OrderRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(OrderRecovery.class);

  private final OrderRepository repository;
  private final Inventory inventory;
  private final IdempotentWrites writes;
  private final Clock clock;
  private boolean recovering;

  OrderRecovery(OrderRepository repository, Inventory inventory, IdempotentWrites writes, Clock clock) {
    this.repository = repository;
    this.inventory = inventory;
    this.writes = writes;
    this.clock = clock;
  }

  /** Undoes a pending order unless someone else fenced it off first (then the undoing is theirs). */
  Future<Void> undo(Order pending, boolean mayHoldStock, ServiceRequest origin) {
    return repository.abandon(pending.id(), clock.millis()).compose(abandoned -> abandoned
      ? dropAbandoned(pending, mayHoldStock, origin)
      : Future.succeededFuture());
  }

  /** Gives a cancelled order's stock back; when products cannot be reached, a later recovery run does. */
  Future<Void> returnStock(String orderId, ServiceRequest origin) {
    return inventory.release(orderId, origin)
      .compose(v -> repository.stockReturned(orderId))
      .recover(e -> {
        LOG.warn("stock of a cancelled order not returned yet, will retry", kv("order", orderId), kv("reason", e.getMessage()));
        return Future.succeededFuture();
      });
  }

  /** Pending or abandoned orders untouched for {@code olderThanMs} are undone; cancelled ones get their stock back. */
  Future<Integer> recoverStale(long olderThanMs, int batch) {
    if (recovering) {
      return Future.succeededFuture(0);
    }
    recovering = true;
    return recoverBatch(olderThanMs, batch).eventually(() -> {
      recovering = false;
      return Future.succeededFuture();
    });
  }

  /** After a run: what is still unfinished past the recovery time ({@link OrderRepository#unfinishedCounts}). */
  Future<long[]> leftOver(long olderThanMs) {
    return repository.unfinishedCounts(clock.millis() - olderThanMs);
  }

  private Future<Integer> recoverBatch(long olderThanMs, int batch) {
    ServiceRequest origin = new ServiceRequest("recover", "recovery-" + UUID.randomUUID(), null, null, null,
      new JsonObject(), new JsonObject(), null);
    return repository.unfinished(clock.millis() - olderThanMs, batch).compose(orders -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (Order order : orders) {
        chain = chain.compose(done -> recover(order, origin).map(done + 1).recover(e -> {
          LOG.warn("order recovery failed, will retry", kv("order", order.id()), kv("reason", e.getMessage()));
          return Future.succeededFuture(done);
        }));
      }
      return chain;
    });
  }

  private Future<Void> recover(Order order, ServiceRequest origin) {
    if (Order.CANCELLED.equals(order.status())) {
      return returnStock(order.id(), origin);
    }
    LOG.info("undoing an interrupted order placement", kv("order", order.id()), kv("status", order.status()));
    return Order.ABANDONED.equals(order.status()) ? dropAbandoned(order, true, origin) : undo(order, true, origin);
  }

  private Future<Void> dropAbandoned(Order order, boolean mayHoldStock, ServiceRequest origin) {
    return (mayHoldStock ? inventory.release(order.id(), origin) : Future.<Void>succeededFuture())
      .compose(v -> repository.dropAbandoned(order.id(), conn -> writes.forget(conn, order.userId(), order.idempotencyKey())));
  }
}
