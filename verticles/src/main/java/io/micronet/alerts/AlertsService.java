package io.micronet.alerts;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.validation.Inputs;
import io.micronet.shared.validation.PageParams;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The alerts service's actions (every instance answers them from the database; writes go to the database and are
 * announced, see {@link Announcer}): {@code list}, {@code get}, {@code ack}; {@code rules.list|get|create|update|delete};
 * {@code silences.list}, {@code silence}, {@code silences.delete}. Bad input is a 422 naming the fields, and nothing
 * is stored.
 */
final class AlertsService {

  static final String CHANGED = "micronet.alerts.changed";
  static final List<String> STATES = List.of(Alert.PENDING, Alert.FIRING, Alert.RESOLVED);

  private final AlertRepository repository;
  private final Announcer announcer;
  private final Clock clock;

  AlertsService(AlertRepository repository, Announcer announcer, Clock clock) {
    this.repository = repository;
    this.announcer = announcer;
    this.clock = clock;
  }

  // ---- alerts ---------------------------------------------------------------------------------------------------

  Future<ServiceResponse> list(ServiceRequest request) {
    JsonObject errors = new JsonObject();
    String state = blankToNull(request.queryParam("state"));
    if (state != null && !STATES.contains(state)) {
      errors.put("state", "must be one of " + String.join(", ", STATES));
    }
    String service = blankToNull(request.queryParam("service"));
    if (service != null && (service.length() > RuleInput.MAX_NAME || !Inputs.idText(service))) {
      errors.put("service", "must be a name of at most " + RuleInput.MAX_NAME + " characters");
    }
    PageParams paging = PageParams.read(request, errors);
    if (!errors.isEmpty()) {
      throw ServiceException.invalidQuery(errors);
    }
    return repository.alerts(state, service, paging.page(), paging.size()).map(page -> ServiceResponse.ok(page.toJson(Alert::toJson)));
  }

  Future<ServiceResponse> get(ServiceRequest request) {
    String id = Inputs.idParam(request, "alert");
    return repository.alert(id).map(alert -> {
      if (alert == null) {
        throw ServiceException.notFound("alert", id);
      }
      return ServiceResponse.ok(alert.toJson());
    });
  }

  /** {@code ack}: who and when are recorded once (a second ack answers the first); a resolved alert cannot be. */
  Future<ServiceResponse> ack(ServiceRequest request) {
    String id = Inputs.idParam(request, "alert");
    String by = who(request);
    Instant now = clock.instant();
    return repository.alert(id).compose(alert -> {
      if (alert == null) {
        return Future.failedFuture(ServiceException.notFound("alert", id));
      }
      if (alert.acknowledged()) {
        return Future.succeededFuture(ServiceResponse.ok(alert.toJson()));
      }
      if (!alert.active()) {
        return Future.failedFuture(new ServiceException(ErrorCode.CONFLICT, "alert " + id + " is resolved already"));
      }
      return repository.acknowledge(id, by, now).compose(recorded -> repository.alert(id).map(stored -> {
        if (recorded) {
          announcer.changed(new JsonObject().put("what", "ack").put("id", id).put("by", by).put("at", stored.ackedAt.toString()));
          announcer.feed(new JsonObject().put("type", "alert").put("change", "acknowledged").put("alert", stored.toJson()));
          announcer.activity(by, stored.service, "alert " + stored.rule + " on " + stored.service + " acknowledged by " + by);
        }
        return ServiceResponse.ok(stored.toJson());
      }));
    });
  }

  // ---- rules ----------------------------------------------------------------------------------------------------

  Future<ServiceResponse> listRules(ServiceRequest request) {
    PageParams paging = PageParams.required(request);
    return repository.rules().map(rules -> {
      JsonArray items = new JsonArray();
      rules.stream().skip((long) paging.page() * paging.size()).limit(paging.size()).forEach(rule -> items.add(rule.toJson()));
      return ServiceResponse.ok(new JsonObject().put("items", items).put("page", paging.page()).put("size", paging.size())
        .put("total", rules.size()));
    });
  }

  Future<ServiceResponse> getRule(ServiceRequest request) {
    String id = Inputs.idParam(request, "rule");
    return repository.rule(id).map(rule -> {
      if (rule == null) {
        throw ServiceException.notFound("rule", id);
      }
      return ServiceResponse.ok(rule.toJson());
    });
  }

  Future<ServiceResponse> createRule(ServiceRequest request) {
    Instant now = clock.instant();
    Rule rule = RuleInput.parse(request.body(), UUID.randomUUID().toString(), false, now, now);
    return repository.insertRule(rule).map(v -> {
      rulesChanged(request, rule, "created");
      return ServiceResponse.created(rule.toJson());
    });
  }

  /** {@code rules.update}: the whole rule again (PUT); a built-in rule stays built-in, and may be edited or disabled. */
  Future<ServiceResponse> updateRule(ServiceRequest request) {
    String id = Inputs.idParam(request, "rule");
    Object body = request.body();
    return repository.rule(id).compose(existing -> {
      if (existing == null) {
        return Future.failedFuture(ServiceException.notFound("rule", id));
      }
      Rule rule = RuleInput.parse(body, id, existing.builtIn(), existing.createdAt(), clock.instant());
      return repository.updateRule(rule).map(updated -> {
        if (!updated) {
          throw ServiceException.notFound("rule", id);
        }
        rulesChanged(request, rule, "updated");
        return ServiceResponse.ok(rule.toJson());
      });
    });
  }

  Future<ServiceResponse> deleteRule(ServiceRequest request) {
    String id = Inputs.idParam(request, "rule");
    return repository.rule(id).compose(existing -> {
      if (existing == null) {
        return Future.failedFuture(ServiceException.notFound("rule", id));
      }
      return repository.deleteRule(id).map(deleted -> {
        if (deleted) {
          rulesChanged(request, existing, "deleted");
        }
        return ServiceResponse.noContent();
      });
    });
  }

  private void rulesChanged(ServiceRequest request, Rule rule, String what) {
    announcer.changed(new JsonObject().put("what", "rules").put("id", rule.id()));
    announcer.activity(who(request), Rule.ANY_SERVICE.equals(rule.service()) ? null : rule.service(),
      "alert rule " + rule.name() + " " + what + " by " + who(request));
  }

  // ---- silences -------------------------------------------------------------------------------------------------

  Future<ServiceResponse> listSilences(ServiceRequest request) {
    JsonObject errors = new JsonObject();
    PageParams paging = PageParams.read(request, errors);
    String expired = blankToNull(request.queryParam("expired"));
    if (expired != null && !expired.equals("true") && !expired.equals("false")) {
      errors.put("expired", "must be true or false");
    }
    if (!errors.isEmpty()) {
      throw ServiceException.invalidQuery(errors);
    }
    return repository.silences("true".equals(expired), paging.page(), paging.size())
      .map(page -> ServiceResponse.ok(page.toJson(Silence::toJson)));
  }

  Future<ServiceResponse> silence(ServiceRequest request) {
    String by = who(request);
    Silence silence = Silence.parse(request.body(), UUID.randomUUID().toString(), by, clock.instant());
    return repository.insertSilence(silence).map(v -> {
      announcer.changed(new JsonObject().put("what", "silences").put("id", silence.id()));
      announcer.feed(new JsonObject().put("type", "silence").put("change", "created").put("silence", silence.toJson()));
      announcer.activity(by, silence.service(), "silence " + describe(silence) + " until " + silence.endsAt() + " by " + by
        + (silence.reason() == null ? "" : ": " + silence.reason()));
      return ServiceResponse.created(silence.toJson());
    });
  }

  Future<ServiceResponse> deleteSilence(ServiceRequest request) {
    String id = Inputs.idParam(request, "silence");
    String by = who(request);
    return repository.silence(id).compose(silence -> {
      if (silence == null) {
        return Future.failedFuture(ServiceException.notFound("silence", id));
      }
      return repository.deleteSilence(id).map(deleted -> {
        if (deleted) {
          announcer.changed(new JsonObject().put("what", "silences").put("id", id));
          announcer.feed(new JsonObject().put("type", "silence").put("change", "deleted").put("silence", silence.toJson()));
          announcer.activity(by, silence.service(), "silence " + describe(silence) + " deleted by " + by);
        }
        return ServiceResponse.noContent();
      });
    });
  }

  static String describe(Silence silence) {
    StringBuilder text = new StringBuilder();
    if (silence.service() != null) {
      text.append("service=").append(silence.service());
    }
    if (silence.rule() != null) {
      text.append(text.isEmpty() ? "" : " ").append("rule=").append(silence.rule());
    }
    if (silence.severity() != null) {
      text.append(text.isEmpty() ? "" : " ").append("severity=").append(silence.severity());
    }
    return text.toString();
  }

  private static String who(ServiceRequest request) {
    if (request.caller() == null) {
      return "system";
    }
    return request.caller().username() != null ? request.caller().username() : request.caller().id();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
