package io.micronet.node;

import ch.qos.logback.core.PropertyDefinerBase;

import java.util.Locale;

/**
 * Which console format the logs take (logback.xml asks it once, at start): {@code MICRONET_LOG_FORMAT} when set
 * ({@code json} or {@code plain}), otherwise plain lines for a person at a terminal and one JSON object per line for
 * anything else (a file, a pipe, a log shipper).
 */
public class LogFormat extends PropertyDefinerBase {

  @Override
  public String getPropertyValue() {
    String given = System.getenv("MICRONET_LOG_FORMAT");
    if (given != null && !given.isBlank()) {
      String format = given.strip().toLowerCase(Locale.ROOT);
      if (format.equals("json") || format.equals("plain")) {
        return format;
      }
      addWarn("MICRONET_LOG_FORMAT must be json or plain, not '" + given + "': using json");
      return "json";
    }
    return System.console() != null ? "plain" : "json";
  }
}
