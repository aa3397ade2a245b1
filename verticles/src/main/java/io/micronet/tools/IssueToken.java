package io.micronet.tools;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Prints a signed token for an operator or a script, with the node's key (MICRONET_JWT_SECRET, or the
 * key kept in the data dir): {@code scripts/micronet token manager [subject] [seconds]}.
 */
public final class IssueToken {

  private IssueToken() {
  }

  public static void main(String[] args) {
    if (args.length < 1 || !(Caller.MANAGER.equals(args[0]) || Caller.CLIENT.equals(args[0]))) {
      System.err.println("usage: scripts/micronet token manager|client [subject] [seconds]");
      System.exit(2);
    }
    String role = args[0];
    String subject = args.length > 1 ? args[1] : "operator";
    long seconds = args.length > 2 ? Long.parseLong(args[2]) : 3600;
    Vertx vertx = Vertx.vertx();
    try {
      Tokens tokens = Tokens.load(vertx, MicronetConfig.load(new JsonObject())).await();
      System.out.println(tokens.issue(new Caller(subject, subject, role), seconds));
    } finally {
      vertx.close().await();
    }
  }
}
