package io.micronet.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The times a multi-JVM test measures: printed as they come ({@code [tag] what: N ms}) and written, in order, to
 * {@code timings.txt} in the test's work dir at the end. Reported, never asserted: the machine is shared and noisy.
 */
final class Timings {

  private final String tag;
  private final Map<String, Duration> measured = new LinkedHashMap<>();

  Timings(String tag) {
    this.tag = tag;
  }

  void measure(String what, Duration took) {
    measured.put(what, took);
    System.out.printf("[%s] %s: %d ms%n", tag, what, took.toMillis());
  }

  /** Prints them all again and writes {@code dir/timings.txt} (nothing when nothing was measured). */
  void writeTo(Path dir) throws IOException {
    if (measured.isEmpty()) {
      return;
    }
    String report = measured.entrySet().stream()
      .map(e -> String.format("%-72s %6d ms", e.getKey(), e.getValue().toMillis()))
      .collect(Collectors.joining("\n"));
    System.out.println("[" + tag + "] measured times:\n" + report);
    Files.writeString(dir.resolve("timings.txt"), report + "\n");
  }
}
