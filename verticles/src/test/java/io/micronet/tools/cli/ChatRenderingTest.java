package io.micronet.tools.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ChatOps replies parsed, rendered and learnt from, and commands put together, without a network. */
class ChatRenderingTest {

  private final ChatView plain = new ChatView(Style.PLAIN);

  private static ChatReply reply(String json) {
    return ChatReply.parse(json);
  }

  @Test
  void aReplyIsParsedAndAnythingElseIsNoChatOps() {
    ChatReply ok = reply("{\"ok\":true,\"text\":\"hi\",\"data\":[1,2]}");
    assertTrue(ok.ok());
    assertEquals("hi", ok.text());
    assertEquals(new JsonArray().add(1).add(2), ok.data());
    assertEquals(new JsonObject(), ok.error());

    ChatReply failed = reply("{\"ok\":false,\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no service 'x'\"}}");
    assertEquals("no service 'x'", failed.text(), "the message stands in for a missing text");
    assertEquals(ExitCodes.PLATFORM_ERROR, failed.exitCode());
    assertEquals(ExitCodes.FORBIDDEN, reply("{\"ok\":false,\"text\":\"no\",\"error\":{\"code\":\"FORBIDDEN\"}}").exitCode());
    assertEquals(ExitCodes.AUTH_FAILED, reply("{\"ok\":false,\"text\":\"no\",\"error\":{\"code\":\"UNAUTHORIZED\"}}").exitCode());
    assertEquals(ExitCodes.OK, ok.exitCode());

    for (String junk : List.of("", "not json", "[1]", "{\"text\":\"no ok\"}", "{\"ok\":\"yes\"}", "<html>")) {
      CliFailure failure = assertThrows(CliFailure.class, () -> ChatReply.parse(junk), junk);
      assertEquals(ExitCodes.UNREACHABLE, failure.exitCode(), junk);
    }
  }

  @Test
  void aConfirmationIsSeenInTheDataOrInWords() {
    ChatReply named = reply("{\"ok\":true,\"text\":\"would stop 2 instances\",\"data\":{\"confirm\":\"stop products --yes\"}}");
    assertEquals("stop products --yes", named.confirmation("stop products"));
    ChatReply flagged = reply("{\"ok\":true,\"text\":\"would scale\",\"data\":{\"needsConfirmation\":true}}");
    assertEquals("scale products 3 --yes", flagged.confirmation(" scale products 3 "));
    ChatReply inWords = reply("{\"ok\":true,\"text\":\"would fail products for 5 s: add --yes to run it\",\"data\":null}");
    assertEquals("fail products error 5 --yes", inWords.confirmation("fail products error 5"));

    assertNull(inWords.confirmation("fail products error 5 --yes"), "already confirmed");
    assertNull(inWords.confirmation("status"), "not a command that asks");
    assertNull(reply("{\"ok\":true,\"text\":\"stopped; --yes was given\",\"data\":{\"confirm\":false}}").confirmation("stop x"));
    assertNull(reply("{\"ok\":false,\"text\":\"add --yes\",\"error\":{\"code\":\"FORBIDDEN\"}}").confirmation("stop x"));
    assertNull(reply("{\"ok\":true,\"text\":\"x\",\"data\":{\"confirm\":\"rm -rf /\"}}").confirmation("stop x"),
      "only a command with --yes is sent back, and a bare confirm:'…' without --yes is not taken for one");
  }

  @Test
  void textThenATableOfAListOrAPage() {
    assertEquals("""
      2 instances

      ID          NODE  STATUS  RPS
      products-1  a     UP      2.5
      products-2  -     DOWN     12
      """, plain.render(reply("""
      {"ok":true,"text":"2 instances","data":[{"id":"products-1","node":"a","status":"UP","rps":2.5},
        {"id":"products-2","status":"DOWN","rps":12,"note":null}]}""")));

    assertEquals("""
      history

      TIME                 USER   COMMAND  OK
      2026-01-02 03:04:05  alice  status   true
      1 of 9
      """, plain.render(reply("""
      {"ok":true,"text":"history","data":{"page":0,"size":1,"total":9,"items":[
        {"time":"2026-01-02T03:04:05.123Z","user":"alice","command":"status","ok":true}]}}""")));

    assertEquals("SERVICE   STATUS\nproducts  UP\nusers     UP\n", plain.render(reply("""
      {"ok":true,"text":"SERVICE   STATUS\\nproducts  UP\\nusers     UP","data":{"items":[
        {"service":"products","status":"UP"},{"service":"users","status":"UP"}]}}""")), "the text has its table: not twice");
    assertEquals("platform UP\n", plain.render(reply("{\"ok\":true,\"text\":\"platform UP\",\"data\":{\"status\":\"UP\"}}")),
      "an object is for programs: the text says it");
    assertEquals("a\nb\n", plain.render(reply("{\"ok\":true,\"text\":\"a\\nb\\n\\n\",\"data\":[1,2]}")), "a list of values: no table");
    assertEquals("", plain.render(reply("{\"ok\":true,\"text\":\"\",\"data\":[]}")));
  }

  @Test
  void aFailureInTheErrorStyleWithItsCodeAndDetails() {
    String json = """
      {"ok":false,"text":"unknown service 'prodcts'","data":null,
       "error":{"code":"NOT_FOUND","message":"unknown service 'prodcts'","details":{"suggestions":["products"]}}}""";
    assertEquals("unknown service 'prodcts' (NOT_FOUND)\n  suggestions: products\n", plain.render(reply(json)));
    String coloured = new ChatView(Style.ANSI).render(reply(json));
    assertTrue(coloured.startsWith("\u001b[31munknown service 'prodcts' (NOT_FOUND)\u001b[0m\n"), coloured);
  }

  @Test
  void nothingTheServerSendsReachesTheTerminalAsAControlSequence() {
    String rendered = plain.render(reply("""
      {"ok":true,"text":"said: \\u001b]0;owned\\u0007 \\u009b2J \\u202etxt","data":[{"command":"x\\u001b[2J"}]}"""));
    assertFalse(rendered.chars().anyMatch(c -> c == 0x1b || c == 0x07 || c == 0x9b || c == 0x202e), rendered);
    assertTrue(rendered.startsWith("said: ?]0;owned? ?2J ?txt\n"), rendered);
    assertTrue(rendered.contains("x?[2J"), rendered);
    assertEquals("tab\tand\nnewline", ChatView.printable("tab\tand\nnewline"));
  }

  @Test
  void theCommandLinesWordsMakeOneCommand() {
    assertEquals("status", Chat.command(List.of("status"), false));
    assertEquals("health products", Chat.command(List.of("health products"), false), "one quoted argument as typed");
    assertEquals("broadcast \"deploy at 5\"", Chat.command(List.of("broadcast", "deploy at 5"), false));
    assertEquals("broadcast \"say \\\"hi\\\"\"", Chat.command(List.of("broadcast", "say \"hi\""), false));
    assertEquals("stop products --yes", Chat.command(List.of("stop", "products"), true));
    assertEquals("stop products --yes", Chat.command(List.of("stop products --yes"), true), "not twice");
  }

  @Test
  void theSocketsAddressFollowsTheGateways() {
    assertEquals("ws://localhost:8000/ws/chatops", ChatConnection.uri("http://localhost:8000").toString());
    assertEquals("wss://ops.example.com/micronet/ws/chatops", ChatConnection.uri("https://ops.example.com/micronet").toString());
  }
}
