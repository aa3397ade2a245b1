package io.micronet.chatops;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SuggestionsTest {

  private static final List<String> SERVICES = List.of("users", "products", "orders", "gateway", "monitor", "metrics", "activity", "chatops");
  private static final List<String> COMMANDS = List.of("help", "whoami", "status", "services", "scale", "stop", "start", "fail", "recover");

  @Test
  void typosFindTheName() {
    assertEquals(List.of("products"), Suggestions.closest("prodcts", SERVICES));
    assertEquals(List.of("orders"), Suggestions.closest("ordrs", SERVICES));
    assertEquals(List.of("status"), Suggestions.closest("stauts", COMMANDS));
    assertEquals(List.of("scale"), Suggestions.closest("scael", COMMANDS));
    assertEquals(List.of("products"), Suggestions.closest("PRODUCT", SERVICES));
    assertEquals(List.of("stop"), Suggestions.closest("sotp", COMMANDS));
  }

  @Test
  void aPrefixSuggestsWhatItStarts() {
    assertEquals(List.of("metrics"), Suggestions.closest("me", SERVICES));
    assertEquals(List.of("monitor"), Suggestions.closest("mon", SERVICES));
    assertEquals(List.of("recover"), Suggestions.closest("reco", COMMANDS));
  }

  @Test
  void farWordsSuggestNothing() {
    assertEquals(List.of(), Suggestions.closest("kubernetes", SERVICES));
    assertEquals(List.of(), Suggestions.closest("x", COMMANDS));
    assertEquals("", Suggestions.didYouMean(List.of()));
    assertEquals(" Did you mean products?", Suggestions.didYouMean(List.of("products")));
    assertEquals(" Did you mean start, status or stop?", Suggestions.didYouMean(List.of("start", "status", "stop")));
  }

  @Test
  void distanceCountsASwapAsOne() {
    assertEquals(1, Suggestions.distance("sotp", "stop"));
    assertEquals(1, Suggestions.distance("prodcts", "products"));
    assertEquals(0, Suggestions.distance("", ""));
    assertEquals(3, Suggestions.distance("", "abc"));
  }
}
