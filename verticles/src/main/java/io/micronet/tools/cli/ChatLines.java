package io.micronet.tools.cli;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;

/**
 * Where the ChatOps prompt reads its commands: a terminal with line editing ({@link ChatPrompt}) or one command per
 * line of a pipe ({@link Piped}).
 */
interface ChatLines extends Closeable {

  /** Marks a line the person abandoned (Ctrl-C): the prompt asks again. */
  String CLEARED = "\u0000cleared";

  /** The next line; null at the end of input (Ctrl-D, end of the pipe); {@link #CLEARED} when the line was cleared. */
  String read(String prompt);

  /** Asks a yes/no question (kept out of the history); false unless the answer is y or yes. */
  boolean confirm(String question);

  /** Whether a person is there to be asked ({@link #confirm}) and shown a prompt. */
  boolean interactive();

  @Override
  default void close() {
  }

  /** A pipe: every line a command, nobody to ask (a command needing confirmation needs its --yes in the line). */
  final class Piped implements ChatLines {
    private final BufferedReader in;

    Piped(BufferedReader in) {
      this.in = in;
    }

    @Override
    public String read(String prompt) {
      try {
        return in.readLine();
      } catch (IOException e) {
        return null;
      }
    }

    @Override
    public boolean confirm(String question) {
      return false;
    }

    @Override
    public boolean interactive() {
      return false;
    }
  }
}
