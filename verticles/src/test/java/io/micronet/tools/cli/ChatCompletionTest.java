package io.micronet.tools.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Tab offers, learnt from replies of every shape the server may give them in. */
class ChatCompletionTest {

  private static ChatReply ok(String data) {
    return ChatReply.parse("{\"ok\":true,\"text\":\"\",\"data\":" + data + "}");
  }

  @Test
  void commandsComeFromHelpInAnyOfItsShapes() {
    for (String data : List.of("[\"help\",\"status\",\"stop <svc> [node]\"]",
      "[{\"name\":\"help\"},{\"name\":\"status\"},{\"name\":\"stop\",\"usage\":\"stop <svc>\"}]",
      "{\"commands\":[{\"command\":\"help\"},{\"command\":\"status\"},{\"command\":\"stop\"}]}",
      "{\"commands\":{\"help\":\"help [cmd]\",\"status\":\"status\",\"stop\":\"stop <svc>\"}}",
      "{\"commands\":[\"help\",\"status\",\"stop\"],\"role\":\"manager\"}")) {
      ChatCompletion completion = new ChatCompletion();
      completion.learn("help", ok(data));
      assertEquals(Set.of("help", "status", "stop"), completion.commands(), data);
    }
  }

  @Test
  void aHelpWithoutDataIsReadForTheContractsCommandsOnly() {
    ChatCompletion completion = new ChatCompletion();
    completion.learn("help", ChatReply.parse("""
      {"ok":true,"text":"You may run:\\n  help [cmd]   this list\\n  status       every service\\n  - orders     your orders\\n\
      Try 'help status'.","data":null}"""));
    assertEquals(Set.of("help", "status", "orders"), completion.commands(), "not 'you' nor 'try'");
  }

  @Test
  void aFailedOrOtherReplyTeachesNothing() {
    ChatCompletion completion = new ChatCompletion();
    completion.learn("help", ChatReply.parse("{\"ok\":false,\"text\":\"x\",\"data\":[\"stop\"]}"));
    completion.learn("help status", ok("[\"status\"]"));
    completion.learn("whoami", ok("{\"services\":{\"x\":{}}}"));
    assertFalse(completion.knowsCommands());
    assertFalse(completion.knowsServices());
  }

  @Test
  void servicesAndNodesComeFromStatusServicesAndNodes() {
    ChatCompletion completion = new ChatCompletion();
    completion.learn("status", ok("{\"status\":\"UP\",\"services\":{\"products\":{\"status\":\"UP\"},\"users\":{}}}"));
    completion.learn("services", ok("{\"items\":[{\"name\":\"orders\"},{\"service\":\"gateway\"},{\"name\":\"\\u001b[2J\"}]}"));
    completion.learn("nodes", ok("[{\"name\":\"node-a\"},{\"node\":\"node-b\"}]"));
    assertEquals(Set.of("gateway", "orders", "products", "users"), completion.services(), "no markup taken for a name");
    assertEquals(Set.of("node-a", "node-b"), completion.known().get("nodes"));
  }

  @Test
  void candidatesByPosition() {
    ChatCompletion completion = new ChatCompletion();
    completion.learn("help", ok("[\"help\",\"status\",\"stop\",\"fail\",\"scale\",\"health\"]"));
    completion.learn("services", ok("[{\"name\":\"products\"},{\"name\":\"users\"}]"));
    completion.learn("nodes", ok("[{\"name\":\"node-a\"}]"));

    assertEquals(List.of("exit", "fail", "health", "help", "quit", "scale", "status", "stop"), completion.candidates(List.of(""), 0));
    assertEquals(List.of("products", "users"), completion.candidates(List.of("stop", ""), 1));
    assertEquals(List.of("products", "users"), completion.candidates(List.of("Health", "pr"), 1));
    assertEquals(List.of("node-a"), completion.candidates(List.of("stop", "products", ""), 2));
    assertEquals(List.of("error", "latency", "crash"), completion.candidates(List.of("fail", "products", ""), 2));
    assertEquals(List.of("--yes"), completion.candidates(List.of("scale", "products", "3", ""), 3));
    assertEquals(List.of("--yes"), completion.candidates(List.of("stop", "-"), 1));
    assertEquals(List.of(), completion.candidates(List.of("status", "-"), 1));
    assertEquals(List.of("fail", "health", "help", "scale", "status", "stop"), completion.candidates(List.of("help", ""), 1));
    assertEquals(List.of(), completion.candidates(List.of("status", ""), 1));
    assertTrue(ChatCompletion.wantsServices(List.of("scale", ""), 1));
    assertFalse(ChatCompletion.wantsServices(List.of("status", ""), 1));
  }
}
