package io.micronet.tools.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * Where a run of the CLI reads and writes: arguments aside, everything it touches of the world, so that a test runs
 * it with its own environment, stdin and captured output.
 *
 * @param env      the environment variables (MICRONET_URL, MICRONET_USER, …, NO_COLOR, XDG_CACHE_HOME, HOME)
 * @param terminal stdout is a terminal (colour) and a password may be asked for
 * @param prompt   asks for a password without echo; null when no terminal is attached
 */
public record Terminal(Map<String, String> env, InputStream stdin, PrintStream out, PrintStream err, boolean terminal,
                       PasswordPrompt prompt) {

  /** Reads a password without echoing it; null when the person gave none (end of input). */
  @FunctionalInterface
  public interface PasswordPrompt {
    char[] read(String prompt);
  }

  /** No terminal: nothing is asked, nothing is coloured (scripts, tests). */
  public static Terminal detached(Map<String, String> env, InputStream stdin, PrintStream out, PrintStream err) {
    return new Terminal(env, stdin, out, err, false, null);
  }

  /** This process's environment and standard streams; a terminal when the JVM has a console on one. */
  static Terminal system() {
    Console console = System.console();
    boolean terminal = isTerminal(console);
    return new Terminal(System.getenv(), System.in, System.out, System.err, terminal,
      terminal ? text -> console.readPassword("%s", text) : null);
  }

  /**
   * Java 17–21 give a console only when stdin and stdout are terminals; from Java 22 one is given regardless and
   * {@code Console.isTerminal()} tells (looked up by reflection: we compile for 17).
   */
  private static boolean isTerminal(Console console) {
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
