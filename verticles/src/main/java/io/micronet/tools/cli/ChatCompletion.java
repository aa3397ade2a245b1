package io.micronet.tools.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Tab offers at the ChatOps prompt, learnt from the replies: the command names from {@code help} (which lists
 * only what the caller may run, so a client is offered only its own), service names from {@code status},
 * {@code services} and {@code health}, node names from {@code nodes}. Pure: the prompt feeds it replies and asks it
 * for candidates.
 */
final class ChatCompletion {

  /** Every command CONTRACT.md names: a help reply without data is read for these words, never for others. */
  static final Set<String> CONTRACT_COMMANDS = Set.of("help", "whoami", "status", "services", "health", "metrics", "start",
    "stop", "scale", "fail", "recover", "broadcast", "history", "products", "orders", "nodes", "alerts", "ack", "silence");
  /** The prompt's own words, always offered. */
  static final Set<String> LOCAL_COMMANDS = Set.of("exit", "quit");

  private static final Set<String> TAKES_SERVICE = Set.of("health", "metrics", "start", "stop", "scale", "fail", "recover",
    "silence");
  private static final Set<String> CONFIRMED = Set.of("stop", "scale", "fail");
  private static final List<String> FAILURE_MODES = List.of("error", "latency", "crash");
  private static final Pattern HELP_LINE = Pattern.compile("^\\s*[-*•]?\\s*([a-z]+)\\b");

  private final Set<String> commands = new TreeSet<>();
  private final Set<String> services = new TreeSet<>();
  private final Set<String> nodes = new TreeSet<>();

  boolean knowsCommands() {
    return !commands.isEmpty();
  }

  boolean knowsServices() {
    return !services.isEmpty();
  }

  Set<String> commands() {
    return commands;
  }

  Set<String> services() {
    return services;
  }

  /** Takes what a reply to {@code sent} tells about commands, services and nodes. */
  void learn(String sent, ChatReply reply) {
    if (reply == null || !reply.ok() || sent == null) {
      return;
    }
    String[] words = sent.strip().split("\\s+");
    String command = words[0].toLowerCase(Locale.ROOT);
    if (command.equals("help") && words.length == 1) {
      TreeSet<String> found = new TreeSet<>();
      names(reply.data(), found, "commands");
      if (found.isEmpty()) {
        reply.text().lines().map(HELP_LINE::matcher).filter(Matcher::find).map(m -> m.group(1))
          .filter(CONTRACT_COMMANDS::contains).forEach(found::add);
      }
      if (!found.isEmpty()) {
        commands.clear();
        commands.addAll(found);
      }
    } else if (Set.of("status", "services", "health").contains(command) && words.length == 1) {
      names(reply.data(), services, "services");
    } else if (command.equals("nodes")) {
      names(reply.data(), nodes, "nodes");
    }
  }

  /** Names in a reply's data: an array of names or of records naming themselves, or an object keyed by name. */
  private static void names(Object data, Set<String> into, String listField) {
    names(data, into, listField, false);
  }

  private static void names(Object data, Set<String> into, String listField, boolean named) {
    if (data instanceof JsonObject object) {
      Object list = named ? null : object.getValue(listField);
      if (list == null && !named) {
        list = object.getValue("items");
      }
      if (list != null) {
        names(list, into, listField, true);
        return;
      }
      // an object keyed by name: {"products":{…},"users":{…}}, or under the list's name {"commands":{"status":"…"}}
      if (!object.isEmpty() && (named || object.stream().allMatch(e -> e.getValue() instanceof JsonObject))) {
        object.fieldNames().forEach(name -> add(name, into));
      }
    } else if (data instanceof JsonArray array) {
      for (Object item : array) {
        if (item instanceof String name) {
          add(name, into);
        } else if (item instanceof JsonObject record) {
          Object name = Cells.first(record, "name", "command", "service", "node", "id");
          if (name instanceof String text) {
            add(text, into);
          }
        }
      }
    }
  }

  /** The first word only ("scale <svc> <n>" names scale), and only a plain word: no markup reaches the prompt. */
  private static void add(String name, Set<String> into) {
    String word = name.strip().split("\\s+")[0];
    if (word.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      into.add(word);
    }
  }

  /**
   * The candidates for the word at {@code index} of {@code words} (the words before it typed in full): commands
   * first, then by the command's arguments; JLine filters them by what is typed of the word.
   */
  List<String> candidates(List<String> words, int index) {
    if (index == 0) {
      TreeSet<String> all = new TreeSet<>(commands);
      all.addAll(LOCAL_COMMANDS);
      return List.copyOf(all);
    }
    String command = words.get(0).toLowerCase(Locale.ROOT);
    String word = index < words.size() ? words.get(index) : "";
    if (word.startsWith("-")) {
      return CONFIRMED.contains(command) ? List.of("--yes") : List.of();
    }
    if (command.equals("help")) {
      return index == 1 ? List.copyOf(commands) : List.of();
    }
    if (TAKES_SERVICE.contains(command) && index == 1) {
      return List.copyOf(services);
    }
    if (command.equals("fail") && index == 2) {
      return FAILURE_MODES;
    }
    if ((command.equals("start") || command.equals("stop")) && index == 2) {
      return List.copyOf(nodes);
    }
    return CONFIRMED.contains(command) && index >= 2 ? List.of("--yes") : List.of();
  }

  /** Whether candidates for this position would be services: the prompt then asks for them once if it knows none. */
  static boolean wantsServices(List<String> words, int index) {
    return index == 1 && !words.isEmpty() && TAKES_SERVICE.contains(words.get(0).toLowerCase(Locale.ROOT));
  }

  /** For tests and messages: what is known. */
  Map<String, Set<String>> known() {
    return Map.of("commands", commands, "services", services, "nodes", nodes);
  }
}
