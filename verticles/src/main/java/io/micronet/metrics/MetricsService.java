package io.micronet.metrics;

import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.validation.Inputs;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The metrics service's logic, without a network: samples in ({@link #onSample}), the snapshot ({@link #snapshot}),
 * the 10 s history step ({@link #historyStep}), the retention ({@link #retention}), and the two actions
 * {@code latest} and {@code history}. Time comes from the clock given (tests move it).
 */
final class MetricsService {

  static final long HISTORY_STEP_MS = MetricsRepository.RAW * 1000L;

  private final MetricsBoard board;
  private final MetricsRepository repository;
  private final Clock clock;
  private final Duration rawKept;
  private final Duration rollupsKept;

  MetricsService(MetricsBoard board, MetricsRepository repository, Clock clock, Duration rawKept, Duration rollupsKept) {
    this.board = board;
    this.repository = repository;
    this.clock = clock;
    this.rawKept = rawKept;
    this.rollupsKept = rollupsKept;
  }

  /** A message of the samples feed; junk is ignored. */
  void onSample(Object body) {
    if (body instanceof JsonObject json) {
      board.accept(Sample.fromJson(json), clock.millis());
    }
  }

  JsonObject snapshot() {
    return board.snapshot(clock.millis(), null);
  }

  /**
   * Ends a 10 s step: every instance resets its counts; the elected one ({@code write}) stores the step's points.
   * Returns how many points were written.
   */
  Future<Integer> historyStep(boolean write) {
    long now = clock.millis();
    List<MetricPoint> points = board.drainHistory(now, Math.floorDiv(now, HISTORY_STEP_MS) * HISTORY_STEP_MS);
    return write ? repository.insert(points) : Future.succeededFuture(0);
  }

  /** Rolls raw points older than the raw retention up into minutes, drops rollups older than theirs; rows removed. */
  Future<Long> retention() {
    long now = clock.millis();
    return repository.rollUp(now - rawKept.toMillis(), now - rollupsKept.toMillis());
  }

  /** {@code latest}: the snapshot as this instance sees it now; {@code ?service=} keeps one service (none: {@code services:{}}). */
  Future<ServiceResponse> latest(ServiceRequest request) {
    String service = request.queryParam("service");
    if (service != null && (service.isEmpty() || service.length() > Sample.MAX_NAME || !Inputs.idText(service))) {
      throw ServiceException.invalidQuery(new JsonObject().put("service", "must be a name of at most " + Sample.MAX_NAME + " characters"));
    }
    return Future.succeededFuture(ServiceResponse.ok(board.snapshot(clock.millis(), service)));
  }

  /** {@code history}: one series, bucketed (see {@link HistoryQuery}); a service with no points has an empty one. */
  Future<ServiceResponse> history(ServiceRequest request) {
    HistoryQuery query = HistoryQuery.parse(request, clock.instant());
    return repository.series(query.service(), query.instance(), query.from(), query.to()).map(rows -> {
      JsonArray points = new JsonArray();
      query.bucket(rows).forEach(point -> points.add(point.toJson()));
      return ServiceResponse.ok(query.describe().put("points", points));
    });
  }
}
