package io.micronet.chatops;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One typed command, split the way a shell would: words separated by blanks, a quoted part ('…' or "…", with \" and
 * \\ inside double quotes) is one word, words starting with {@code --} are flags. The command name is case-insensitive.
 * Text that is empty, too long, or holds control characters (other than tab) is refused before anything runs.
 */
record CommandLine(String text, String name, List<String> args, Set<String> flags) {

  /** Parses {@code text}; 400 with a sentence for people when it cannot be a command. */
  static CommandLine parse(String text, int maxChars) {
    if (text == null || text.isBlank()) {
      throw refused("the command is empty: type 'help' to see the commands you may run");
    }
    if (text.length() > maxChars) {
      throw refused("the command is longer than " + maxChars + " characters");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (unprintable(c)) {
        throw refused("the command contains a control character (U+" + String.format("%04X", (int) c) + ")");
      }
    }
    List<String> words = new ArrayList<>();
    Set<String> flags = new LinkedHashSet<>();
    for (Word word : split(text)) {
      if (!word.quoted() && word.text().startsWith("--") && word.text().length() > 2) {
        flags.add(word.text().toLowerCase(Locale.ROOT));
      } else {
        words.add(word.text());
      }
    }
    if (words.isEmpty()) {
      throw refused("a command starts with its name: type 'help' to see the commands you may run");
    }
    return new CommandLine(text.strip(), words.get(0).toLowerCase(Locale.ROOT), List.copyOf(words.subList(1, words.size())), Set.copyOf(flags));
  }

  /**
   * {@code text} with every character a command may not hold shown as '?': a refused command is still kept (history,
   * activity), and an escape sequence or a NUL typed by one user must not reach another's terminal, nor the database.
   */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      out.append(unprintable(c) ? '?' : c);
    }
    return out.toString();
  }

  private static boolean unprintable(char c) {
    return Character.isISOControl(c) && c != '\t' || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT;
  }

  /** The argument at {@code index}, or null. */
  String arg(int index) {
    return index < args.size() ? args.get(index) : null;
  }

  /** The arguments from {@code index} on, joined by one space (free text such as a broadcast). */
  String rest(int index) {
    return index >= args.size() ? "" : String.join(" ", args.subList(index, args.size()));
  }

  boolean confirmed() {
    return flags.contains("--yes");
  }

  private record Word(String text, boolean quoted) {
  }

  private static List<Word> split(String text) {
    List<Word> words = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inWord = false;
    boolean quoted = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < text.length() && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
          current.append(text.charAt(++i));
        } else {
          current.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
        quoted = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(new Word(current.toString(), quoted));
          current.setLength(0);
          inWord = false;
          quoted = false;
        }
      } else {
        current.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw refused("a quote (" + quote + ") is not closed");
    }
    if (inWord) {
      words.add(new Word(current.toString(), quoted));
    }
    return words;
  }

  private static ServiceException refused(String message) {
    return new ServiceException(ErrorCode.BAD_REQUEST, message);
  }
}
