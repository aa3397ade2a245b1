package io.micronet.tools.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The manager commands, one small class each: which REST call, and which view prints its reply. The REST paths are
 * CONTRACT.md's; every one but {@code status} needs a manager.
 */
final class Commands {

  /** Pages of {@code /api/services} are read this large (the contract's maximum) until every instance is in. */
  static final int PAGE_SIZE = 100;
  /** ... and no more than this many pages, should a listing never end. */
  static final int MAX_PAGES = 100;

  private Commands() {
  }

  /** What every command shares: the root's options and the way a reply is printed. */
  abstract static class Base implements Callable<Integer> {
    @ParentCommand
    ManagerCli root;

    Views views() {
      return new Views(root.style());
    }

    Reply get(String pathAndQuery) {
      return root.session().call("GET", pathAndQuery, null);
    }

    /**
     * A successful reply on stdout: raw with --json, else through its view. An error reply is a {@link CliFailure}
     * (stderr and an exit code, with --json too: stdout only ever holds a successful reply).
     */
    int print(Reply reply, Function<Object, String> view) {
      if (!reply.ok()) {
        throw PlatformErrors.of(reply);
      }
      Object json = reply.json();
      root.terminal().out().print(root.json() ? reply.text().strip() + "\n" : view.apply(json));
      root.terminal().out().flush();
      return ExitCodes.OK;
    }

    static String service(String name) {
      return "/api/services/" + encode(name);
    }

    static String encode(String text) {
      return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, abbreviateSynopsis = true, usageHelpAutoWidth = true,
    description = "Every service: UP / DEGRADED / DOWN and its instances (GET /status; no sign-in needed).")
  static final class Status extends Base {
    @Override
    public Integer call() {
      Reply reply = root.gateway().send("GET", "/status", null, null);
      return print(reply, json -> views().status(reply.object(), root.gateway().base()));
    }
  }

  @Command(name = "nodes", mixinStandardHelpOptions = true, abbreviateSynopsis = true, usageHelpAutoWidth = true,
    description = "Every node: its host, the verticles it may run, the instances running on it (GET /api/nodes).")
  static final class Nodes extends Base {
    @Override
    public Integer call() {
      return print(get("/api/nodes?size=" + PAGE_SIZE), json -> views().nodes(json));
    }
  }

  @Command(name = "health", mixinStandardHelpOptions = true, abbreviateSynopsis = true, usageHelpAutoWidth = true,
    description = {"Each service's health, with reasons and dependencies (GET /api/graph: the health monitor's view).",
      "With SERVICE, its instances too. Without a monitor, the gateway's own view (GET /status)."})
  static final class Health extends Base {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE", description = "one service in detail")
    String service;

    @Override
    public Integer call() {
      Reply reply = get("/api/graph");
      if (PlatformErrors.isMissingRoute(reply) || reply.status() == 503) {
        root.terminal().err().println("micronet: no health monitor answers (" + reply.error().getString("message", "HTTP "
          + reply.status()) + "); showing the gateway's own view");
        reply = root.gateway().send("GET", "/status", null, null);
      }
      return print(reply, json -> views().health((JsonObject) json, service));
    }
  }

  @Command(name = "metrics", mixinStandardHelpOptions = true, abbreviateSynopsis = true, usageHelpAutoWidth = true,
    description = "Requests/s, error rate and latency p50/p95/p99 per service and instance (GET /api/metrics).")
  static final class Metrics extends Base {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE", description = "only this service")
    String service;

    @Override
    public Integer call() {
      String query = service == null ? "" : "?service=" + encode(service);
      return print(get("/api/metrics" + query), json -> views().metrics(json, service));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, abbreviateSynopsis = true, usageHelpAutoWidth = true,
    description = "Every instance: service, id, node, health, breaker (GET /api/services, all pages).")
  static final class ListInstances extends Base {
    @Override
    public Integer call() {
      Reply first = get("/api/services?page=0&size=" + PAGE_SIZE);
      if (!first.ok() || !(first.json() instanceof JsonObject page) || !(page.getValue("total") instanceof Number total)) {
        return print(first, json -> views().instances(json, Map.of()));
      }
      JsonArray items = page.getJsonArray("items", new JsonArray()).copy();
      for (int n = 1; n < MAX_PAGES && items.size() < total.longValue(); n++) {
        Reply next = get("/api/services?page=" + n + "&size=" + PAGE_SIZE);
        if (!next.ok()) {
          return print(next, json -> "");
        }
        JsonArray more = next.object().getJsonArray("items", new JsonArray());
        if (more.isEmpty()) {
          break;
        }
        items.addAll(more);
      }
      JsonObject all = new JsonObject().put("items", items).put("page", 0).put("size", items.size()).put("total", total);
      Reply merged = new Reply(first.method(), first.url(), first.status(), first.contentType(), all.encode(), first.requestId());
      return print(merged, json -> views().instances(json, nodeNames()));
    }

    /** Node id → node name, for a table people read (best effort: the ids stay where the names cannot be had). */
    private Map<String, String> nodeNames() {
      Reply nodes = get("/api/nodes?page=0&size=" + PAGE_SIZE);
      Map<String, String> names = new HashMap<>();
      if (nodes.ok() && nodes.json() instanceof JsonObject page) {
        page.getJsonArray("items", new JsonArray()).stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast)
          .filter(node -> node.getValue("id") instanceof String && node.getValue("name") instanceof String)
          .forEach(node -> names.put(node.getString("id"), node.getString("name")));
      }
      return names;
    }
  }

  /** start / stop: the desired count of a service, optionally on one node. */
  abstract static class Lifecycle extends Base {
    @Parameters(index = "0", paramLabel = "SERVICE", description = "the service's name (as in 'status')")
    String service;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NODE", description = "on this node (default: wherever the platform places it)")
    String node;

    Integer post(String action) {
      JsonObject body = node == null ? new JsonObject() : new JsonObject().put("node", node);
      return print(root.session().call("POST", service(service) + "/" + action, body), json -> views().outcome(json));
    }
  }

  @Command(name = "start", mixinStandardHelpOptions = true, abbreviateSynopsis = true, usageHelpAutoWidth = true,
    description = "Start an instance of a service (POST /api/services/{name}/start).")
  static final class Start extends Lifecycle {
    @Override
    public Integer call() {
      return post("start");
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true, abbreviateSynopsis = true, usageHelpAutoWidth = true,
    description = "Stop an instance of a service (POST /api/services/{name}/stop); the last one too, if asked.")
  static final class Stop extends Lifecycle {
    @Override
    public Integer call() {
      return post("stop");
    }
  }

  @Command(name = "scale", mixinStandardHelpOptions = true, abbreviateSynopsis = true, usageHelpAutoWidth = true,
    description = "Run this many instances of a service across the nodes allowed to (POST /api/services/{name}/scale).")
  static final class Scale extends Base {
    @Parameters(index = "0", paramLabel = "SERVICE", description = "the service's name (as in 'status')")
    String service;

    @Parameters(index = "1", paramLabel = "N", description = "the instance count wanted (0 stops them all)")
    int instances;

    @Override
    public Integer call() {
      JsonObject body = new JsonObject().put("instances", instances);
      return print(root.session().call("POST", service(service) + "/scale", body), json -> views().outcome(json));
    }
  }

  /** The failure modes of CONTRACT.md, in lower case as the user types them and the API spells them. */
  @SuppressWarnings("checkstyle:ConstantName")
  enum Mode { error, latency, crash }

  @Command(name = "fail", mixinStandardHelpOptions = true, abbreviateSynopsis = true, usageHelpAutoWidth = true,
    description = {"Inject a failure into a service for SECONDS (POST /api/services/{name}/failures).",
      "error: a share of requests fail with 500; latency: added delay; crash: the instances stop answering."})
  static final class Fail extends Base {
    @Parameters(index = "0", paramLabel = "SERVICE", description = "the service's name (as in 'status')")
    String service;

    @Parameters(index = "1", paramLabel = "MODE", description = "${COMPLETION-CANDIDATES}")
    Mode mode;

    @Parameters(index = "2", paramLabel = "SECONDS", description = "how long; it ends by itself")
    int seconds;

    @Option(names = "--rate", paramLabel = "R", description = "error: the share of requests that fail, 0-1 (default 1)")
    Double rate;

    @Option(names = "--latency", paramLabel = "MS", converter = LatencyConverter.class,
      description = "latency: the added delay in ms, or a range MIN-MAX (default 500)")
    Object latency;

    @Option(names = "--instance", paramLabel = "ID", description = "only this instance (default: all; ids from 'list')")
    String instance;

    @Override
    public Integer call() {
      JsonObject body = new JsonObject().put("mode", mode.name()).put("durationSeconds", seconds);
      if (rate != null) {
        body.put("rate", rate);
      }
      if (latency != null) {
        body.put("latencyMs", latency);
      }
      if (instance != null) {
        body.put("instanceId", instance);
      }
      return print(root.session().call("POST", service(service) + "/failures", body), json -> views().outcome(json));
    }
  }

  /** {@code 300} → 300; {@code 100-300} → {@code {"min":100,"max":300}}. */
  static final class LatencyConverter implements CommandLine.ITypeConverter<Object> {
    @Override
    public Object convert(String value) {
      String[] parts = value.strip().split("-", -1);
      try {
        if (parts.length == 1) {
          return Long.parseLong(parts[0].strip());
        }
        if (parts.length == 2) {
          return new JsonObject().put("min", Long.parseLong(parts[0].strip())).put("max", Long.parseLong(parts[1].strip()));
        }
      } catch (NumberFormatException e) {
        // below
      }
      throw new CommandLine.TypeConversionException("'" + value + "' is not milliseconds (e.g. 300) or a range (e.g. 100-300)");
    }
  }

  @Command(name = "recover", mixinStandardHelpOptions = true, abbreviateSynopsis = true, usageHelpAutoWidth = true,
    description = "End a service's injected failures now (DELETE /api/services/{name}/failures).")
  static final class Recover extends Base {
    @Parameters(index = "0", paramLabel = "SERVICE", description = "the service's name (as in 'status')")
    String service;

    @Override
    public Integer call() {
      return print(root.session().call("DELETE", service(service) + "/failures", null), json -> views().outcome(json));
    }
  }

  @Command(name = "activity", mixinStandardHelpOptions = true, abbreviateSynopsis = true, usageHelpAutoWidth = true,
    description = "The activity feed, newest first: lifecycle, health, breaker, failure, scale, cluster events (GET /api/activity).")
  static final class Activity extends Base {
    @Option(names = "--kind", paramLabel = "KIND", description = "lifecycle, health, breaker, failure, scale, chatops, alert, cluster")
    String kind;

    @Option(names = "--service", paramLabel = "SERVICE", description = "only events of this service")
    String service;

    @Option(names = "--size", paramLabel = "N", defaultValue = "20", description = "events per page, at most 100 (default 20)")
    int size;

    @Option(names = "--page", paramLabel = "P", defaultValue = "0", description = "the page, from 0 (default 0)")
    int page;

    @Override
    public Integer call() {
      List<String> query = new ArrayList<>();
      if (kind != null) {
        query.add("kind=" + encode(kind));
      }
      if (service != null) {
        query.add("service=" + encode(service));
      }
      query.add("page=" + page);
      query.add("size=" + size);
      return print(get("/api/activity?" + String.join("&", query)), json -> views().activity(json));
    }
  }
}
