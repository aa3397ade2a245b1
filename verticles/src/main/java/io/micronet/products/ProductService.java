package io.micronet.products;

import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The catalog's rules: validation, ids, timestamps, not-found and conflict answers; reads by id through
 * the cache, and every change reported to {@code changed} so that all instances evict it.
 */
public class ProductService {

  private final ProductRepository repository;
  private final IdempotentWrites writes;
  private final ProductCache cache;
  private final Consumer<String> changed;
  private final Clock clock;

  ProductService(ProductRepository repository, IdempotentWrites writes, ProductCache cache, Consumer<String> changed,
                 Clock clock) {
    this.repository = repository;
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
    return repository.list(ProductQuery.from(request)).map(page -> ServiceResponse.ok(page.toJson()));
  }

  public Future<ServiceResponse> get(ServiceRequest request) {
    String id = request.param("id");
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
    String id = request.param("id");
    ProductFields fields = ProductValidator.forUpdate(request.bodyObject());
    return writes.run(request, conn -> repository.update(conn, id, fields, clock.millis())
        .map(found -> ServiceResponse.ok(orNotFound(found, id).toJson())))
      .onSuccess(response -> changed(id));
  }

  public Future<ServiceResponse> delete(ServiceRequest request) {
    String id = request.param("id");
    return writes.run(request, conn -> repository.delete(conn, id).map(deleted -> {
        if (!deleted) {
          throw ServiceException.notFound("product", id);
        }
        return ServiceResponse.noContent();
      }))
      .onSuccess(response -> changed(id));
  }

  public Future<ServiceResponse> adjustStock(ServiceRequest request) {
    String id = request.param("id");
    int delta = ProductValidator.delta(request.bodyObject());
    return writes.run(request, conn -> repository.adjustStock(conn, id, delta, clock.millis())
        .map(found -> ServiceResponse.ok(orNotFound(found, id).toJson())))
      .onSuccess(response -> changed(id));
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
