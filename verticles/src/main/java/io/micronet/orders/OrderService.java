package io.micronet.orders;

import io.micronet.shared.discovery.Failover;
import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.Replies;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.storage.SqlErrors;
import io.micronet.shared.validation.Inputs;
import io.micronet.shared.validation.StockLine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The purchase workflow. Placing an order: record it as pending (with the claim of its Idempotency-Key),
 * reserve its stock through the products service, then mark it placed with the prices the reservation
 * captured (with the answer for the key) — the 201 goes out only after that commit. When the stock cannot
 * be had, nothing was reserved (409 OUT_OF_STOCK); when anything else fails after asking for it, the
 * placement is undone ({@link OrderRecovery}), which also finishes placements a crash interrupted.
 * Clients see and cancel their own orders only; managers all of them.
 */
class OrderService {

  private static final Logger LOG = LoggerFactory.getLogger(OrderService.class);

  private final OrderRepository repository;
  private final Inventory inventory;
  private final IdempotentWrites writes;
  private final Clock clock;
  private final OrderRecovery recovery;
  private final long answerWaitMs;

  /**
   * @param answerWaitMs how long a request whose key is being served by another request waits for that answer
   */
  OrderService(OrderRepository repository, Inventory inventory, IdempotentWrites writes, OrderRecovery recovery,
               Clock clock, long answerWaitMs) {
    this.repository = repository;
    this.inventory = inventory;
    this.writes = writes;
    this.recovery = recovery;
    this.clock = clock;
    this.answerWaitMs = answerWaitMs;
  }

  Future<ServiceResponse> place(ServiceRequest request) {
    String userId = request.requireCaller();
    List<StockLine> lines = lines(request.bodyObject());
    return placeOnce(request, userId, lines);
  }

  private Future<ServiceResponse> placeOnce(ServiceRequest request, String userId, List<StockLine> lines) {
    long now = clock.millis();
    List<OrderLine> requested = lines.stream().map(line -> new OrderLine(line.productId(), null, line.quantity(), 0)).toList();
    Order pending = new Order(UUID.randomUUID().toString(), userId, Order.PENDING, requested, 0,
      request.idempotencyKey(), now, now);
    return repository.insertPending(pending, conn -> writes.claim(conn, request, request.body()))
      .transform(recorded -> {
        if (recorded.succeeded()) {
          return reserveAndPlace(request, pending, lines);
        }
        if (request.idempotencyKey() != null && SqlErrors.isUniqueViolation(recorded.cause())) {
          // the same key is (or was) being served: its answer, not a second order
          return writes.awaitAnswer(request, request.body(), answerWaitMs, () -> placeOnce(request, userId, lines));
        }
        return Future.failedFuture(recorded.cause());
      });
  }

  private Future<ServiceResponse> reserveAndPlace(ServiceRequest request, Order pending, List<StockLine> lines) {
    if (request.expired()) {
      return giveUp(request, pending, outOfTime(), false);
    }
    return inventory.reserve(pending.id(), lines, request).transform(reserved -> {
      if (reserved.failed()) {
        // refused (out of stock, unknown product) or never sent: nothing is held; failed in transit: it may be
        Throwable cause = reserved.cause();
        return giveUp(request, pending, cause, !Replies.isRefusal(cause) && !(cause instanceof Failover.NotSent));
      }
      if (request.expired()) {
        // the caller has had its 504: placing the order now would charge a client who believes it failed
        return giveUp(request, pending, outOfTime(), true);
      }
      Order placed = pending.placed(reserved.result(), clock.millis());
      ServiceResponse created = ServiceResponse.created(placed.toJson());
      TooLate tooLate = new TooLate();
      return repository.place(placed, conn -> request.expired()
          // checked again inside the transaction: a commit after the caller's 504 would be a surprise charge
          ? Future.failedFuture(tooLate)
          : writes.remember(conn, request, request.body(), created))
        .transform(recorded -> {
          if (recorded.succeeded() && recorded.result()) {
            return Future.succeededFuture(created);
          }
          if (recorded.succeeded()) {
            // no longer pending: recovery abandoned it and undoes it
            return Future.failedFuture(new ServiceException(ErrorCode.SERVICE_UNAVAILABLE,
              "the order could not be completed in time; nothing was charged"));
          }
          if (recorded.cause() == tooLate) {
            return giveUp(request, pending, outOfTime(), true);
          }
          // the commit's outcome is unknown: releasing could take the stock of a placed order; recovery decides
          LOG.warn("order placement outcome unknown, left for recovery", kv("order", pending.id()),
            kv("requestId", request.requestId()), kv("reason", String.valueOf(recorded.cause().getMessage())));
          return Future.failedFuture(new ServiceException(ErrorCode.SERVICE_UNAVAILABLE,
            "the order could not be confirmed; retry with the same Idempotency-Key to learn its outcome"));
        });
    });
  }

  /** The rollback of a placement whose caller stopped waiting before its commit. */
  private static final class TooLate extends RuntimeException {
    TooLate() {
      super("the caller stopped waiting", null, false, false);
    }
  }

  /** Undoes a placement that cannot complete (see {@link OrderRecovery}), then fails with {@code cause}. */
  private Future<ServiceResponse> giveUp(ServiceRequest request, Order pending, Throwable cause, boolean mayHoldStock) {
    // undoing is due whether or not the caller still waits
    return recovery.undo(pending, mayHoldStock, request.withoutDeadline())
      .onFailure(e -> LOG.warn("order placement left for recovery", kv("order", pending.id()),
        kv("requestId", request.requestId()), kv("reason", e.getMessage())))
      .transform(undone -> Future.failedFuture(cause));
  }

  private static ServiceException outOfTime() {
    return new ServiceException(ErrorCode.UPSTREAM_TIMEOUT, "the order could not be placed in time; nothing was charged");
  }

  Future<ServiceResponse> get(ServiceRequest request) {
    return visibleOrder(request).map(order -> ServiceResponse.ok(order.toJson()));
  }

  Future<ServiceResponse> list(ServiceRequest request) {
    return repository.list(OrderQuery.from(request)).map(page -> ServiceResponse.ok(page.toJson(Order::toJson)));
  }

  /**
   * Cancels a placed order; its stock goes back to the products service exactly once. With an
   * Idempotency-Key a retried cancel gets the first answer again instead of a 409.
   */
  Future<ServiceResponse> cancel(ServiceRequest request) {
    return visibleOrder(request).compose(order -> {
      long now = clock.millis();
      Order cancelled = new Order(order.id(), order.userId(), Order.CANCELLED, order.lines(), order.totalCents(),
        order.idempotencyKey(), order.createdAt(), now);
      return writes.run(request, conn -> repository.cancel(conn, order.id(), now).map(done -> {
          if (!done) {
            throw notCancellable(order);
          }
          return ServiceResponse.ok(cancelled.toJson());
        }))
        // within the caller's time: the cancellation stands either way, and recovery returns what is left over
        .compose(answer -> recovery.returnStock(order.id(), request).map(answer));
    });
  }

  /** The order if the caller may see it: its owner or a manager. Anyone else gets the same 404 as for no order. */
  private Future<Order> visibleOrder(ServiceRequest request) {
    String caller = request.requireCaller();
    String id = Inputs.idParam(request, "order");
    return repository.find(id).map(found -> found
      .filter(order -> !Order.ABANDONED.equals(order.status()))
      .filter(order -> order.userId().equals(caller) || request.callerIsManager())
      .orElseThrow(() -> ServiceException.notFound("order", id)));
  }

  private static ServiceException notCancellable(Order order) {
    // read as PLACED, not placed at the update: a concurrent cancel won
    String status = Order.PLACED.equals(order.status()) ? Order.CANCELLED : order.status();
    return new ServiceException(ErrorCode.CONFLICT, "order " + order.id() + " is " + status
      + ": only a placed order can be cancelled");
  }

  /** A purchase body: {@code {items:[{productId, quantity}]}} and nothing else. */
  static List<StockLine> lines(JsonObject body) {
    JsonObject errors = new JsonObject();
    for (String key : body.fieldNames()) {
      if (!"items".equals(key)) {
        errors.put(key, "unknown field");
      }
    }
    List<StockLine> lines = StockLine.read(body.getValue("items"), errors);
    if (!errors.isEmpty()) {
      throw ServiceException.invalid(errors);
    }
    return lines;
  }
}
