package io.micronet.alerts.delivery;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.storage.SqlErrors;
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
 * {@code channels.list|create|update|delete} (managers). A channel: {@code name}, {@code kind} webhook|slack,
 * {@code url} (http(s), no credentials, no forbidden literal address unless private targets are allowed),
 * {@code secret} (write-only: answers say {@code hasSecret}), {@code enabled}. Whether private targets are allowed is
 * the installation's choice (MICRONET_ALERT_ALLOW_PRIVATE_TARGETS), never a channel's: a manager's request cannot
 * open the private network. Built-in channels (the configured default, the dashboard feed) are listed, not changed.
 */
class ChannelActions {

  static final int NAME_MAX = 120;
  static final int SECRET_MAX = 512;

  private final Channels channels;
  private final DeliverySettings settings;
  private final Clock clock;

  ChannelActions(Channels channels, DeliverySettings settings, Clock clock) {
    this.channels = channels;
    this.settings = settings;
    this.clock = clock;
  }

  Future<ServiceResponse> list(ServiceRequest request) {
    PageParams paging = PageParams.required(request);
    return channels.all().map(all -> {
      JsonArray items = new JsonArray();
      int from = Math.min(all.size(), paging.page() * paging.size());
      all.subList(from, Math.min(all.size(), from + paging.size())).forEach(channel -> items.add(channel.toJson()));
      return ServiceResponse.ok(new JsonObject().put("items", items).put("page", paging.page()).put("size", paging.size())
        .put("total", all.size()));
    });
  }

  Future<ServiceResponse> create(ServiceRequest request) {
    JsonObject body = request.bodyObject();
    JsonObject errors = new JsonObject();
    Instant now = Instant.now(clock);
    String name = name(body.getValue("name"), true, errors);
    Channel.Kind kind = kind(body.getValue("kind"), true, errors);
    String url = url(body.getValue("url"), true, errors);
    String secret = secret(body, errors);
    Boolean enabled = enabled(body.getValue("enabled"), errors);
    refusePrivateFlag(body, errors);
    if (!errors.isEmpty()) {
      return Future.failedFuture(ServiceException.invalid(errors));
    }
    Channel channel = new Channel(UUID.randomUUID().toString(), name, kind, url, secret, enabled == null || enabled, false, now, now);
    return channels.repository().insert(channel)
      .recover(e -> Future.failedFuture(SqlErrors.isUniqueViolation(e) ? nameTaken(name) : e))
      .map(v -> ServiceResponse.created(channel.toJson()));
  }

  Future<ServiceResponse> update(ServiceRequest request) {
    String id = Inputs.idParam(request, "channel");
    if (Channels.isBuiltIn(id)) {
      return Future.failedFuture(builtIn(id));
    }
    JsonObject body = request.bodyObject();
    JsonObject errors = new JsonObject();
    String name = body.containsKey("name") ? name(body.getValue("name"), true, errors) : null;
    Channel.Kind kind = body.containsKey("kind") ? kind(body.getValue("kind"), true, errors) : null;
    String url = body.containsKey("url") ? url(body.getValue("url"), true, errors) : null;
    String secret = body.containsKey("secret") ? secret(body, errors) : null;
    Boolean enabled = enabled(body.getValue("enabled"), errors);
    refusePrivateFlag(body, errors);
    if (!errors.isEmpty()) {
      return Future.failedFuture(ServiceException.invalid(errors));
    }
    return channels.repository().find(id).compose(old -> {
      if (old == null) {
        return Future.failedFuture(ServiceException.notFound("channel", id));
      }
      Channel changed = new Channel(id, name == null ? old.name() : name, kind == null ? old.kind() : kind, url == null ? old.url() : url,
        body.containsKey("secret") ? secret : old.secret(), enabled == null ? old.enabled() : enabled, false, old.createdAt(),
        Instant.now(clock));
      return channels.repository().update(changed)
        .recover(e -> Future.failedFuture(SqlErrors.isUniqueViolation(e) ? nameTaken(changed.name()) : e))
        .compose(found -> found ? Future.succeededFuture(ServiceResponse.ok(changed.toJson()))
          : Future.failedFuture(ServiceException.notFound("channel", id)));
    });
  }

  Future<ServiceResponse> delete(ServiceRequest request) {
    String id = Inputs.idParam(request, "channel");
    if (Channels.isBuiltIn(id)) {
      return Future.failedFuture(builtIn(id));
    }
    return channels.repository().delete(id).compose(found -> found ? Future.succeededFuture(ServiceResponse.noContent())
      : Future.failedFuture(ServiceException.notFound("channel", id)));
  }

  private String name(Object value, boolean required, JsonObject errors) {
    if (value == null && !required) {
      return null;
    }
    if (!(value instanceof String text) || text.isBlank() || text.length() > NAME_MAX || !Inputs.idText(text)) {
      errors.put("name", "required: 1 to " + NAME_MAX + " characters, no control characters");
      return null;
    }
    if (Channels.isReservedName(text.trim())) {
      errors.put("name", "'" + text.trim() + "' is a built-in channel's name");
      return null;
    }
    return text.trim();
  }

  private Channel.Kind kind(Object value, boolean defaultWebhook, JsonObject errors) {
    if (value == null && defaultWebhook) {
      return Channel.Kind.WEBHOOK;
    }
    Channel.Kind kind = value instanceof String text ? Channel.Kind.creatable(text) : null;
    if (kind == null) {
      errors.put("kind", "must be webhook or slack");
    }
    return kind;
  }

  private String url(Object value, boolean required, JsonObject errors) {
    if (!(value instanceof String text)) {
      errors.put("url", required ? "required: an http or https URL" : "must be an http or https URL");
      return null;
    }
    try {
      return TargetUrl.parse(text, settings.allowPrivateTargets()).raw();
    } catch (TargetUrl.Invalid e) {
      errors.put("url", e.getMessage());
      return null;
    }
  }

  private String secret(JsonObject body, JsonObject errors) {
    Object value = body.getValue("secret");
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text) || text.length() > SECRET_MAX || !Inputs.idText(text)) {
      errors.put("secret", "must be text of at most " + SECRET_MAX + " characters (or null: no signature)");
      return null;
    }
    return text.isEmpty() ? null : text;
  }

  private Boolean enabled(Object value, JsonObject errors) {
    if (value == null || value instanceof Boolean) {
      return (Boolean) value;
    }
    errors.put("enabled", "must be true or false");
    return null;
  }

  private void refusePrivateFlag(JsonObject body, JsonObject errors) {
    if (body.containsKey("allowPrivateTargets")) {
      errors.put("allowPrivateTargets", "is not a channel's setting: the installation decides (MICRONET_ALERT_ALLOW_PRIVATE_TARGETS)");
    }
  }

  private static ServiceException nameTaken(String name) {
    return new ServiceException(ErrorCode.CONFLICT, "a channel named '" + name + "' exists", new JsonObject().put("name", "taken"));
  }

  private static ServiceException builtIn(String id) {
    return new ServiceException(ErrorCode.CONFLICT, "the " + id + " channel is built in: "
      + (Channel.DEFAULT_ID.equals(id) ? "set MICRONET_ALERT_WEBHOOK_URL / _SECRET to change it" : "it cannot be changed"));
  }

  static List<String> names() {
    return List.of("channels.list", "channels.create", "channels.update", "channels.delete");
  }
}
