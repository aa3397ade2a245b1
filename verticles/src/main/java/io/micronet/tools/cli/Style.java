package io.micronet.tools.cli;

import java.util.Locale;
import java.util.Map;

/**
 * Colour for a terminal, none elsewhere: statuses green / yellow / red, headers bold. Off when stdout is not a
 * terminal, when {@code NO_COLOR} is set (no-color.org) or {@code TERM=dumb}.
 */
final class Style {

  static final Style PLAIN = new Style(false);
  static final Style ANSI = new Style(true);

  private static final String RESET = "\u001b[0m";
  private static final Map<String, String> STATUS_COLOURS = Map.of(
    "UP", "\u001b[32m", "CLOSED", "\u001b[32m", "OK", "\u001b[32m",
    "DEGRADED", "\u001b[33m", "HALF_OPEN", "\u001b[33m", "STARTING", "\u001b[33m",
    "DOWN", "\u001b[31m", "OPEN", "\u001b[31m", "FAILED", "\u001b[31m");

  private final boolean colour;

  private Style(boolean colour) {
    this.colour = colour;
  }

  static Style choose(boolean terminal, Map<String, String> env) {
    String noColor = env.get("NO_COLOR");
    boolean refused = noColor != null && !noColor.isEmpty() || "dumb".equals(env.get("TERM"));
    return terminal && !refused ? ANSI : PLAIN;
  }

  boolean colour() {
    return colour;
  }

  /** {@code text} (already padded) in the colour its status word asks for; {@code word} picks the colour. */
  String status(String word, String text) {
    String code = word == null ? null : STATUS_COLOURS.get(word.toUpperCase(Locale.ROOT));
    return colour && code != null ? code + text + RESET : text;
  }

  String bold(String text) {
    return colour ? "\u001b[1m" + text + RESET : text;
  }

  String dim(String text) {
    return colour ? "\u001b[2m" + text + RESET : text;
  }
}
