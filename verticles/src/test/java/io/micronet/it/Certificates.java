package io.micronet.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster's certificates, made as an operator makes them: {@code scripts/micronet certs …} of this checkout. */
final class Certificates {

  private Certificates() {
  }

  /** {@code scripts/micronet certs ca DIR} or {@code certs node DIR NAME [IP-or-DNS …]}. */
  static void make(Path dir, String kind, String... names) throws IOException, InterruptedException {
    // the checkout's root, from the built jar: <root>/verticles/target/micronet.jar
    Path root = Path.of(System.getProperty("micronet.jar")).toAbsolutePath().getParent().getParent().getParent();
    List<String> command = new ArrayList<>(List.of(root.resolve("scripts/micronet").toString(), "certs", kind, dir.toString()));
    command.addAll(List.of(names));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "scripts/micronet certs did not finish");
    assertEquals(0, process.exitValue(), () -> String.join(" ", command) + ":\n" + output);
  }
}
