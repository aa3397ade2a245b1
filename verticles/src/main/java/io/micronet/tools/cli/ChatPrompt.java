package io.micronet.tools.cli;

import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The interactive prompt on a terminal (JLine): line editing, a history kept in {@code ~/.micronet/chat_history}
 * (the last {@link #HISTORY_LINES} lines, the file 0600 in a 0700 directory; a line typed with a leading space is
 * not kept), Tab completion from {@link ChatCompletion}, Ctrl-C clearing the line and Ctrl-D leaving.
 */
final class ChatPrompt implements ChatLines {

  static final int HISTORY_LINES = 1000;

  private final Terminal terminal;
  private final LineReader reader;
  private final LineReader questions;

  /**
   * @param historyFile where the history is kept; null: nowhere (a one-shot command's confirmation)
   * @param fetch asked for a command's reply when Tab needs what nobody asked yet ({@code help}, {@code services}); it
   *              feeds {@code completion} itself and swallows failures
   */
  ChatPrompt(Terminal terminal, Path historyFile, ChatCompletion completion, Consumer<String> fetch) {
    this.terminal = terminal;
    LineReaderBuilder builder = LineReaderBuilder.builder();
    if (historyFile != null) {
      builder.variable(LineReader.HISTORY_FILE, historyFile);
    }
    this.reader = builder.terminal(terminal).appName("micronet")
      .completer(new Tab(completion, fetch))
      .variable(LineReader.HISTORY_SIZE, HISTORY_LINES)
      .variable(LineReader.HISTORY_FILE_SIZE, HISTORY_LINES)
      .option(LineReader.Option.HISTORY_IGNORE_SPACE, true)
      .option(LineReader.Option.HISTORY_IGNORE_DUPS, true)
      // "broadcast done!" is text, not a history event
      .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
      .option(LineReader.Option.CASE_INSENSITIVE, true)
      .build();
    this.questions = LineReaderBuilder.builder().terminal(terminal).appName("micronet")
      .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true).build();
  }

  /** {@code ~/.micronet/chat_history} under the given home, its directory made private; the file made 0600. */
  static Path historyFile(Path home) {
    Path dir = home.resolve(".micronet");
    Path file = dir.resolve("chat_history");
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    try {
      Files.createDirectories(home);
      try {
        Files.createDirectory(dir, posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------"))} : new FileAttribute<?>[0]);
      } catch (FileAlreadyExistsException e) {
        // kept as the user has it
      }
      if (!Files.exists(file)) {
        Files.createFile(file, posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------"))} : new FileAttribute<?>[0]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  @Override
  public String read(String prompt) {
    try {
      return reader.readLine(prompt);
    } catch (UserInterruptException e) {
      return CLEARED;
    } catch (EndOfFileException e) {
      return null;
    }
  }

  @Override
  public boolean confirm(String question) {
    try {
      String answer = questions.readLine(question);
      String a = answer == null ? "" : answer.strip().toLowerCase(Locale.ROOT);
      return a.equals("y") || a.equals("yes");
    } catch (UserInterruptException | EndOfFileException e) {
      return false;
    }
  }

  @Override
  public boolean interactive() {
    return true;
  }

  @Override
  public void close() {
    try {
      reader.getHistory().save();
    } catch (IOException e) {
      // the history is a convenience
    }
    try {
      terminal.close();
    } catch (IOException e) {
      // leaving anyway
    }
  }

  /** JLine's side of {@link ChatCompletion}; what it needs and nobody asked for yet, it fetches once. */
  private static final class Tab implements Completer {
    private final ChatCompletion completion;
    private final Consumer<String> fetch;
    private boolean askedHelp;
    private boolean askedServices;

    Tab(ChatCompletion completion, Consumer<String> fetch) {
      this.completion = completion;
      this.fetch = fetch;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
      List<String> words = line.words();
      int index = line.wordIndex();
      if (!completion.knowsCommands() && !askedHelp) {
        askedHelp = true;
        fetch.accept("help");
      }
      if (ChatCompletion.wantsServices(words, index) && !completion.knowsServices() && !askedServices) {
        askedServices = true;
        fetch.accept(completion.commands().contains("services") ? "services" : "status");
      }
      completion.candidates(words, index).forEach(word -> candidates.add(new Candidate(word)));
    }
  }
}
