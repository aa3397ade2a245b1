package io.micronet.tools.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code scripts/micronet status | nodes | health | metrics | list | start | stop | scale | fail | recover | activity}:
 * the manager's command line over the gateway's REST API (CONTRACT.md "Operations"). Options and subcommands are
 * picocli's; every command prints a table (or the raw JSON with {@code --json}) and exits with one of
 * {@link ExitCodes}. {@link #run} is the whole program for a given {@link Terminal}, so tests run it in-process.
 */
@Command(name = "micronet", mixinStandardHelpOptions = true, versionProvider = ManagerCli.Version.class,
  subcommands = {Commands.Status.class, Commands.Nodes.class, Commands.Health.class, Commands.Metrics.class,
    Commands.ListInstances.class, Commands.Start.class, Commands.Stop.class, Commands.Scale.class, Commands.Fail.class,
    Commands.Recover.class, Commands.Activity.class, Chat.class},
  synopsisSubcommandLabel = "COMMAND", abbreviateSynopsis = true,
  description = "Operate a running MicroNet through its gateway's REST API.%n"
    + "(scripts/micronet start | node | build | token | certs run the platform itself.)",
  footerHeading = "%n",
  usageHelpAutoWidth = true,
  footer = {
    "Signing in: --token or MICRONET_TOKEN; else --user or MICRONET_USER (default: manager) with a password from "
      + "--password-stdin, MICRONET_PASSWORD or a prompt. Tokens are kept for their lifetime in "
      + "$XDG_CACHE_HOME/micronet (else ~/.cache/micronet), one file per URL and user, mode 0600. "
      + "'status' needs no sign-in.",
    "",
    "Exit codes: 0 ok; 1 the platform answered an error; 2 usage error; 3 no platform at the URL; "
      + "4 authentication failed; 5 forbidden (the role may not).",
    "",
    "'micronet COMMAND --help' describes a command."})
public final class ManagerCli implements Callable<Integer> {

  static final String DEFAULT_USER = "manager";

  @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
    description = "the gateway's URL (default: $MICRONET_URL, else localhost on port $MICRONET_HTTP_PORT or 8000)")
  String url;

  @Option(names = {"-u", "--user"}, scope = ScopeType.INHERIT, paramLabel = "NAME",
    description = "sign in as this user (default: $MICRONET_USER, else manager)")
  String user;

  @Option(names = "--password-stdin", scope = ScopeType.INHERIT,
    description = "read the password from the first line of stdin (else $MICRONET_PASSWORD, else a prompt)")
  boolean passwordStdin;

  @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "JWT",
    description = "use this token instead of signing in (default: $MICRONET_TOKEN; prefer the variable: "
      + "arguments show in ps)")
  String token;

  @Option(names = "--json", scope = ScopeType.INHERIT, description = "print the platform's JSON reply as it is, for scripts")
  boolean json;

  @Spec
  CommandSpec spec;

  private final Terminal terminal;
  private Gateway gateway;
  private Session session;
  private BufferedReader stdinLines;
  private String stdinPassword;

  ManagerCli(Terminal terminal) {
    this.terminal = terminal;
  }

  public static void main(String[] args) {
    System.exit(run(args, Terminal.system()));
  }

  /** The whole program: parses {@code args}, runs the command, prints, and returns the exit code. */
  public static int run(String[] args, Terminal terminal) {
    ManagerCli cli = new ManagerCli(terminal);
    Style style = cli.style();
    CommandLine commandLine = new CommandLine(cli)
      .setOut(new PrintWriter(terminal.out(), true, StandardCharsets.UTF_8))
      .setErr(new PrintWriter(terminal.err(), true, StandardCharsets.UTF_8))
      .setColorScheme(CommandLine.Help.defaultColorScheme(style.colour() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF))
      .setCaseInsensitiveEnumValuesAllowed(true)
      .setParameterExceptionHandler(ManagerCli::usageError)
      .setExecutionExceptionHandler((e, cmd, parsed) -> {
        String message = e instanceof CliFailure ? e.getMessage() : "unexpected error: " + e;
        terminal.err().println("micronet: " + message);
        return e instanceof CliFailure failure ? failure.exitCode() : ExitCodes.PLATFORM_ERROR;
      });
    // a ChatOps command's own flags (fail … --rate 0.5) are the server's to judge, not picocli's
    commandLine.getSubcommands().get("chat").setUnmatchedOptionsArePositionalParams(true);
    return commandLine.execute(args);
  }

  /** A usage error: what is wrong, the command's synopsis, where to read more; not the whole help (exit 2). */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    boolean unknownCommand = e instanceof CommandLine.UnmatchedArgumentException unmatched && command.getParent() == null
      && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-");
    err.println("micronet: " + (unknownCommand
      ? "unknown command '" + ((CommandLine.UnmatchedArgumentException) e).getUnmatched().get(0) + "'" : e.getMessage()));
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.print("usage: " + command.getHelp().synopsis(0));
    err.println("'" + command.getCommandSpec().qualifiedName() + " --help' says more.");
    err.flush();
    return ExitCodes.USAGE;
  }

  /** No command given: the usage, as for any other usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  Terminal terminal() {
    return terminal;
  }

  /** Lines of stdin, one reader for all: the password of --password-stdin first, then (chat) the commands. */
  BufferedReader stdinLines() {
    if (stdinLines == null) {
      stdinLines = new BufferedReader(new InputStreamReader(terminal.stdin(), StandardCharsets.UTF_8));
    }
    return stdinLines;
  }

  boolean json() {
    return json;
  }

  Style style() {
    return Style.choose(terminal.terminal(), terminal.env());
  }

  Gateway gateway() {
    if (gateway == null) {
      String given = url != null ? url : terminal.env().get("MICRONET_URL");
      if (given == null || given.isBlank()) {
        String port = terminal.env().getOrDefault("MICRONET_HTTP_PORT", "8000").strip();
        given = "http://localhost:" + (port.matches("\\d{1,5}") ? port : "8000");
      }
      try {
        gateway = new Gateway(Gateway.baseUrl(given));
      } catch (CliFailure e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    return gateway;
  }

  /** The signed-in caller's calls, credentials resolved from flags first, then the environment. */
  Session session() {
    if (session == null) {
      if (token != null && (user != null || passwordStdin)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--token signs in by itself: drop --user / --password-stdin");
      }
      String envToken = terminal.env().get("MICRONET_TOKEN");
      String givenUser = user != null ? user : terminal.env().get("MICRONET_USER");
      boolean tokenFromEnv = token == null && user == null && !passwordStdin && envToken != null && !envToken.isBlank();
      String chosenUser = givenUser == null || givenUser.isBlank() ? DEFAULT_USER : givenUser.strip();
      Credentials credentials = token != null ? new Credentials(token.strip(), "--token", chosenUser, null)
        : tokenFromEnv ? new Credentials(envToken.strip(), "MICRONET_TOKEN", chosenUser, null)
        : new Credentials(null, null, chosenUser, password(chosenUser));
      session = new Session(gateway(), credentials, new TokenCache(TokenCache.dirFrom(terminal.env()), Clock.systemUTC()),
        terminal.err());
    }
    return session;
  }

  private Supplier<String> password(String forUser) {
    return () -> {
      if (passwordStdin) {
        if (stdinPassword != null) {
          // stdin is read once: a second login (chat's session expired) uses what it said
          return stdinPassword;
        }
        try {
          String line = stdinLines().readLine();
          if (line == null || line.isEmpty()) {
            throw new CliFailure(ExitCodes.AUTH_FAILED, "--password-stdin: no password on stdin");
          }
          stdinPassword = line;
          return line;
        } catch (IOException e) {
          throw new CliFailure(ExitCodes.AUTH_FAILED, "--password-stdin: cannot read stdin (" + e.getMessage() + ")");
        }
      }
      String fromEnv = terminal.env().get("MICRONET_PASSWORD");
      if (fromEnv != null && !fromEnv.isEmpty()) {
        return fromEnv;
      }
      if (terminal.prompt() != null) {
        char[] typed = terminal.prompt().read("Password for " + forUser + " at " + gateway().base() + ": ");
        return typed == null || typed.length == 0 ? null : new String(typed);
      }
      return null;
    };
  }

  /** The jar's version (from its manifest when there is one). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ManagerCli.class.getPackage().getImplementationVersion();
      return new String[] {"micronet CLI " + (version == null ? "(development build)" : version)};
    }
  }
}
