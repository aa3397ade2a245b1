package io.micronet.chatops;

import io.micronet.shared.security.Access;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;

/**
 * A ChatOps command: its name, who may run it (checked against the verified caller each time it runs), how to write
 * it, and what runs it. {@code confirms}: without {@code --yes} it only says what it would do.
 */
record Command(String name, Access access, String usage, String summary, String example, boolean confirms,
               Function<Invocation, Future<ChatReply>> run) {

  JsonObject toJson() {
    return new JsonObject().put("name", name).put("usage", usage).put("summary", summary).put("example", example)
      .put("role", access == Access.MANAGER ? "manager" : "any").put("confirms", confirms);
  }
}
