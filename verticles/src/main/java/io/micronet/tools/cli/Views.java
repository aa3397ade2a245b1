package io.micronet.tools.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What each command prints by default: the platform's JSON as aligned tables (pure functions of the reply, tested
 * without a network). {@code --json} bypasses all of this.
 */
final class Views {

  private final Style style;

  Views(Style style) {
    this.style = style;
  }

  /** {@code /status}: the platform's status, then one row per service. */
  String status(JsonObject status, String url) {
    Table table = new Table("SERVICE", "STATUS", "INSTANCES", "HEALTHY", "REASON")
      .alignRight("INSTANCES", "HEALTHY").statusColumns("STATUS").optional("HEALTHY", "REASON");
    for (Map.Entry<String, JsonObject> service : Shapes.named(status.getValue("services"), "name", "service")) {
      JsonObject s = service.getValue();
      table.row(service.getKey(), Cells.text(s.getValue("status")), Shapes.count(s.getValue("instances")),
        Shapes.count(s.getValue("healthy")), Shapes.reasons(s));
    }
    String overall = Cells.text(status.getValue("status"));
    String head = style.bold("platform") + " " + style.status(overall, overall) + style.dim("  " + url) + "\n"
      + partition(status.getValue("cluster"));
    return head + (table.isEmpty() ? "no services known\n" : "\n" + table.render(style));
  }

  /** While the answering side misses nodes lost without a heartbeat: which ones, since when, and what it sees. */
  private String partition(Object cluster) {
    if (!(cluster instanceof JsonObject c) || !Boolean.TRUE.equals(c.getValue("partitioned"))) {
      return "";
    }
    if (c.getValue("members") instanceof Number members && c.getValue("lost") instanceof Number lost) {
      // what anyone may read: counts (a manager's token shows the nodes: `micronet nodes`)
      return style.status("DOWN", "partitioned") + ": this side has " + members + " node" + (members.intValue() == 1 ? "" : "s")
        + ", lost " + lost + " since " + Cells.time(c.getValue("since")) + "\n";
    }
    List<String> lost = Shapes.items(c.getValue("lost")).stream()
      .map(n -> Cells.text(n.getValue("name") != null ? n.getValue("name") : n.getValue("host")) + " (" + Cells.text(n.getValue("host"))
        + ", since " + Cells.time(n.getValue("since")) + ")").toList();
    List<String> members = Shapes.items(c.getValue("members")).stream()
      .map(n -> Cells.text(n.getValue("name") != null ? n.getValue("name") : n.getValue("host"))).sorted().toList();
    return style.status("DOWN", "partitioned") + ": this side sees " + String.join(", ", members) + "; lost " + String.join(", ", lost) + "\n";
  }

  /** {@code /api/graph} as one row per service (status, instances, what it depends on, why), or one service in full. */
  String health(JsonObject graph, String only) {
    List<Map.Entry<String, JsonObject>> services = Shapes.named(Cells.first(graph, "services"), "name", "service", "id");
    List<JsonObject> instances = Shapes.items(graph, "instances");
    Map<String, Set<String>> dependsOn = new TreeMap<>();
    Map<String, Set<String>> neededBy = new TreeMap<>();
    for (JsonObject edge : Shapes.items(graph, "edges", "dependencies")) {
      String from = Cells.text(Cells.first(edge, "from", "source", "service"));
      String to = Cells.text(Cells.first(edge, "to", "target", "dependsOn", "dependency"));
      dependsOn.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
      neededBy.computeIfAbsent(to, k -> new TreeSet<>()).add(from);
    }
    for (Map.Entry<String, JsonObject> service : services) {
      if (service.getValue().getValue("dependencies") instanceof JsonArray deps) {
        for (Object dep : deps) {
          dependsOn.computeIfAbsent(service.getKey(), k -> new TreeSet<>()).add(Cells.text(dep));
          neededBy.computeIfAbsent(Cells.text(dep), k -> new TreeSet<>()).add(service.getKey());
        }
      }
    }
    if (only != null) {
      JsonObject service = services.stream().filter(e -> e.getKey().equals(only)).map(Map.Entry::getValue).findFirst()
        .orElseThrow(() -> new CliFailure(ExitCodes.PLATFORM_ERROR, "no service '" + only + "' in the health graph (known: "
          + String.join(", ", services.stream().map(Map.Entry::getKey).toList()) + ")"));
      return serviceHealth(only, service, instancesOf(only, instances), dependsOn.get(only), neededBy.get(only));
    }
    Table table = new Table("SERVICE", "STATUS", "INSTANCES", "DEPENDS ON", "REASON")
      .alignRight("INSTANCES").statusColumns("STATUS").optional("DEPENDS ON", "REASON");
    for (Map.Entry<String, JsonObject> service : services) {
      JsonObject s = service.getValue();
      Object count = s.getValue("instances") != null ? s.getValue("instances") : instancesOf(service.getKey(), instances).size();
      table.row(service.getKey(), Cells.text(s.getValue("status")), Shapes.count(count),
        String.join(", ", dependsOn.getOrDefault(service.getKey(), Set.of())), Shapes.reasons(s));
    }
    return table.isEmpty() ? "no services known\n" : table.render(style);
  }

  private String serviceHealth(String name, JsonObject service, List<JsonObject> instances, Set<String> dependsOn,
                               Set<String> neededBy) {
    String status = Cells.text(service.getValue("status"));
    StringBuilder out = new StringBuilder(style.bold(name)).append(' ').append(style.status(status, status)).append('\n');
    String reasons = Shapes.reasons(service);
    if (!reasons.isEmpty()) {
      out.append("because:    ").append(reasons).append('\n');
    }
    out.append("depends on: ").append(dependsOn == null ? Cells.NONE : String.join(", ", dependsOn)).append('\n');
    out.append("needed by:  ").append(neededBy == null ? Cells.NONE : String.join(", ", neededBy)).append('\n');
    if (!instances.isEmpty()) {
      Table table = new Table("INSTANCE", "NODE", "STATUS", "BREAKER", "REASON").statusColumns("STATUS", "BREAKER")
        .optional("BREAKER", "REASON");
      for (JsonObject instance : instances) {
        table.row(Cells.text(Cells.first(instance, "id", "instanceId", "instance")), Cells.text(instance.getValue("node")),
          Cells.text(Cells.first(instance, "status", "health")), Cells.text(Cells.first(instance, "breaker", "breakerState")),
          Shapes.reasons(instance));
      }
      out.append('\n').append(table.render(style));
    }
    return out.toString();
  }

  private static List<JsonObject> instancesOf(String service, List<JsonObject> instances) {
    return instances.stream().filter(i -> service.equals(i.getString("service"))).toList();
  }

  /** {@code /api/nodes}: one row per node. */
  String nodes(Object reply) {
    List<JsonObject> nodes = Shapes.items(reply, "nodes");
    // the long columns last: on a narrow terminal only they wrap
    Table table = new Table("NODE", "HOST", "ROLE", "RUNNING", "MAY RUN").optional("ROLE");
    for (JsonObject node : nodes) {
      table.row(Cells.text(Cells.first(node, "name", "node", "nodeName", "id")), Cells.text(Cells.first(node, "host", "address")),
        Boolean.TRUE.equals(node.getValue("reconciler")) ? "reconciler" : Cells.NONE,
        Cells.counts(Cells.first(node, "instances", "running")),
        Cells.text(Cells.first(node, "verticles", "mayRun", "allowed", "services")));
    }
    return table.isEmpty() ? "no nodes\n" : table.render(style);
  }

  /** {@code /api/services}: every instance, its node by name where {@code nodeNames} knows it. */
  String instances(Object reply, Map<String, String> nodeNames) {
    List<JsonObject> instances = Shapes.items(reply, "instances", "services");
    boolean http = instances.stream().anyMatch(i -> "http".equals(i.getString("kind")));
    Table table = new Table("SERVICE", "INSTANCE", "NODE", "HEALTH", "BREAKER", "ADDRESS", "REASON")
      .statusColumns("HEALTH", "BREAKER").optional("REASON");
    for (JsonObject i : instances) {
      Object node = i.getValue("node");
      table.row(Cells.text(i.getValue("service")), Cells.text(Cells.first(i, "id", "instanceId")),
        Cells.text(node instanceof String id ? nodeNames.getOrDefault(id, id) : node),
        Cells.text(Cells.first(i, "health", "status")), Cells.text(i.getValue("breaker")),
        "http".equals(i.getString("kind")) ? Cells.text(i.getValue("address")) : Cells.NONE,
        Cells.text(Cells.first(i, "healthReason", "reason")));
    }
    if (!http) {
      table.optional("ADDRESS");
    }
    return table.isEmpty() ? "no instances\n" : table.render(style);
  }

  /** {@code /api/activity}: newest first, and how to see more. */
  String activity(Object reply) {
    List<JsonObject> events = Shapes.items(reply, "events");
    Table table = new Table("TIME (UTC)", "KIND", "SERVICE", "INSTANCE", "ACTOR", "TEXT").optional("INSTANCE");
    for (JsonObject e : events) {
      table.row(Cells.time(e.getValue("time")), Cells.text(e.getValue("kind")), Cells.text(e.getValue("service")),
        Cells.text(e.getValue("instance")), Cells.text(e.getValue("actor")), Cells.text(e.getValue("text")));
    }
    StringBuilder out = new StringBuilder(table.isEmpty() ? "no activity\n" : table.render(style));
    if (reply instanceof JsonObject page && page.getValue("total") instanceof Number total) {
      int number = page.getInteger("page", 0);
      int size = page.getInteger("size", events.size());
      long shown = (long) number * size + events.size();
      out.append(style.dim(events.size() + " of " + total + " events, newest first"
        + (shown < total.longValue() ? "; older ones with --page " + (number + 1) : ""))).append('\n');
    }
    return out.toString();
  }

  /** {@code /api/metrics}: one row per service (all its instances) and per instance, wherever the reply holds them. */
  String metrics(Object reply, String only) {
    List<Sample> samples = new ArrayList<>();
    Samples.collect(reply, null, null, samples);
    samples.removeIf(s -> only != null && !only.equals(s.service()));
    samples.sort(Comparator.comparing(Sample::service).thenComparing(s -> s.instance() == null ? "" : s.instance())
      .thenComparing(s -> s.source() == null ? "service" : s.source(), Comparator.reverseOrder()));
    boolean sources = samples.stream().anyMatch(s -> s.source() != null);
    Table table = sources ? new Table("SERVICE", "INSTANCE", "MEASURED BY", "REQ/S", "ERRORS", "P50", "P95", "P99")
      : new Table("SERVICE", "INSTANCE", "REQ/S", "ERRORS", "P50", "P95", "P99");
    table.alignRight("REQ/S", "ERRORS", "P50", "P95", "P99");
    for (Sample s : samples) {
      JsonObject f = s.figures();
      List<String> cells = new ArrayList<>(List.of(s.service(), s.instance() == null ? "(all)" : s.instance()));
      if (sources) {
        cells.add(s.source() == null ? "service" : s.source());
      }
      cells.addAll(List.of(f.getValue("rps") instanceof Number rps ? Cells.number(rps, 1) : Cells.NONE,
        Cells.percent(Cells.first(f, "errorRate", "errorShare")), Cells.millis(f.getValue("p50")),
        Cells.millis(f.getValue("p95")), Cells.millis(f.getValue("p99"))));
      table.row(cells.toArray(String[]::new));
    }
    if (table.isEmpty()) {
      return only == null ? "no figures yet\n" : "no figures for " + only + "\n";
    }
    Object at = reply instanceof JsonObject o ? Cells.first(o, "time", "at", "timestamp") : null;
    return (at == null ? "" : style.dim("as of " + Cells.time(at) + " UTC") + "\n") + table.render(style);
  }

  /** A lifecycle or failure reply: its sentence first (if it has one), then its fields. */
  String outcome(Object reply) {
    if (!(reply instanceof JsonObject json)) {
      return reply instanceof JsonArray list ? Cells.text(list) + "\n" : "done\n";
    }
    StringBuilder out = new StringBuilder();
    Object sentence = Cells.first(json, "text", "message");
    if (sentence instanceof String text) {
      out.append(text).append('\n');
    }
    Map<String, String> fields = new LinkedHashMap<>();
    json.forEach(e -> {
      if (e.getValue() == sentence && sentence instanceof String) {
        return;
      }
      if (e.getValue() instanceof JsonArray list && !list.isEmpty() && list.getValue(0) instanceof JsonObject) {
        // steps and the like: their own sentences, unless the reply's sentence already says them
        List<String> texts = Shapes.objects(list).stream().map(o -> o.getValue("text") instanceof String t ? t : Cells.text(o))
          .filter(t -> !(sentence instanceof String said && said.contains(t))).toList();
        if (!texts.isEmpty()) {
          fields.put(e.getKey(), String.join("; ", texts));
        }
        return;
      }
      fields.put(e.getKey(), Cells.text(e.getValue()));
    });
    int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
    fields.forEach((k, v) -> out.append(style.dim(k + ":" + " ".repeat(width - k.length() + 1))).append(v).append('\n'));
    return out.length() == 0 ? "done\n" : out.toString();
  }

  /** One row of figures: whose they are and the figures themselves. */
  record Sample(String service, String instance, String source, JsonObject figures) {
  }

  /** Finds every record holding figures in a metrics reply, naming each by its fields or the keys above it. */
  static final class Samples {
    private static final Set<String> FIGURES = Set.of("rps", "p50", "p95", "p99", "errorRate");
    /** Keys naming who measured the figures below them (the metrics snapshot's {@code gateway:{…}}). */
    private static final Set<String> SOURCES = Set.of("gateway");
    private static final Set<String> STRUCTURE = Set.of("services", "instances", "items", "latest", "samples", "sources",
      "byService", "byInstance", "perService", "perInstance", "data");

    private Samples() {
    }

    static void collect(Object json, String service, String instance, List<Sample> out) {
      collect(json, service, instance, null, out);
    }

    private static void collect(Object json, String service, String instance, String source, List<Sample> out) {
      if (json instanceof JsonArray array) {
        array.forEach(item -> collect(item, service, instance, source, out));
        return;
      }
      if (!(json instanceof JsonObject object)) {
        return;
      }
      String ownService = object.getValue("service") instanceof String s ? s : service;
      boolean figures = object.fieldNames().stream().anyMatch(FIGURES::contains);
      String ownInstance = Cells.first(object, "instance", "instanceId") instanceof String i ? i
        : figures && object.getValue("service") instanceof String ? null : instance;
      String ownSource = object.getValue("source") instanceof String src ? src : source;
      if (figures && ownService != null) {
        out.add(new Sample(ownService, ownInstance, ownSource, object));
      }
      for (Map.Entry<String, Object> entry : object) {
        if (!(entry.getValue() instanceof JsonObject || entry.getValue() instanceof JsonArray)) {
          continue;
        }
        String key = entry.getKey();
        if (ownService != null && SOURCES.contains(key)) {
          collect(entry.getValue(), ownService, null, key, out);
        } else if (STRUCTURE.contains(key) || entry.getValue() instanceof JsonArray) {
          collect(entry.getValue(), ownService, ownInstance, ownSource, out);
        } else if (ownService == null) {
          collect(entry.getValue(), key, null, ownSource, out);
        } else {
          collect(entry.getValue(), ownService, key, ownSource, out);
        }
      }
    }
  }
}
