package io.micronet.products;

import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.validation.Inputs;
import io.vertx.core.Future;
import io.micronet.shared.validation.StockLine;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The catalog's rules: validation, ids, timestamps, not-found and conflict answers; reads by id through
 * the cache, and every change reported to {@code changed} so that all instances evict it.
 */
public class ProductService {

  private final ProductRepository repository;
  private final ReservationRepository reservations;
  private final IdempotentWrites writes;
  private final ProductCache cache;
  private final Consumer<String> changed;
  private final Clock clock;

  ProductService(ProductRepository repository, ReservationRepository reservations, IdempotentWrites writes,
                 ProductCache cache, Consumer<String> changed, Clock clock) {
    this.repository = repository;
    this.reservations = reservations;
    this.writes = writes;
    this.cache = cache;
    this.changed = changed;
    this.clock = clock;
  }

  /** Another instance changed a product: forget our copy. */
  void evict(String id) {
    cache.evict(id);
  }

  public Future<ServiceResponse> list(ServiceRequest request) {
    return repository.list(ProductQuery.from(request)).map(page -> ServiceResponse.ok(page.toJson(Product::toJson)));
  }

  public Future<ServiceResponse> get(ServiceRequest request) {
    String id = Inputs.idParam(request, "product");
    Optional<Buffer> cached = cache.get(id);
    if (cached.isPresent()) {
      return Future.succeededFuture(ServiceResponse.ok(cached.get()));
    }
    long generation = cache.generation();
    return repository.find(id).map(found -> {
      found.ifPresent(product -> cache.putIfUnchangedSince(generation, product));
      return ServiceResponse.ok(orNotFound(found, id).toJson());
    });
  }

  public Future<ServiceResponse> create(ServiceRequest request) {
    ProductFields fields = ProductValidator.forCreate(request.bodyObject());
    long now = clock.millis();
    Product product = new Product(UUID.randomUUID().toString(), fields.name(),
      fields.description() == null ? "" : fields.description(), fields.category(), fields.priceCents(),
      fields.stock() == null ? 0 : fields.stock(), now, now);
    return writes.run(request, conn -> repository.insert(conn, product).map(saved -> ServiceResponse.created(saved.toJson())));
  }

  public Future<ServiceResponse> update(ServiceRequest request) {
    String id = Inputs.idParam(request, "product");
    ProductFields fields = ProductValidator.forUpdate(request.bodyObject());
    return writes.run(request, conn -> repository.update(conn, id, fields, clock.millis())
        .map(found -> ServiceResponse.ok(orNotFound(found, id).toJson())))
      .onSuccess(response -> changed(id));
  }

  public Future<ServiceResponse> delete(ServiceRequest request) {
    String id = Inputs.idParam(request, "product");
    return writes.run(request, conn -> repository.delete(conn, id).map(deleted -> {
        if (!deleted) {
          throw ServiceException.notFound("product", id);
        }
        return ServiceResponse.noContent();
      }))
      .onSuccess(response -> changed(id));
  }

  public Future<ServiceResponse> adjustStock(ServiceRequest request) {
    String id = Inputs.idParam(request, "product");
    int delta = ProductValidator.delta(request.bodyObject());
    return writes.run(request, conn -> repository.adjustStock(conn, id, delta, clock.millis())
        .map(found -> ServiceResponse.ok(orNotFound(found, id).toJson())))
      .onSuccess(response -> changed(id));
  }

  /**
   * Internal (the orders service): holds stock for every line of an order, all or nothing, and answers each
   * line with the product's name and price now. Body {@code {reservationId, items:[{productId, quantity}]}}.
   */
  public Future<ServiceResponse> reserve(ServiceRequest request) {
    JsonObject body = request.bodyObject();
    JsonObject errors = new JsonObject();
    String id = reservationId(body, errors);
    List<StockLine> lines = StockLine.read(body.getValue("items"), errors);
    if (!errors.isEmpty()) {
      throw ServiceException.invalid(errors);
    }
    return reservations.reserve(id, lines, clock.millis())
      .onSuccess(reserved -> lines.forEach(line -> changed(line.productId())))
      .map(reserved -> ServiceResponse.ok(new JsonObject().put("reservationId", id).put("items", reserved)));
  }

  /** Internal: gives a reservation's stock back, once however often it is asked. Body {@code {reservationId}}. */
  public Future<ServiceResponse> release(ServiceRequest request) {
    JsonObject errors = new JsonObject();
    String id = reservationId(request.bodyObject(), errors);
    if (!errors.isEmpty()) {
      throw ServiceException.invalid(errors);
    }
    return reservations.release(id, clock.millis())
      .onSuccess(products -> products.forEach(this::changed))
      .map(products -> ServiceResponse.ok(new JsonObject().put("reservationId", id).put("released", !products.isEmpty())));
  }

  private static String reservationId(JsonObject body, JsonObject errors) {
    if (body.getValue("reservationId") instanceof String id && !id.isBlank() && id.length() <= 64) {
      return id;
    }
    errors.put("reservationId", "must be a string of 1 to 64 characters");
    return null;
  }

  /** After the commit: evict here at once, and on every other instance through {@code changed}. */
  private void changed(String id) {
    cache.evict(id);
    changed.accept(id);
  }

  private static Product orNotFound(Optional<Product> found, String id) {
    return found.orElseThrow(() -> ServiceException.notFound("product", id));
  }
}
