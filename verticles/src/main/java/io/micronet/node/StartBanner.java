package io.micronet.node;

import io.micronet.shared.config.MicronetConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The few lines a person sees when a node that serves the dashboard has started: where to open it, where the API
 * documentation is, how to sign in as {@code manager} (where its first password is), how to stop. Printed on standard
 * error, like the first password: standard output is the log stream a shipper collects.
 */
final class StartBanner {

  private StartBanner() {
  }

  /** The banner for a node with {@code config}; none (empty) when the node runs no gateway. */
  static List<String> lines(MicronetConfig config, boolean adminPasswordFromEnvironment) {
    if (!config.verticles().contains("gateway")) {
      return List.of();
    }
    String host = config.httpHost();
    String shown = host == null || host.isBlank() || "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host;
    String base = (config.httpTls() != null ? "https" : "http") + "://" + shown + ":" + config.httpPort();
    List<String> lines = new ArrayList<>();
    String rule = "-".repeat(72);
    lines.add(rule);
    lines.add("  MicroNet is running (node " + config.nodeName() + ")");
    lines.add("    dashboard   " + base + "/");
    lines.add("    API docs    " + base + "/docs");
    lines.add("    sign in     as manager, with " + (adminPasswordFromEnvironment
      ? "the password in MICRONET_ADMIN_PASSWORD"
      : "the password printed once when " + config.dataDir() + " was first used (README \"The first manager account\")"));
    lines.add("    chat        scripts/micronet chat --url " + base);
    lines.add("    stop        Ctrl-C (or SIGTERM): finishes the requests under way, then exits");
    lines.add(rule);
    return lines;
  }
}
