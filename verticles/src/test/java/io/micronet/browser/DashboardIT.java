package io.micronet.browser;

import io.micronet.node.SoloNode;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.security.Tokens;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real browser (headless Chromium through chromedriver), against the whole node started in this
 * JVM ({@link SoloNode}, shared by every scenario), one browser per role: the manager's on a laptop-sized window, the
 * client's on a phone-sized one. The steps follow one another ({@link Order}); every element is found by its
 * {@code data-test} name, every wait is a bounded poll, every step leaves a screenshot under
 * {@code target/screenshots/<test>/}, and each test ends with the browser console free of errors.
 * The alerts steps (7–9) share the node: a rule made in the editor fires on products' injected errors, is acknowledged,
 * silenced and resolved on the open page.
 * Skipped, saying why, where Debian's chromium and chromium-driver are not installed (scripts/test-browser).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {

  /** What the browser may log while the gateway is away or a call is refused on purpose (never anything else). */
  private static final Pattern REFUSED = Pattern.compile("ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE"
    + "|ERR_CONNECTION_CLOSED|/eventbus|status of 50[23]");
  private static final Pattern UNAUTHORIZED = Pattern.compile("status of 401");
  private static final String MARKUP = "<img src=x onerror=window.__pwned=1>";

  @TempDir
  static Path dataDir;
  static SoloNode node;
  static String base;
  static Browser manager;
  static Browser client;
  static long suiteStarted;
  /** Set when a role's sign-in step passed: the later steps of that role need it (else they are skipped, saying so). */
  static boolean managerIn;
  static boolean clientIn;
  static String productId;
  static String markupProductId;
  static final String CLIENT_NAME = "cleo" + UUID.randomUUID().toString().substring(0, 6);
  static final String CLIENT_PASSWORD = "shop-" + UUID.randomUUID();

  @BeforeAll
  static void start() {
    Optional<String> missing = Browser.unavailable();
    if (missing.isPresent()) {
      System.out.println("DashboardIT skipped: " + missing.get());
    }
    Assumptions.assumeTrue(missing.isEmpty(), () -> "no browser: " + missing.get());
    suiteStarted = System.nanoTime();
    // health checks every 2 s (not 10): a failure shows within a few seconds, so the waits stay short
    JsonArray definitions = MicronetConfig.load(new JsonObject(), Map.of()).section("services").getJsonArray("definitions").copy();
    definitions.forEach(d -> ((JsonObject) d).put("healthCheck", new JsonObject().put("intervalSeconds", 2).put("timeoutMs", 1000)));
    node = SoloNode.start(dataDir, new JsonObject().put("services", new JsonObject().put("definitions", definitions)));
    base = "http://" + SoloNode.HOST + ":" + node.port;
    productId = createProduct("Trail lamp", "outdoor", 19.5, 20, "A rechargeable lamp for the tent and the trail.");
    markupProductId = createProduct(MARKUP, "outdoor", 3.25, 5, "A name with markup, shown as text.");
    // a few more, so that the catalog looks like a shop in the screenshots
    createProduct("Camp stove", "outdoor", 42.0, 8, "Boils a litre in four minutes.");
    createProduct("Water filter", "outdoor", 27.9, 0, "Clean water from any stream.");
    createProduct("Rain jacket", "clothing", 89.0, 12, "Light, packable, and dry.");
    createProduct("Wool socks", "clothing", 12.5, 40, "Warm when wet.");
    SoloNode.poll("every service UP on /status", () -> "UP".equals(status().getString("status")));
    System.out.printf("DashboardIT: node up in %d ms%n", (System.nanoTime() - suiteStarted) / 1_000_000);
  }

  @AfterAll
  static void stop() {
    stopTraffic();
    for (AutoCloseable closeable : new AutoCloseable[] {manager, client, node}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        System.out.println("DashboardIT: not closed cleanly: " + e);
      }
    }
    if (suiteStarted != 0) {
      System.out.printf("DashboardIT: browser suite took %d ms%n", (System.nanoTime() - suiteStarted) / 1_000_000);
    }
  }

  @BeforeEach
  void name(TestInfo info) {
    String test = info.getTestMethod().orElseThrow().getName();
    if (manager != null) {
      manager.test(test);
    }
    if (client != null) {
      client.test(test);
    }
  }

  @AfterEach
  void consoleClean() {
    if (manager != null) {
      manager.assertConsoleClean();
    }
    if (client != null) {
      client.assertConsoleClean();
    }
  }

  // ---- the manager ---------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void managerSignsIn() {
    manager = Browser.open(base, Browser.LAPTOP).test("managerSignsIn");
    manager.go("/");
    manager.click("landing-signin");
    manager.shown("signin-username");
    manager.shot("signin");
    // a wrong password says so and stays on the sign-in page
    manager.type("signin-username", "manager").type("signin-password", "not-the-password").click("signin-submit");
    manager.shown("signin-error");
    manager.shot("signin-error");
    manager.drainConsole(UNAUTHORIZED);
    manager.type("signin-username", "manager").type("signin-password", node.adminPassword).click("signin-submit");
    manager.shown("service-card", "data-service", "products");
    manager.text("conn-state", "live");
    manager.shot("overview");
    managerIn = true;
  }

  @Test
  @Order(2)
  void cardsAndGraphRender() {
    signedInManager();
    for (String service : List.of("users", "products", "orders", "chatops")) {
      manager.shown("service-card", "data-service", service, "data-status", "UP");
    }
    // start/stop/scale only where they apply: a cluster-scope service has them, the node agents' card none at all
    WebElement products = manager.shown("service-card", "data-service", "products");
    assertTrue(products.findElement(By.cssSelector("[data-test=\"card-stop\"]")).isDisplayed(), "products can be stopped");
    WebElement agents = manager.shown("service-card", "data-service", "node");
    assertTrue(agents.findElements(By.cssSelector("[data-test^=\"card-\"]")).stream().noneMatch(WebElement::isDisplayed),
      "the node agents' card offers no lifecycle or failure control");
    manager.go("/#/ops/graph");
    manager.shown("graph");
    manager.present("graph-node", "data-service", "products", "data-status", "UP");
    manager.until("the graph drawn (a canvas in its container)",
      d -> d.findElements(By.cssSelector("[data-test=\"graph\"] canvas")).isEmpty() ? null : true);
    manager.shot("graph");
    manager.go("/#/ops/charts");
    manager.shown("chart", "data-service", "products");
    manager.shot("charts");
    // the same console on a phone
    manager.go("/#/ops");
    manager.size(Browser.PHONE);
    manager.shown("service-card", "data-service", "products");
    manager.shot("overview-phone");
    manager.size(Browser.LAPTOP);
  }

  @Test
  @Order(3)
  void anInjectedFailureTurnsProductsRedAndBackWithoutReload() {
    signedInManager();
    markPage(manager);
    manager.shown("service-card", "data-service", "products", "data-status", "UP");
    HttpResponse<Buffer> injected = node.send(HttpMethod.POST, "/api/services/products/failures", node.manager(),
      new JsonObject().put("mode", "error").put("durationSeconds", 15));
    assertEquals(200, injected.statusCode() / 100 * 100, injected.bodyAsString());
    long at = System.nanoTime();
    // some traffic, as a shop would send: errors that the breakers and error rates see
    for (int i = 0; i < 10; i++) {
      node.send(HttpMethod.GET, "/api/products", null, null);
    }
    manager.until("the products card red (DOWN or DEGRADED)", Duration.ofSeconds(20),
      d -> red(d.findElements(Browser.by("service-card", "data-service", "products"))));
    System.out.printf("DashboardIT: products card red %d ms after the failure was injected%n", (System.nanoTime() - at) / 1_000_000);
    manager.shot("card-red");
    // the graph: its products node red, then UP again as the health feed says so (this view stays open meanwhile)
    manager.go("/#/ops/graph");
    manager.until("the products graph node red", Duration.ofSeconds(20),
      d -> red(d.findElements(Browser.by("graph-node", "data-service", "products"))));
    manager.shot("graph-red");
    manager.until("the products graph node UP again after the failure's end", Duration.ofSeconds(60),
      d -> d.findElements(Browser.by("graph-node", "data-service", "products", "data-status", "UP")).isEmpty() ? null : true);
    System.out.printf("DashboardIT: products UP again %d ms after the failure was injected (15 s)%n", (System.nanoTime() - at) / 1_000_000);
    manager.shot("graph-up");
    manager.go("/#/ops");
    manager.shown("service-card", "data-service", "products", "data-status", "UP");
    manager.shot("card-up");
    assertPageKept(manager);
    manager.drainConsole(REFUSED);
  }

  @Test
  @Order(4)
  void stopFromTheCardShowsDownAndStartBringsItBack() {
    signedInManager();
    markPage(manager);
    WebElement card = manager.shown("service-card", "data-service", "products", "data-status", "UP");
    card.findElement(Browser.by("card-stop")).click();
    manager.shown("confirm-dialog");
    manager.shot("confirm-stop");
    manager.click("confirm-yes");
    manager.until("the products card DOWN", d -> d.findElements(Browser.by("service-card", "data-service", "products", "data-status", "DOWN"))
      .isEmpty() ? null : true);
    manager.shot("stopped");
    card = manager.shown("service-card", "data-service", "products");
    card.findElement(Browser.by("card-start")).click();
    if (!manager.all("confirm-dialog").stream().filter(WebElement::isDisplayed).toList().isEmpty()) {
      manager.click("confirm-yes");
    }
    manager.until("the products card UP again", Duration.ofSeconds(60),
      d -> d.findElements(Browser.by("service-card", "data-service", "products", "data-status", "UP")).isEmpty() ? null : true);
    manager.shot("started");
    assertPageKept(manager);
    manager.drainConsole(REFUSED);
  }

  @Test
  @Order(5)
  void aChatOpsCommandFromTheConsoleReturnsItsReply() {
    signedInManager();
    manager.go("/#/ops/chat");
    int before = manager.all("chat-reply").size();
    manager.type("chat-input", "status");
    manager.shown("chat-input").sendKeys(Keys.ENTER);
    WebElement reply = manager.until("a reply to status", d -> {
      List<WebElement> replies = d.findElements(Browser.by("chat-reply"));
      return replies.size() > before ? replies.get(replies.size() - 1) : null;
    });
    assertEquals("true", reply.getDomAttribute("data-ok"), reply.getText());
    assertTrue(reply.getText().contains("products"), reply.getText());
    manager.shot("status-reply");
    // a broadcast with markup: shown as text, here and on the client's page, no element made of it
    manager.type("chat-input", "broadcast " + MARKUP);
    manager.shown("chat-input").sendKeys(Keys.ENTER);
    manager.text("broadcast", MARKUP);
    assertNoInjectedElement(manager);
    manager.shot("broadcast-as-text");
  }

  @Test
  @Order(6)
  void theGatewayRestartedUnderTheOpenPageItReconnectsAndShowsLiveDataAgain() {
    signedInManager();
    manager.go("/#/ops");
    manager.text("conn-state", "live");
    markPage(manager);
    node.agent("undeploy", new JsonObject().put("service", "gateway"));
    manager.text("conn-state", "reconnecting…");
    manager.shot("reconnecting");
    node.agent("deploy", new JsonObject().put("service", "gateway"));
    manager.text("conn-state", "live");
    // live data again: an event published after the reconnect reaches the page (its feeds were registered again)
    String text = "after the restart " + UUID.randomUUID();
    HttpResponse<Buffer> said = node.send(HttpMethod.POST, "/api/chatops", node.manager(), new JsonObject().put("command", "broadcast " + text));
    assertEquals(200, said.statusCode(), said.bodyAsString());
    manager.text("broadcast", text);
    manager.shown("service-card", "data-service", "products", "data-status", "UP");
    manager.shot("live-again");
    assertPageKept(manager);
    manager.drainConsole(REFUSED);
  }

  // ---- alerts (issue 11): the rules editor and the alerts panel -------------------------------------------------

  /** The rule the editor creates (a threshold on products' error rate, firing at once), by its id. */
  static String ruleId;
  static final String RULE_NAME = "products errors " + MARKUP;

  @Test
  @Order(7)
  void theRulesEditorShowsTheServersErrorByItsFieldThenCreatesAThresholdRule() {
    signedInManager();
    manager.click("rules-nav");
    manager.shown("rule-row");
    int before = rules().size();
    manager.click("rule-new");
    manager.shown("rule-form");
    manager.type("rule-field-name", RULE_NAME);
    new Select(manager.shown("rule-field-kind")).selectByValue("threshold");
    manager.type("rule-field-service", "products");
    new Select(manager.shown("rule-field-metric")).selectByValue("errorRate");
    new Select(manager.shown("rule-field-op")).selectByValue(">");
    manager.type("rule-field-value", "0.5");
    new Select(manager.shown("rule-field-severity")).selectByValue("critical");
    // a negative duration: the server's 422 names forSeconds, shown next to that field; nothing is created
    manager.type("rule-field-forSeconds", "-5");
    manager.click("rule-save");
    WebElement error = manager.shown("rule-error", "data-field", "forSeconds");
    assertFalse(error.getText().isBlank(), "the field's error says why");
    assertEquals("true", manager.shown("rule-field-forSeconds").getDomAttribute("aria-invalid"));
    manager.shot("rule-error");
    assertEquals(before, rules().size(), "a refused rule is not stored");
    manager.drainConsole(Pattern.compile("status of 422"));
    // corrected: created, listed, its name (with markup) shown as text
    manager.type("rule-field-forSeconds", "0");
    // kept firing 15 s: while the breakers are open products sees no call for a few seconds (its error rate 0), and the
    // alert should stay one alert rather than resolve and fire again at every half-open trial
    manager.type("rule-field-keepFiringSeconds", "15");
    manager.click("rule-save");
    WebElement row = manager.until("the new rule listed", d -> d.findElements(Browser.by("rule-row")).stream()
      .filter(r -> RULE_NAME.equals(r.getDomAttribute("data-name"))).findFirst().orElse(null));
    ruleId = row.getDomAttribute("data-id");
    assertNotNull(ruleId);
    assertTrue(row.getText().contains(RULE_NAME), row.getText());
    assertTrue(row.getText().contains("error rate > 50"), "the condition in words: " + row.getText());
    assertNoInjectedElement(manager);
    JsonObject stored = rules().stream().map(JsonObject.class::cast).filter(r -> ruleId.equals(r.getString("id"))).findFirst().orElseThrow();
    assertEquals("threshold", stored.getString("kind"));
    assertEquals("products", stored.getString("service"));
    assertEquals(0, stored.getInteger("forSeconds"));
    assertEquals(before + 1, rules().size());
    manager.shot("rules-editor");
  }

  @Test
  @Order(8)
  void anAlertTurnsUpFiringLiveIsAcknowledgedAndSilencedFromItsButtons() throws Exception {
    signedInManager();
    Assumptions.assumeTrue(ruleId != null, "the rule was not created (the previous step failed)");
    manager.click("alerts-nav");
    manager.shown("alert-list", "data-section", "firing");
    markPage(manager);
    HttpResponse<Buffer> injected = node.send(HttpMethod.POST, "/api/services/products/failures", node.manager(),
      new JsonObject().put("mode", "error").put("durationSeconds", 60).put("rate", 1));
    assertEquals(200, injected.statusCode() / 100 * 100, injected.bodyAsString());
    long at = System.nanoTime();
    traffic = Traffic.start(node, "/api/products");
    WebElement row = manager.until("an alert of the new rule firing", Duration.ofSeconds(60),
      d -> d.findElements(Browser.by("alert-row", "data-rule", ruleId, "data-state", "firing")).stream().findFirst().orElse(null));
    alertId = row.getDomAttribute("data-id");
    List<?> facts = rowFacts(alertId);
    System.out.printf("DashboardIT: the alert firing on the page %d ms after the failure was injected%n", (System.nanoTime() - at) / 1_000_000);
    assertEquals("products", facts.get(0));
    assertEquals("false", facts.get(1));
    assertTrue(String.valueOf(facts.get(3)).contains(RULE_NAME), "the rule's name as text: " + facts.get(3));
    assertNoInjectedElement(manager);
    // an inhibited alert (orders' while products is DOWN, if the engine found one) sits under its listed cause, never on its own
    Object loose = manager.script("const rows = [...document.querySelectorAll('[data-test=alert-row]')];"
      + "return rows.filter(r => r.dataset.inhibited === 'true' && !r.parentElement.closest('[data-test=alert-row]')"
      + " && rows.some(c => c.dataset.id === r.dataset.causedBy && c.dataset.state !== 'resolved')).map(r => r.dataset.id)");
    assertEquals(List.of(), loose, "inhibited alerts listed on their own although their cause is listed");
    System.out.printf("DashboardIT: %d inhibited alert(s) shown under their cause%n", manager.all("alert-caused-by").size());
    WebElement badge = manager.shown("alerts-badge");
    assertTrue(Integer.parseInt(badge.getText()) >= 1, "the badge counts it: " + badge.getText());
    manager.shot("firing");

    // ack, after its confirmation: acknowledged by the one signed in
    clickIn(Browser.by("alert-row", "data-id", alertId), "alert-ack");
    manager.shown("confirm-dialog");
    manager.click("confirm-yes");
    manager.until("the alert acknowledged by manager", d -> d.findElements(Browser.by("alert-row", "data-id", alertId, "data-ack", "true"))
      .stream().filter(r -> r.getText().contains("acknowledged by manager")).findFirst().orElse(null));
    manager.shot("acknowledged");

    // silence: the dialog (minutes, reason) is its confirmation; the alert moves under Silenced, the silence is listed
    clickIn(Browser.by("alert-row", "data-id", alertId), "alert-silence");
    manager.shown("silence-dialog");
    manager.type("silence-minutes", "30");
    manager.type("silence-reason", "looking into it " + MARKUP);
    manager.shot("silence-dialog");
    manager.click("silence-submit");
    manager.until("the alert silenced", d -> d.findElements(Browser.by("alert-row", "data-id", alertId, "data-silenced", "true"))
      .stream().findFirst().orElse(null));
    List<?> silenced = rowFacts(alertId);
    if ("false".equals(silenced.get(4))) {
      // listed under Silenced (an inhibited one stays under its cause)
      assertEquals("silenced", silenced.get(2));
      assertTrue(manager.driver.findElement(By.cssSelector(".alert-section-silenced")).getText().contains(RULE_NAME));
    }
    String silence = manager.until("the silence listed", d -> d.findElement(Browser.by("silence-row", "data-service", "products")).getText());
    assertTrue(silence.contains(MARKUP), "the reason as text: " + silence);
    assertNoInjectedElement(manager);
    manager.shot("silenced");
    manager.size(Browser.PHONE);
    manager.shown("alert-row", "data-id", alertId);
    manager.shot("alerts-phone");
    manager.size(Browser.LAPTOP);
    assertPageKept(manager);
    manager.drainConsole(REFUSED);
  }

  @Test
  @Order(9)
  void recoveryResolvesTheAlertAndASilenceExpiresFromItsButton() {
    // recovered first, whatever happened before: the client's steps shop at products
    stopTraffic();
    HttpResponse<Buffer> recovered = node.send(HttpMethod.DELETE, "/api/services/products/failures", node.manager(), null);
    assertEquals(200, recovered.statusCode() / 100 * 100, recovered.bodyAsString());
    long at = System.nanoTime();
    // products serves again (its breakers closed after a trial call): good traffic, the error rate falls to 0
    SoloNode.poll("products answering through the gateway again", () -> node.send(HttpMethod.GET, "/api/products", null, null).statusCode() == 200);
    signedInManager();
    Assumptions.assumeTrue(alertId != null, "no alert fired (the previous step failed)");
    manager.go("/#/ops/alerts");
    manager.shown("alert-list", "data-section", "firing");
    markPage(manager);
    manager.until("the alert resolved (after its 15 s of keep-firing)", Duration.ofSeconds(60),
      d -> d.findElements(Browser.by("alert-row", "data-id", alertId, "data-state", "resolved")).stream().findFirst().orElse(null));
    System.out.printf("DashboardIT: the alert resolved on the page %d ms after recovery%n", (System.nanoTime() - at) / 1_000_000);
    WebElement folded = manager.driver.findElement(By.cssSelector("details.alert-resolved > summary"));
    manager.script("arguments[0].scrollIntoView({block: 'center'})", folded);
    folded.click();
    manager.shown("alert-row", "data-id", alertId, "data-state", "resolved");
    manager.shot("resolved");
    // the silence ends now, after its confirmation
    clickIn(Browser.by("silence-row", "data-service", "products"), "silence-delete");
    manager.shown("confirm-dialog");
    manager.click("confirm-yes");
    manager.until("the silence gone", d -> d.findElements(Browser.by("silence-row", "data-service", "products")).isEmpty() ? true : null);
    manager.shot("silence-expired");
    assertPageKept(manager);
    manager.drainConsole(REFUSED);
  }

  static Traffic traffic;
  /** The alert the new rule raised (one alert from firing to resolved). */
  static String alertId;

  /** An alert row's service, ack, section, text and inhibited, read by the page in one go (it redraws as events come). */
  private static List<?> rowFacts(String id) {
    return (List<?>) manager.script("const r = [...document.querySelectorAll('[data-test=alert-row]')].find(n => n.dataset.id === arguments[0]);"
      + "return [r.dataset.service, r.dataset.ack, r.dataset.section, r.textContent, r.dataset.inhibited]", id);
  }

  /** Clicks the button {@code data-test=button} inside the element {@code container} finds, again if the view redrew it meanwhile. */
  private static void clickIn(By container, String button) {
    manager.until(button + " clicked", d -> {
      WebElement target = d.findElement(container).findElement(Browser.by(button));
      // in the middle of the window: a toast in the corner would take the click
      manager.script("arguments[0].scrollIntoView({block: 'center'})", target);
      target.click();
      return true;
    });
  }

  private static void stopTraffic() {
    if (traffic != null) {
      traffic.close();
      traffic = null;
    }
  }

  private static JsonArray rules() {
    HttpResponse<Buffer> listed = node.send(HttpMethod.GET, "/api/rules?size=100", node.manager(), null);
    assertEquals(200, listed.statusCode(), listed.bodyAsString());
    Object body = listed.bodyAsJson(Object.class);
    return body instanceof JsonArray array ? array : ((JsonObject) body).getJsonArray("items");
  }

  /** Requests to a path through the gateway, a few a second on a thread of its own, until closed (so the error rate stays measured). */
  static final class Traffic implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    private Traffic(SoloNode node, String path) {
      thread = new Thread(() -> {
        while (running) {
          try {
            node.send(HttpMethod.GET, path, null, null);
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          } catch (RuntimeException e) {
            // a refused call is what the failure is for
          }
        }
      }, "dashboard-it-traffic");
      thread.setDaemon(true);
      thread.start();
    }

    static Traffic start(SoloNode node, String path) {
      return new Traffic(node, path);
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
      try {
        thread.join(20_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---- the client ----------------------------------------------------------------------------------------------

  @Test
  @Order(10)
  void aClientRegistersAndSignsIn() {
    client = Browser.open(base, Browser.PHONE).test("aClientRegistersAndSignsIn");
    client.go("/#/signin");
    client.click("register-link");
    client.shown("register-username");
    client.type("register-username", CLIENT_NAME).type("register-email", CLIENT_NAME + "@example.com")
      .type("register-password", CLIENT_PASSWORD);
    client.shot("register");
    client.click("register-submit");
    client.shown("product-card");
    client.text("conn-state", "live");
    client.shot("catalog");
    // the same catalog on a laptop
    client.size(Browser.LAPTOP);
    client.go("/#/shop?sort=-price");
    client.shown("product-card");
    client.shot("catalog-laptop");
    client.size(Browser.PHONE);
    clientIn = true;
  }

  @Test
  @Order(11)
  void aClientSearchesBuysSeesTheOrderAndCancelsIt() {
    signedInClient();
    client.go("/#/shop");
    client.type("catalog-search", "Trail lamp");
    WebElement card = client.until("only the lamp listed", d -> {
      List<WebElement> cards = d.findElements(Browser.by("product-card"));
      return cards.size() == 1 && productId.equals(cards.get(0).getDomAttribute("data-id")) ? cards.get(0) : null;
    });
    client.shot("search");
    card.findElement(Browser.by("add-to-cart")).click();
    client.go("/#/shop/cart");
    client.shown("cart");
    client.shot("cart");
    client.click("cart-checkout");
    WebElement order = client.shown("order-row", "data-status", "PLACED");
    String orderId = order.getDomAttribute("data-id");
    assertNotNull(orderId);
    client.shot("ordered");
    HttpResponse<Buffer> stock = node.send(HttpMethod.GET, "/api/products/" + productId, null, null);
    assertEquals(19, stock.bodyAsJsonObject().getInteger("stock"), stock.bodyAsString());
    order.findElement(Browser.by("order-cancel")).click();
    if (!client.all("confirm-dialog").stream().filter(WebElement::isDisplayed).toList().isEmpty()) {
      client.click("confirm-yes");
    }
    client.shown("order-row", "data-id", orderId, "data-status", "CANCELLED");
    client.shot("cancelled");
  }

  @Test
  @Order(12)
  void aClientSeesNoManagerControl() {
    signedInClient();
    for (String route : List.of("/#/shop", "/#/shop/orders", "/#/shop/chat", "/#/ops", "/#/ops/users", "/#/ops/graph", "/#/ops/chat", "/#/ops/alerts", "/#/ops/rules")) {
      client.go(route);
      client.until("the page settled on " + route, d -> d.findElements(Browser.by("signout")).isEmpty() ? null : true);
      List<String> manager = managerControls(client);
      assertTrue(manager.isEmpty(), route + " shows a client manager controls: " + manager);
    }
    client.shot("no-ops");
    client.drainConsole(Pattern.compile("status of 403"));
  }

  @Test
  @Order(13)
  void markupInAProductNameIsShownAsText() {
    signedInClient();
    client.go("/#/shop");
    client.type("catalog-search", "onerror");
    WebElement name = client.until("the product named with markup listed",
      d -> d.findElements(Browser.by("product-card", "data-id", markupProductId)).stream()
        .map(card -> card.findElement(Browser.by("product-name"))).findFirst().orElse(null));
    assertEquals(MARKUP, name.getText());
    assertNoInjectedElement(client);
    client.shot("markup-as-text");
    // a manager's broadcast with markup reaches the client's page as text too
    HttpResponse<Buffer> said = node.send(HttpMethod.POST, "/api/chatops", node.manager(), new JsonObject().put("command", "broadcast " + MARKUP));
    assertEquals(200, said.statusCode(), said.bodyAsString());
    client.text("broadcast", MARKUP);
    assertNoInjectedElement(client);
    client.shot("broadcast-as-text");
  }

  @Test
  @Order(14)
  void anExpiredTokenMidSessionLeadsToSignInAndBackToTheSamePage() {
    signedInClient();
    client.go("/#/shop/orders");
    client.shown("signout");
    String stored = (String) client.script("return sessionStorage.getItem(arguments[0])", TOKEN_KEY);
    assertNotNull(stored, "the token is kept in sessionStorage under " + TOKEN_KEY);
    String subject = claims(stored).getString("sub");
    client.script("sessionStorage.setItem(arguments[0], arguments[1])", TOKEN_KEY, expiredToken(subject, CLIENT_NAME, "client"));
    // the next call fails with 401: back to sign-in, saying so
    client.go("/#/shop");
    client.go("/#/shop/orders");
    client.shown("signin-username");
    client.shot("expired");
    client.type("signin-username", CLIENT_NAME).type("signin-password", CLIENT_PASSWORD).click("signin-submit");
    client.until("back on the orders page", d -> d.getCurrentUrl().endsWith("#/shop/orders") ? true : null);
    client.shown("signout");
    client.shot("back");
    client.drainConsole(UNAUTHORIZED);
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  /** Where session.js keeps the token (sessionStorage). */
  static final String TOKEN_KEY = "micronet.token";

  private static Set<String> managerOnly() {
    return Set.of("service-card", "card-start", "card-stop", "card-scale", "card-fail", "card-recover", "graph", "graph-node",
      "chart", "activity-list", "activity-item", "onetest-run", "onetest-row", "users-search", "user-row",
      "alerts-nav", "alerts-badge", "alert-row", "alert-ack", "alert-silence", "silence-row", "rules-nav", "rule-row", "rule-new", "rule-form");
  }

  private static List<String> managerControls(Browser browser) {
    // read in one go by the page itself: a view re-rendering meanwhile leaves no stale element behind
    List<?> names = (List<?>) browser.script("return Array.from(document.querySelectorAll('[data-test]'), e => e.dataset.test)");
    return names.stream().map(String::valueOf).filter(name -> managerOnly().contains(name) || name.startsWith("card-")).toList();
  }

  private static void signedInManager() {
    Assumptions.assumeTrue(managerIn, "the manager did not sign in (managerSignsIn failed)");
    manager.go("/#/ops");
    manager.shown("signout");
  }

  private static void signedInClient() {
    Assumptions.assumeTrue(clientIn, "the client did not register and sign in (aClientRegistersAndSignsIn failed)");
    client.shown("signout");
  }

  private static Object red(List<org.openqa.selenium.WebElement> elements) {
    return elements.stream().map(e -> e.getDomAttribute("data-status")).anyMatch(s -> "DOWN".equals(s) || "DEGRADED".equals(s)) ? true : null;
  }

  /** A mark on the page that a reload would wipe. */
  private static void markPage(Browser browser) {
    browser.script("window.__notReloaded = true");
  }

  private static void assertPageKept(Browser browser) {
    assertEquals(Boolean.TRUE, browser.script("return window.__notReloaded === true"), "the page was reloaded");
  }

  private static void assertNoInjectedElement(Browser browser) {
    assertTrue(browser.driver.findElements(By.cssSelector("img[src='x']")).isEmpty(), "markup became an element");
    assertFalse(Boolean.TRUE.equals(browser.script("return window.__pwned === 1")), "markup ran a script");
  }

  private static JsonObject status() {
    return node.send(HttpMethod.GET, "/status", null, null).bodyAsJsonObject();
  }

  private static String createProduct(String name, String category, double price, int stock, String description) {
    HttpResponse<Buffer> created = node.send(HttpMethod.POST, "/api/products", node.manager(), new JsonObject().put("name", name)
      .put("category", category).put("price", price).put("stock", stock).put("description", description));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  private static JsonObject claims(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  /** A token signed with the node's key whose time is over (an hour ago, beyond any clock-skew leeway). */
  private static String expiredToken(String subject, String username, String role) {
    long now = Instant.now().getEpochSecond();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(new JsonObject().put("sub", subject).put("username", username).put("role", role).put("ver", 0)
      .put("iss", Tokens.ISSUER).put("aud", new JsonArray().add(Tokens.USER_AUDIENCE)).put("iat", now - 7200).put("exp", now - 3600)
      .encode().getBytes(StandardCharsets.UTF_8));
    return header + "." + payload + "." + node.tokens.mac(header + "." + payload);
  }
}
