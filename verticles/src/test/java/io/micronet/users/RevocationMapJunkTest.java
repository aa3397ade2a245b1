package io.micronet.users;

import io.micronet.shared.security.Revocations;
import io.micronet.shared.security.Tokens;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whoever reaches Hazelcast's member port can put a value of another type (an Integer) under any key of
 * {@code micronet.token-revocations}: it is ignored, and every signed revocation is still read by a node that starts
 * later; nor does junk under a user's own key stop that user's revocation.
 */
@ExtendWith(VertxExtension.class)
class RevocationMapJunkTest {

  @Test
  void junkInTheMapBlindsNoNode(Vertx vertx) {
    Tokens tokens = Tokens.withSecret(vertx, "a-test-secret-of-more-than-thirty-two-characters");
    Revocations users = new Revocations(vertx, tokens, 900_000);
    users.start(3_600_000).await();
    List<String> deleted = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String id = UUID.randomUUID().toString();
      deleted.add(id);
      users.revoke(id, Revocations.DELETED).await();
    }
    vertx.sharedData().<String, Object>getAsyncMap(Revocations.MAP).compose(map -> map.put("junk", 42)).await();

    Revocations later = new Revocations(vertx, tokens, 900_000);
    later.start(3_600_000).await();
    long known = deleted.stream().filter(id -> later.revoked(id, 0)).count();
    System.out.println("a node started after one junk value knows " + known + " of 50 signed revocations");
    assertEquals(50, known, "every signed revocation is read despite the junk value");

    String victim = UUID.randomUUID().toString();
    vertx.sharedData().<String, Object>getAsyncMap(Revocations.MAP).compose(map -> map.put(victim, 42)).await();
    users.revoke(victim, 3).await();
    Revocations another = new Revocations(vertx, tokens, 900_000);
    another.start(3_600_000).await();
    assertTrue(another.revoked(victim, 2), "junk under the user's own key does not stop its revocation");
  }
}
