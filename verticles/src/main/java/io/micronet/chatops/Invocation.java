package io.micronet.chatops;

import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.security.Caller;

/**
 * One command being run: who typed it (verified from {@code token}, which the platform's actions receive so that they
 * apply their own rules to that user), what was typed, and the request it came in (request id, the caller's time).
 */
record Invocation(Caller caller, String token, CommandLine line, ServiceRequest origin) {

  /** The name the activity feed and the history show for the caller. */
  String who() {
    return caller.username() != null ? caller.username() : caller.id();
  }
}
