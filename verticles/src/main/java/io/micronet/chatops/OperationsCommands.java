package io.micronet.chatops;

import io.micronet.shared.health.HealthView;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operators' commands, each one call of a platform action (the health monitor's view, the metrics service, the node
 * agents' lifecycle and failure actions, the alerts service) made as the user who typed it, so that the action applies
 * its own rules; here only the arguments are checked (known service, numbers, modes) and the answer is put in words.
 * {@code stop}, {@code scale} and {@code fail} without {@code --yes} ask the same action for a dry run.
 */
final class OperationsCommands {

  static final int DEFAULT_FAIL_SECONDS = 30;
  static final int MAX_FAIL_SECONDS = 3600;
  static final int MAX_INSTANCES = 64;
  private static final List<String> MODES = List.of("error", "latency", "crash");

  private final Platform platform;

  OperationsCommands(Platform platform) {
    this.platform = platform;
  }

  Future<ChatReply> status(Invocation invocation) {
    return platform.callAsService(invocation, "monitor", "status", new JsonObject()).map(answer -> {
      JsonObject snapshot = (JsonObject) answer;
      JsonObject status = HealthView.fromSnapshot(snapshot).map(view -> view.toStatusJson("monitor"))
        .orElseThrow(() -> new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "the health monitor has no view yet; try again in a few seconds"));
      status.put("time", snapshot.getValue("time"));
      TextTable table = new TextTable().row("SERVICE", "STATUS", "HEALTHY", "REASONS");
      JsonObject services = status.getJsonObject("services");
      services.fieldNames().stream().sorted().forEach(name -> {
        JsonObject one = services.getJsonObject(name);
        table.row(name, one.getString("status"), one.getValue("healthy") + "/" + one.getValue("instances"), reasons(one.getJsonArray("reasons")));
      });
      return ChatReply.ok("overall " + status.getString("status") + "\n" + table, status);
    });
  }

  Future<ChatReply> services(Invocation invocation) {
    return Future.all(platform.call(invocation, "monitor", "status", new JsonObject(), new JsonObject(), null), nodeNames(invocation)).map(both -> {
      Map<String, String> nodeNames = both.resultAt(1);
      JsonObject services = ((JsonObject) both.resultAt(0)).getJsonObject("services", new JsonObject());
      TextTable table = new TextTable().row("SERVICE", "INSTANCE", "NODE", "HEALTH", "BREAKER");
      JsonArray items = new JsonArray();
      services.fieldNames().stream().sorted().forEach(name -> {
        JsonArray instances = services.getJsonObject(name).getJsonArray("instances", new JsonArray());
        if (instances.isEmpty()) {
          table.row(name, "(none)", null, services.getJsonObject(name).getString("status"), null);
        }
        for (int i = 0; i < instances.size(); i++) {
          JsonObject instance = instances.getJsonObject(i);
          String nodeName = nodeNames.getOrDefault(instance.getString("node"), instance.getString("node"));
          table.row(name, instance.getString("id"), nodeName, instance.getString("status"), instance.getString("breaker"));
          items.add(instance.copy().put("service", name).put("nodeName", nodeName));
        }
      });
      return ChatReply.ok(table.toString(), new JsonObject().put("items", items));
    });
  }

  Future<ChatReply> health(Invocation invocation) {
    String service = invocation.line().arg(0);
    if (service == null) {
      return platform.call(invocation, "monitor", "status", new JsonObject(), new JsonObject(), null).map(answer -> {
        JsonObject services = ((JsonObject) answer).getJsonObject("services", new JsonObject());
        TextTable table = new TextTable().row("SERVICE", "STATUS", "DEPENDS ON", "REASONS");
        services.fieldNames().stream().sorted().forEach(name -> {
          JsonObject one = services.getJsonObject(name);
          table.row(name, one.getString("status"), join(one.getJsonArray("dependencies")), reasons(one.getJsonArray("reasons")));
        });
        return ChatReply.ok(table.toString(), answer);
      });
    }
    return knownService(service).compose(name -> Future.all(platform.call(invocation, "monitor", "status", new JsonObject(),
      new JsonObject().put("service", name), null), nodeNames(invocation))).map(both -> {
        JsonObject one = both.resultAt(0);
        Map<String, String> nodeNames = both.resultAt(1);
        TextTable table = new TextTable().row("INSTANCE", "NODE", "HEALTH", "BREAKER", "REASON");
        JsonArray instances = one.getJsonArray("instances", new JsonArray());
        for (int i = 0; i < instances.size(); i++) {
          JsonObject instance = instances.getJsonObject(i);
          table.row(instance.getString("id"), nodeNames.getOrDefault(instance.getString("node"), instance.getString("node")),
            instance.getString("status"), instance.getString("breaker"), instance.getString("reason"));
        }
        String reasons = reasons(one.getJsonArray("reasons"));
        return ChatReply.ok(one.getString("service") + " is " + one.getString("status") + (reasons.equals("-") ? "" : ": " + reasons)
          + (instances.isEmpty() ? "\nno instance" : "\n" + table), one);
      });
  }

  Future<ChatReply> metrics(Invocation invocation) {
    String service = invocation.line().arg(0);
    Future<JsonObject> query = service == null ? Future.succeededFuture(new JsonObject())
      : knownService(service).map(name -> new JsonObject().put("service", name));
    return query.compose(q -> platform.call(invocation, "metrics", "latest", new JsonObject(), q, null)).map(answer -> {
      JsonObject services = ((JsonObject) answer).getJsonObject("services", new JsonObject());
      TextTable table = new TextTable().row("SERVICE", "REQ/S", "ERRORS", "P50 MS", "P95 MS", "P99 MS");
      services.fieldNames().stream().sorted().forEach(name -> {
        JsonObject one = services.getJsonObject(name);
        table.row(name, oneDecimal(one.getValue("rps")), percent(one.getValue("errorRate")), oneDecimal(one.getValue("p50")),
          oneDecimal(one.getValue("p95")), oneDecimal(one.getValue("p99")));
      });
      return ChatReply.ok(services.isEmpty() ? "no figures yet (they come every few seconds)" : table.toString(), answer);
    });
  }

  Future<ChatReply> nodes(Invocation invocation) {
    return platform.call(invocation, "node", "nodes", new JsonObject(), new JsonObject().put("size", 100), null).map(answer -> {
      JsonArray items = ((JsonObject) answer).getJsonArray("items", new JsonArray());
      TextTable table = new TextTable().row("NODE", "HOST", "RECONCILER", "INSTANCES");
      for (int i = 0; i < items.size(); i++) {
        JsonObject node = items.getJsonObject(i);
        Map<String, Integer> running = new TreeMap<>();
        node.getJsonArray("instances", new JsonArray()).forEach(one -> running.merge(String.valueOf(((JsonObject) one).getValue("service")), 1, Integer::sum));
        List<String> counts = new ArrayList<>();
        running.forEach((service, count) -> counts.add(service + "×" + count));
        table.row(node.getString("name"), node.getString("host"), node.getBoolean("reconciler", false) ? "yes" : "", String.join(" ", counts));
      }
      return ChatReply.ok(table.toString(), answer);
    });
  }

  Future<ChatReply> start(Invocation invocation) {
    return lifecycle(invocation, "start", nodeBody(invocation));
  }

  Future<ChatReply> stop(Invocation invocation) {
    return lifecycle(invocation, "stop", nodeBody(invocation));
  }

  Future<ChatReply> scale(Invocation invocation) {
    String count = invocation.line().arg(1);
    Integer instances = ChatService.wholeNumber(count);
    if (instances == null || instances > MAX_INSTANCES || invocation.line().args().size() > 2) {
      return Future.succeededFuture(ChatReply.failed(ErrorCode.VALIDATION_FAILED, count == null
        ? "scale needs the number of instances: scale <service> <n>"
        : "scale takes a whole number of instances from 0 to " + MAX_INSTANCES + ", not '" + invocation.line().rest(1) + "'"));
    }
    return lifecycle(invocation, "scale", new JsonObject().put("instances", instances));
  }

  Future<ChatReply> fail(Invocation invocation) {
    String mode = invocation.line().arg(1);
    if (mode == null || !MODES.contains(mode.toLowerCase(Locale.ROOT))) {
      List<String> close = mode == null ? List.of() : Suggestions.closest(mode, MODES);
      return Future.succeededFuture(ChatReply.failed(ErrorCode.VALIDATION_FAILED, (mode == null ? "fail needs a mode" : "unknown mode '" + mode + "'")
        + ": error, latency or crash." + Suggestions.didYouMean(close) + " Usage: fail <service> <error|latency|crash> [seconds] --yes",
        new JsonObject().put("suggestions", new JsonArray(close))));
    }
    String seconds = invocation.line().arg(2);
    Integer duration = seconds == null ? Integer.valueOf(DEFAULT_FAIL_SECONDS) : ChatService.wholeNumber(seconds);
    if (duration == null || duration < 1 || duration > MAX_FAIL_SECONDS || invocation.line().args().size() > 3) {
      return Future.succeededFuture(ChatReply.failed(ErrorCode.VALIDATION_FAILED,
        "fail takes a whole number of seconds from 1 to " + MAX_FAIL_SECONDS + ", not '" + invocation.line().rest(2) + "'"));
    }
    JsonObject body = new JsonObject().put("mode", mode.toLowerCase(Locale.ROOT)).put("durationSeconds", duration);
    return guarded(invocation, "injectFailure", body);
  }

  Future<ChatReply> recover(Invocation invocation) {
    return requireService(invocation).compose(service -> platform.call(invocation, "node", "recoverFailure",
      new JsonObject().put("name", service), new JsonObject(), null)).map(OperationsCommands::answered);
  }

  Future<ChatReply> alerts(Invocation invocation) {
    return platform.call(invocation, "alerts", "list", new JsonObject(), new JsonObject(), null).map(answer -> {
      JsonArray items = ((JsonObject) answer).getJsonArray("items", new JsonArray());
      TextTable table = new TextTable().row("ID", "STATE", "SERVICE", "RULE", "SINCE");
      int shown = 0;
      for (int i = 0; i < items.size(); i++) {
        JsonObject alert = items.getJsonObject(i);
        // the page lists pending and firing alerts first; resolved ones are history, not news
        if (!"resolved".equals(alert.getString("state"))) {
          String state = alert.getString("state") + (alert.getValue("acknowledged") != null ? " (acked)" : "")
            + (alert.getValue("silencedBy") != null ? " (silenced)" : "") + (alert.getValue("inhibitedBy") != null ? " (inhibited)" : "");
          table.row(alert.getString("id"), state, alert.getString("service"), alert.getString("rule"), alert.getString("since"));
          shown++;
        }
      }
      return ChatReply.ok(shown == 0 ? "no pending or firing alerts" : table.toString(), answer);
    });
  }

  Future<ChatReply> ack(Invocation invocation) {
    String id = invocation.line().arg(0);
    if (id == null || invocation.line().args().size() > 1) {
      return Future.succeededFuture(ChatReply.failed(ErrorCode.VALIDATION_FAILED, "usage: ack <alert id>"));
    }
    return platform.call(invocation, "alerts", "ack", new JsonObject().put("id", id), new JsonObject(), new JsonObject())
      .map(answer -> {
        JsonObject alert = answer instanceof JsonObject json ? json : new JsonObject();
        JsonObject ack = alert.getJsonObject("acknowledged", new JsonObject());
        return ChatReply.ok("acknowledged: " + alert.getString("rule") + " on " + alert.getString("service") + " (" + alert.getString("state")
          + "), by " + ack.getString("by") + " at " + ack.getString("at"), answer);
      });
  }

  Future<ChatReply> silence(Invocation invocation) {
    String minutes = invocation.line().arg(1);
    Integer duration = ChatService.wholeNumber(minutes);
    if (duration == null || duration < 1 || duration > 7 * 24 * 60) {
      return Future.succeededFuture(ChatReply.failed(ErrorCode.VALIDATION_FAILED,
        "silence takes a whole number of minutes from 1 to " + 7 * 24 * 60 + ": silence <service> <minutes> [reason]"));
    }
    return requireService(invocation).compose(service -> platform.call(invocation, "alerts", "silence", new JsonObject(), new JsonObject(),
        new JsonObject().put("matchers", new JsonObject().put("service", service)).put("minutes", duration)
          .put("reason", invocation.line().rest(2).isBlank() ? null : invocation.line().rest(2))))
      .map(answer -> {
        JsonObject silence = answer instanceof JsonObject json ? json : new JsonObject();
        return ChatReply.ok("silenced " + silence.getJsonObject("matchers", new JsonObject()).getString("service") + " until "
          + silence.getString("endsAt") + " (silence " + silence.getString("id") + ")", answer);
      });
  }

  /** Node id → name from the agents (ids where they do not answer: names are a courtesy, not worth a failure). */
  private Future<Map<String, String>> nodeNames(Invocation invocation) {
    return platform.call(invocation, "node", "nodes", new JsonObject(), new JsonObject().put("size", 100), null).map(answer -> {
      Map<String, String> names = new HashMap<>();
      ((JsonObject) answer).getJsonArray("items", new JsonArray()).forEach(n -> names.put(((JsonObject) n).getString("id"),
        ((JsonObject) n).getString("name")));
      return names;
    }).otherwise(e -> Map.of());
  }

  // ---- shared steps ---------------------------------------------------------------------------------------------

  private Future<ChatReply> lifecycle(Invocation invocation, String action, Object body) {
    if (!"scale".equals(action) && invocation.line().args().size() > 2) {
      return Future.succeededFuture(ChatReply.failed(ErrorCode.VALIDATION_FAILED, "too many arguments; usage: " + action
        + " <service> [node]" + ("stop".equals(action) ? " --yes" : "")));
    }
    boolean confirms = !"start".equals(action);
    Future<ChatReply> reply = confirms ? guarded(invocation, action, body)
      : requireService(invocation).compose(service -> platform.call(invocation, "node", action, new JsonObject().put("name", service),
        new JsonObject(), body)).map(OperationsCommands::answered);
    return reply.recover(OperationsCommands::withNodeSuggestions);
  }

  /** An unknown node (the agents answer 404 naming the nodes): the closest names added. */
  private static Future<ChatReply> withNodeSuggestions(Throwable e) {
    if (e instanceof ServiceException known && known.code() == ErrorCode.NOT_FOUND && known.details() instanceof JsonObject details
      && details.getValue("nodes") instanceof JsonArray nodes && known.getMessage().contains("'")) {
      String typed = known.getMessage().split("'")[1];
      List<String> names = new ArrayList<>();
      nodes.forEach(n -> names.add(String.valueOf(n)));
      List<String> close = Suggestions.closest(typed, names);
      return Future.failedFuture(new ServiceException(ErrorCode.NOT_FOUND, known.getMessage() + "." + Suggestions.didYouMean(close),
        details.copy().put("suggestions", new JsonArray(close))));
    }
    return Future.failedFuture(e);
  }

  /** Without {@code --yes}: the action's dry run, and how to confirm it. With it: the action. */
  private Future<ChatReply> guarded(Invocation invocation, String action, Object body) {
    boolean confirmed = invocation.line().confirmed();
    JsonObject query = confirmed ? new JsonObject() : new JsonObject().put("dryRun", "true");
    return requireService(invocation).compose(service -> platform.call(invocation, "node", action, new JsonObject().put("name", service),
      query, body)).map(answer -> {
        if (confirmed) {
          return answered(answer);
        }
        JsonObject preview = answer instanceof JsonObject json ? json : new JsonObject();
        String confirm = invocation.line().text() + " --yes";
        return ChatReply.ok(preview.getString("text", "") + "\nNothing was changed. To do it: " + confirm,
          new JsonObject().put("preview", true).put("confirm", confirm).put("plan", preview));
      });
  }

  private static ChatReply answered(Object answer) {
    String text = answer instanceof JsonObject json ? json.getString("text", "done") : "done";
    return ChatReply.ok(text, answer);
  }

  private Future<String> requireService(Invocation invocation) {
    String service = invocation.line().arg(0);
    if (service == null) {
      return Future.failedFuture(new ServiceException(ErrorCode.VALIDATION_FAILED, invocation.line().name() + " needs a service: type 'help "
        + invocation.line().name() + "'"));
    }
    return knownService(service);
  }

  /** {@code name} when the platform knows a service of that name (any case); 404 with the closest names otherwise. */
  private Future<String> knownService(String name) {
    return platform.serviceNames().compose(names -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (names.contains(lower)) {
        return Future.succeededFuture(lower);
      }
      List<String> close = Suggestions.closest(name, names);
      return Future.failedFuture(new ServiceException(ErrorCode.NOT_FOUND, "no service is named '" + name + "'."
        + Suggestions.didYouMean(close) + " The services are " + names.stream().sorted().toList(),
        new JsonObject().put("suggestions", new JsonArray(close)).put("services", new JsonArray(names.stream().sorted().toList()))));
    });
  }

  private static JsonObject nodeBody(Invocation invocation) {
    String node = invocation.line().arg(1);
    return node == null ? null : new JsonObject().put("node", node);
  }

  private static String reasons(JsonArray reasons) {
    return reasons == null || reasons.isEmpty() ? "-" : join(reasons);
  }

  private static String join(JsonArray values) {
    if (values == null || values.isEmpty()) {
      return "-";
    }
    List<String> all = new ArrayList<>();
    values.forEach(v -> all.add(String.valueOf(v)));
    return String.join(", ", all);
  }

  private static String oneDecimal(Object value) {
    return value instanceof Number n ? String.format(Locale.ROOT, "%.1f", n.doubleValue()) : "-";
  }

  private static String percent(Object rate) {
    return rate instanceof Number n ? Math.round(n.doubleValue() * 1000) / 10.0 + " %" : "-";
  }
}
