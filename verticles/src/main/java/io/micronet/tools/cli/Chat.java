package io.micronet.tools.cli;

import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code scripts/micronet chat}: ChatOps over the gateway's {@code /ws/chatops}, signed in like every other command.
 * With a command ({@code chat "status"}) it runs that one and exits 0 when the reply is ok; without one it is a prompt
 * on a terminal (line editing, history, Tab completion, "run it? [y/N]" for a command that asks for {@code --yes}),
 * or reads one command per line of a pipe and answers each, exiting with the first failure's code.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, abbreviateSynopsis = true, usageHelpAutoWidth = true,
  description = {"ChatOps in the terminal over the gateway's WebSocket /ws/chatops (any role; 'help' lists what yours may run).",
    "With COMMAND: runs it and exits (0 when its reply is ok). Without: a prompt with line editing, history "
      + "(~/.micronet/chat_history) and Tab completion; on a pipe, one command per line."},
  footer = {"", "Examples:  micronet chat \"status\"   micronet chat scale products 2 --yes   echo help | micronet chat"})
final class Chat implements Callable<Integer> {

  private static final Set<String> LEAVE = Set.of("exit", "quit", ":q", "/exit", "/quit");

  @ParentCommand
  ManagerCli root;

  @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "a ChatOps command, e.g. \"health products\"")
  List<String> words = new ArrayList<>();

  @Option(names = "--yes", description = "confirm the command (stop, scale and fail run only with it)")
  boolean yes;

  private ChatView view;
  private ChatClient client;
  private final ChatCompletion completion = new ChatCompletion();

  @Override
  public Integer call() {
    view = new ChatView(root.style());
    Session session = root.session();
    ChatClient opened = new ChatClient(root.gateway().base(), session, root.terminal().err(), ChatClient.REPLY_TIMEOUT);
    client = opened;
    try (opened) {
      if (!words.isEmpty()) {
        return once(command(words, yes));
      }
      client.connect();
      if (root.terminal().terminal()) {
        TokenCache.Entry who = session.who();
        try (ChatPrompt prompt = new ChatPrompt(jline(), ChatPrompt.historyFile(home()), completion, this::fetch)) {
          out().println(root.style().dim("connected to " + client.uri() + " as " + who.username() + " (" + who.role()
            + "); 'help' lists the commands, Tab completes, Ctrl-D or 'exit' leaves"));
          return loop(prompt, who.username() + "> ");
        } catch (IOException e) {
          throw new CliFailure(ExitCodes.PLATFORM_ERROR, "no terminal for the prompt (" + e.getMessage() + ")");
        }
      }
      try (ChatLines piped = new ChatLines.Piped(root.stdinLines())) {
        return loop(piped, "");
      }
    }
  }

  /** The words of the command line as one command; a word with spaces is quoted again, as the shell took its quotes. */
  static String command(List<String> words, boolean yes) {
    List<String> parts = new ArrayList<>();
    for (String word : words) {
      parts.add(words.size() > 1 && (word.isEmpty() || word.matches(".*[\\s\"'].*"))
        ? "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : word);
    }
    String command = String.join(" ", parts);
    return yes && !command.matches("(?s).*(^|\\s)--yes(\\s.*|$)") ? command + " --yes" : command;
  }

  private int once(String command) {
    ChatReply reply = client.ask(command);
    print(reply);
    if (root.terminal().terminal() && reply.confirmation(command) != null) {
      // asked on the terminal: one question, no history of its own
      try (ChatPrompt prompt = new ChatPrompt(jline(), null, completion, c -> { })) {
        reply = confirmed(prompt, command, reply);
      } catch (IOException e) {
        // no terminal after all: the reply stands
      }
    }
    return reply.exitCode();
  }

  /** Reads, runs and prints until the end of input or 'exit'; a pipe's result is its first failure's exit code. */
  int loop(ChatLines lines, String prompt) {
    int result = ExitCodes.OK;
    while (true) {
      String line = lines.read(prompt);
      if (line == null) {
        return lines.interactive() ? ExitCodes.OK : result;
      }
      String command = line.strip();
      if (command.isEmpty() || command.equals(ChatLines.CLEARED) || !lines.interactive() && command.startsWith("#")) {
        continue;
      }
      if (LEAVE.contains(command.toLowerCase(Locale.ROOT))) {
        return lines.interactive() ? ExitCodes.OK : result;
      }
      int code;
      try {
        ChatReply reply = client.ask(command);
        completion.learn(command, reply);
        print(reply);
        reply = confirmed(lines, command, reply);
        code = reply.exitCode();
      } catch (CliFailure failure) {
        root.terminal().err().println(root.style().status("FAILED", "micronet: " + failure.getMessage()));
        if (failure.exitCode() == ExitCodes.AUTH_FAILED) {
          return failure.exitCode();
        }
        code = failure.exitCode();
      }
      if (result == ExitCodes.OK) {
        result = code;
      }
    }
  }

  /** A reply asking for --yes, on a terminal: "run it? [y/N]", and on yes the command again with its --yes. */
  private ChatReply confirmed(ChatLines lines, String command, ChatReply reply) {
    String go = reply.confirmation(command);
    if (go == null || !lines.interactive() || !lines.confirm("run it? [y/N] ")) {
      return reply;
    }
    ChatReply done = client.ask(go);
    print(done);
    return done;
  }

  /** A reply wanted by Tab completion: learnt from, not printed; a failure leaves the completion as it was. */
  private void fetch(String command) {
    try {
      completion.learn(command, client.ask(command));
    } catch (CliFailure e) {
      // Tab offers what it knows
    }
  }

  /** A reply on stdout; a failure on stderr (as the other commands print theirs) unless --json asks for every reply raw. */
  private void print(ChatReply reply) {
    PrintStream to = reply.ok() || root.json() ? out() : root.terminal().err();
    to.print(root.json() ? reply.raw().strip() + "\n" : view.render(reply));
    to.flush();
  }

  /** The process's terminal; a run given other streams (a test) gets a terminal over those. */
  private org.jline.terminal.Terminal jline() throws IOException {
    Terminal given = root.terminal();
    if (given.stdin() == System.in && given.out() == System.out) {
      return TerminalBuilder.builder().system(true).build();
    }
    String type = given.env().getOrDefault("TERM", "dumb");
    return TerminalBuilder.builder().system(false).streams(given.stdin(), given.out()).type(type)
      .encoding(StandardCharsets.UTF_8).build();
  }

  private PrintStream out() {
    return root.terminal().out();
  }

  private Path home() {
    String home = root.terminal().env().get("HOME");
    return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
  }
}
