package io.micronet.chatops;

import io.micronet.shared.events.ActivityEvent;
import io.micronet.shared.events.Feeds;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.security.Caller;
import io.micronet.shared.storage.Page;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.micronet.shared.security.Access.ANY_ROLE;
import static io.micronet.shared.security.Access.MANAGER;
import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Runs one typed command for a verified caller: parse, find (with "did you mean"), check the caller's role now, run
 * it through the platform's own actions ({@link OperationsCommands}, {@link ShopCommands}), then store it in the
 * history and tell the activity feed — every command, also the refused ones. Also the commands that are ChatOps' own:
 * {@code help}, {@code whoami}, {@code history}, {@code broadcast}.
 */
final class ChatService {

  private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);
  static final int DEFAULT_HISTORY = 20;
  static final int MAX_HISTORY = 100;

  private final Platform platform;
  private final ChatHistory history;
  private final Clock clock;
  private final int maxCommandChars;
  private final int broadcastMaxChars;
  private final Map<String, Command> commands = new LinkedHashMap<>();

  ChatService(Platform platform, ChatHistory history, Clock clock, int maxCommandChars, int broadcastMaxChars) {
    this.platform = platform;
    this.history = history;
    this.clock = clock;
    this.maxCommandChars = maxCommandChars;
    this.broadcastMaxChars = broadcastMaxChars;
    OperationsCommands ops = new OperationsCommands(platform);
    ShopCommands shop = new ShopCommands(platform);
    add(new Command("help", ANY_ROLE, "help [command]", "the commands you may run, or how to use one", "help stop", false, this::help));
    add(new Command("whoami", ANY_ROLE, "whoami", "who you are signed in as, and your role", "whoami", false, this::whoami));
    add(new Command("status", ANY_ROLE, "status", "every service: UP, DEGRADED or DOWN, and its instances", "status", false, ops::status));
    add(new Command("products", ANY_ROLE, "products [query]", "the catalog, or the products matching a query", "products lamp", false, shop::products));
    add(new Command("orders", ANY_ROLE, "orders", "your orders (a manager: everyone's), newest first", "orders", false, shop::orders));
    add(new Command("history", ANY_ROLE, "history [n]", "the last n ChatOps commands (yours; a manager: everyone's)", "history 10", false, this::history));
    add(new Command("services", MANAGER, "services", "every instance: node, health, circuit breaker", "services", false, ops::services));
    add(new Command("health", MANAGER, "health [service]", "health with its reasons, of every service or one", "health orders", false, ops::health));
    add(new Command("metrics", MANAGER, "metrics [service]", "requests/s, error rate and latency percentiles", "metrics products", false, ops::metrics));
    add(new Command("nodes", MANAGER, "nodes", "every node: host, what it runs, the reconciler", "nodes", false, ops::nodes));
    add(new Command("start", MANAGER, "start <service> [node]", "one more instance (on that node)", "start products", false, ops::start));
    add(new Command("stop", MANAGER, "stop <service> [node] --yes", "one instance less (from that node)", "stop products --yes", true, ops::stop));
    add(new Command("scale", MANAGER, "scale <service> <n> --yes", "run n instances of the service", "scale products 3 --yes", true, ops::scale));
    add(new Command("fail", MANAGER, "fail <service> <error|latency|crash> [seconds] --yes",
      "inject a failure into every instance, ending by itself (default 30 s)", "fail products error 20 --yes", true, ops::fail));
    add(new Command("recover", MANAGER, "recover <service>", "end an injected failure now", "recover products", false, ops::recover));
    add(new Command("broadcast", MANAGER, "broadcast <text>", "a message to every dashboard", "broadcast \"deploy at 14:00\"", false, this::broadcast));
    add(new Command("alerts", MANAGER, "alerts", "firing and pending alerts", "alerts", false, ops::alerts));
    add(new Command("ack", MANAGER, "ack <alert id>", "acknowledge an alert: no more repeats", "ack 3f2a…", false, ops::ack));
    add(new Command("silence", MANAGER, "silence <service> <minutes> [reason]", "silence a service's alerts for a while",
      "silence orders 30 \"planned maintenance\"", false, ops::silence));
  }

  private void add(Command command) {
    commands.put(command.name(), command);
  }

  /** The commands {@code caller} may run, in the order {@code help} lists them. */
  List<Command> runnableBy(Caller caller) {
    return commands.values().stream().filter(c -> c.access().admits(caller)).toList();
  }

  /** Runs {@code text} for {@code caller} (verified from {@code token}); the reply is never a failed future. */
  Future<ChatReply> run(Caller caller, String token, String text, ServiceRequest origin) {
    CommandLine line;
    try {
      line = CommandLine.parse(text, maxCommandChars);
    } catch (ServiceException refused) {
      ChatReply reply = ChatReply.failed(refused);
      // an empty line is no command; anything else typed is kept, as typed (cut)
      return text == null || text.isBlank() ? Future.succeededFuture(reply)
        : remember(new Invocation(caller, token, null, origin), text, reply);
    }
    Invocation invocation = new Invocation(caller, token, line, origin);
    return dispatch(invocation).recover(e -> Future.succeededFuture(failure(e, invocation)))
      .compose(reply -> remember(invocation, line.text(), reply));
  }

  private Future<ChatReply> dispatch(Invocation invocation) {
    CommandLine line = invocation.line();
    Command command = commands.get(line.name());
    if (command == null) {
      List<String> close = Suggestions.closest(line.name(), runnableBy(invocation.caller()).stream().map(Command::name).toList());
      return Future.succeededFuture(ChatReply.failed(ErrorCode.BAD_REQUEST, "unknown command '" + line.name() + "'."
        + Suggestions.didYouMean(close) + " Type 'help' to see the commands you may run.", new JsonObject().put("suggestions", new JsonArray(close))));
    }
    if (!command.access().admits(invocation.caller())) {
      return Future.succeededFuture(ChatReply.failed(ErrorCode.FORBIDDEN, command.name() + " is for managers; type 'help' to see the commands you may run"));
    }
    Set<String> allowed = command.confirms() ? Set.of("--yes") : Set.of();
    List<String> unknown = line.flags().stream().filter(flag -> !allowed.contains(flag)).sorted().toList();
    if (!unknown.isEmpty()) {
      return Future.succeededFuture(ChatReply.failed(ErrorCode.BAD_REQUEST, "unknown option " + String.join(", ", unknown) + " for "
        + command.name() + (allowed.isEmpty() ? " (it takes none)" : " (it takes " + String.join(", ", allowed) + ")")
        + "; usage: " + command.usage()));
    }
    return command.run().apply(invocation);
  }

  private static ChatReply failure(Throwable e, Invocation invocation) {
    if (e instanceof ServiceException known) {
      return ChatReply.failed(known);
    }
    LOG.error("command failed", kv("command", invocation.line().name()), kv("requestId", invocation.origin().requestId()), e);
    return ChatReply.failed(ErrorCode.INTERNAL_ERROR, "the command failed unexpectedly; nothing more is known here (see the chatops log)");
  }

  /** History and activity for every command; the reply goes out even when the history cannot be written (logged). */
  private Future<ChatReply> remember(Invocation invocation, String text, ChatReply reply) {
    Instant now = clock.instant();
    // a refused command may hold control characters (that is why it was refused): kept, but never as they were typed
    String typed = CommandLine.printable(text);
    String service = invocation.line() == null ? null : serviceOf(invocation.line());
    platform.publish(Feeds.ACTIVITY, ActivityEvent.of(invocation.who(), ActivityEvent.Kind.CHATOPS, service, null, null,
      invocation.who() + " (" + invocation.caller().role() + ") ran \"" + typed + "\": " + (reply.ok() ? "ok" : "refused: " + reply.text())).toJson());
    return history.record(invocation, typed, reply, now)
      .onFailure(e -> LOG.warn("a ChatOps command was not stored in the history", kv("reason", String.valueOf(e.getMessage())),
        kv("requestId", invocation.origin().requestId())))
      .transform(ar -> Future.succeededFuture(reply));
  }

  /** The service a command acts on, for the activity feed (null for the others). */
  private String serviceOf(CommandLine line) {
    Command command = commands.get(line.name());
    return command != null && command.usage().contains("<service>") || "health".equals(line.name()) || "metrics".equals(line.name())
      ? line.arg(0) : null;
  }

  // ---- ChatOps' own commands ----------------------------------------------------------------------------------

  private Future<ChatReply> help(Invocation invocation) {
    List<Command> runnable = runnableBy(invocation.caller());
    String asked = invocation.line().arg(0);
    if (asked == null) {
      TextTable table = new TextTable();
      runnable.forEach(c -> table.row(c.usage(), c.summary()));
      JsonArray list = new JsonArray();
      runnable.forEach(c -> list.add(c.toJson()));
      return Future.succeededFuture(ChatReply.ok("Commands you may run (" + invocation.caller().role() + "):\n" + table
        + "\nType 'help <command>' for an example.", new JsonObject().put("commands", list)));
    }
    Command command = commands.get(asked.toLowerCase());
    if (command == null) {
      List<String> close = Suggestions.closest(asked, runnable.stream().map(Command::name).toList());
      return Future.succeededFuture(ChatReply.failed(ErrorCode.NOT_FOUND, "no command is named '" + asked + "'." + Suggestions.didYouMean(close),
        new JsonObject().put("suggestions", new JsonArray(close))));
    }
    if (!command.access().admits(invocation.caller())) {
      return Future.succeededFuture(ChatReply.failed(ErrorCode.FORBIDDEN, command.name() + " is for managers"));
    }
    String text = "usage: " + command.usage() + "\n" + command.summary() + "\nexample: " + command.example()
      + (command.confirms() ? "\nWithout --yes it only says what it would do." : "");
    return Future.succeededFuture(ChatReply.ok(text, command.toJson()));
  }

  private Future<ChatReply> whoami(Invocation invocation) {
    Caller caller = invocation.caller();
    return Future.succeededFuture(ChatReply.ok("you are " + invocation.who() + " (id " + caller.id() + "), role " + caller.role(),
      new JsonObject().put("id", caller.id()).put("username", caller.username()).put("role", caller.role())));
  }

  private Future<ChatReply> history(Invocation invocation) {
    String n = invocation.line().arg(0);
    int count = DEFAULT_HISTORY;
    if (n != null) {
      Integer parsed = wholeNumber(n);
      if (parsed == null || parsed < 1 || parsed > MAX_HISTORY) {
        return Future.succeededFuture(ChatReply.failed(ErrorCode.VALIDATION_FAILED,
          "history takes a whole number of commands from 1 to " + MAX_HISTORY + ", not '" + n + "'"));
      }
      count = parsed;
    }
    boolean everyone = invocation.caller().isManager();
    return history.list(everyone ? null : invocation.caller().id(), 0, count).map(page -> {
      TextTable table = new TextTable();
      List<JsonObject> oldestFirst = new ArrayList<>(page.items());
      Collections.reverse(oldestFirst);
      oldestFirst.forEach(e -> table.row(e.getString("time"), everyone ? e.getString("user") : null, e.getBoolean("ok") ? "ok" : "no",
        e.getString("command")));
      String text = table.isEmpty() ? "no commands yet" : (everyone ? "Everyone's" : "Your") + " last " + page.items().size()
        + " command(s):\n" + table;
      return ChatReply.ok(text, page.toJson(item -> item));
    });
  }

  private Future<ChatReply> broadcast(Invocation invocation) {
    String text = invocation.line().rest(0).strip();
    if (text.isEmpty()) {
      return Future.succeededFuture(ChatReply.failed(ErrorCode.VALIDATION_FAILED, "broadcast needs a text: broadcast <text>"));
    }
    if (text.length() > broadcastMaxChars) {
      return Future.succeededFuture(ChatReply.failed(ErrorCode.VALIDATION_FAILED,
        "a broadcast is at most " + broadcastMaxChars + " characters (this one has " + text.length() + ")"));
    }
    JsonObject event = new JsonObject().put("type", "broadcast").put("from", invocation.who()).put("role", invocation.caller().role())
      .put("text", text).put("time", clock.instant().toString());
    platform.publish(Feeds.BROADCAST, event);
    return Future.succeededFuture(ChatReply.ok("broadcast to every dashboard: " + text, event));
  }

  /** {@code history} over REST: a page (a client's own, a manager's everyone's). */
  Future<Page<JsonObject>> historyPage(Caller caller, int page, int size) {
    return history.list(caller.isManager() ? null : caller.id(), page, size);
  }

  static Integer wholeNumber(String text) {
    if (text == null || !text.matches("[0-9]{1,9}")) {
      return null;
    }
    return Integer.parseInt(text);
  }
}
