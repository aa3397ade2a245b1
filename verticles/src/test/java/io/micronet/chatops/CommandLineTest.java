package io.micronet.chatops;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest {

  private static CommandLine parse(String text) {
    return CommandLine.parse(text, 1000);
  }

  private static String refusal(String text) {
    ServiceException e = assertThrows(ServiceException.class, () -> parse(text));
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    return e.getMessage();
  }

  @Test
  void wordsQuotesAndFlags() {
    CommandLine line = parse("  Silence orders 30 \"planned maintenance\" --YES ");
    assertEquals("silence", line.name());
    assertEquals(List.of("orders", "30", "planned maintenance"), line.args());
    assertEquals(Set.of("--yes"), line.flags());
    assertTrue(line.confirmed());
    assertEquals("planned maintenance", line.rest(2));
  }

  @Test
  void singleQuotesKeepDoubleOnesAndEscapesWorkInDoubleQuotes() {
    assertEquals(List.of("say \"hi\"", "a\\b", "it's"), parse("broadcast 'say \"hi\"' \"a\\\\b\" \"it's\"").args());
    assertEquals(List.of("--yes"), parse("broadcast \"--yes\"").args(), "a quoted flag is text");
    assertEquals(Set.of(), parse("broadcast \"--yes\"").flags());
    assertEquals(List.of(""), parse("products \"\"").args());
  }

  @Test
  void unicodeTextIsKept() {
    assertEquals("déploiement à 14h — ✓ 部署", parse("broadcast déploiement à 14h — ✓ 部署").rest(0));
  }

  @Test
  void refusesWhatCannotBeACommand() {
    assertTrue(refusal("").contains("empty"));
    assertTrue(refusal("   \t ").contains("empty"));
    assertTrue(refusal("status\u0000").contains("U+0000"));
    assertTrue(refusal("status\nstop products --yes").contains("U+000A"));
    assertTrue(refusal("broadcast \u202Eevil").contains("U+202E"), "bidi override");
    assertTrue(refusal("broadcast \"open").contains("not closed"));
    assertTrue(refusal("--yes").contains("starts with its name"));
    assertTrue(refusal("x".repeat(1001)).contains("1000"));
  }
}
