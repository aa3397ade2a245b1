package io.micronet.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One headless Chromium (Debian's {@code chromium} driven by its {@code chromedriver}), for the dashboard's browser
 * tests: finds elements by their {@code data-test} names (the contract between the dashboard and its tests), waits
 * for them with bounded polls (a hang guard, never a timing assertion), saves a screenshot of every step under
 * {@code target/screenshots/<test>/<step>.png}, and collects the browser's console so that a test can say it stayed
 * free of errors.
 */
public final class Browser implements AutoCloseable {

  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  public static final Dimension LAPTOP = new Dimension(1366, 900);
  public static final Dimension PHONE = new Dimension(390, 844);
  /** The longest any wait may take before the test fails; the machine is shared and slow, so generous. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  public final WebDriver driver;
  private final ChromeDriverService service;
  private final Path profile;
  private final Path screenshots;
  private final String base;
  private final List<String> consoleErrors = new ArrayList<>();
  private String test = "unnamed";
  private int step;

  private Browser(ChromeDriverService service, WebDriver driver, Path profile, Path screenshots, String base) {
    this.service = service;
    this.driver = driver;
    this.profile = profile;
    this.screenshots = screenshots;
    this.base = base;
  }

  /** Why no browser can be started here, or empty when one can (the tests are skipped, saying this, without it). */
  public static Optional<String> unavailable() {
    if (!Files.isExecutable(CHROMIUM)) {
      return Optional.of("no " + CHROMIUM + ": install Debian's chromium (scripts/test-browser install, as root)");
    }
    if (!Files.isExecutable(CHROMEDRIVER)) {
      return Optional.of("no " + CHROMEDRIVER + ": install Debian's chromium-driver (scripts/test-browser install, as root)");
    }
    return Optional.empty();
  }

  /** A fresh browser (its own profile) at window {@code size}, whose pages are under {@code base} (http://host:port). */
  public static Browser open(String base, Dimension size) {
    Path profile;
    try {
      profile = Files.createTempDirectory("micronet-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // as root Chromium runs only without its sandbox; the rest keeps it from calling out to the internet
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
      "--user-data-dir=" + profile, "--window-size=" + size.getWidth() + "," + size.getHeight());
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    // the driver named here: Selenium Manager (which would download one) is never asked
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
      .usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    return new Browser(service, driver, profile, Path.of("target", "screenshots"), base).size(size);
  }

  /** The test the next screenshots belong to (their folder); numbering restarts. */
  public Browser test(String name) {
    test = name;
    step = 0;
    return this;
  }

  /** Sets the page's viewport (what a laptop or a phone shows) to {@code size}: the window is that plus its frame. */
  public Browser size(Dimension size) {
    driver.manage().window().setSize(size);
    Object inner = script("return [window.innerWidth, window.innerHeight]");
    if (inner instanceof List<?> viewport && viewport.size() == 2) {
      int width = ((Number) viewport.get(0)).intValue();
      int height = ((Number) viewport.get(1)).intValue();
      driver.manage().window().setSize(new Dimension(2 * size.getWidth() - width, 2 * size.getHeight() - height));
    }
    return this;
  }

  /** Opens {@code path} (e.g. {@code /#/signin}) of the gateway. */
  public Browser go(String path) {
    driver.get(base + path);
    return this;
  }

  public static By by(String name, String... attributes) {
    StringBuilder css = new StringBuilder("[data-test=\"").append(name).append("\"]");
    for (int i = 0; i + 1 < attributes.length; i += 2) {
      css.append("[").append(attributes[i]).append("=\"").append(attributes[i + 1]).append("\"]");
    }
    return By.cssSelector(css.toString());
  }

  /** Waits for a displayed element {@code data-test=name} (with the given attribute pairs). */
  public WebElement shown(String name, String... attributes) {
    By by = by(name, attributes);
    return until(name + " shown", d -> d.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
  }

  /** Waits for an element {@code data-test=name} in the page, shown or not (the graph's hidden list). */
  public WebElement present(String name, String... attributes) {
    By by = by(name, attributes);
    return until(name + " present", d -> d.findElements(by).stream().findFirst().orElse(null));
  }

  public List<WebElement> all(String name, String... attributes) {
    return driver.findElements(by(name, attributes));
  }

  /** Waits for a displayed element and clicks it. */
  public Browser click(String name, String... attributes) {
    WebElement element = shown(name, attributes);
    until(name + " enabled", d -> element.isEnabled() ? element : null);
    element.click();
    return this;
  }

  /** Clears the field {@code data-test=name} and types {@code text} into it. */
  public Browser type(String name, String text) {
    WebElement field = shown(name);
    field.clear();
    field.sendKeys(text);
    return this;
  }

  /** Waits (bounded by {@link #WAIT}) until {@code condition} gives something other than null or false. */
  public <T> T until(String what, Function<WebDriver, T> condition) {
    return until(what, WAIT, condition);
  }

  public <T> T until(String what, Duration limit, Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, limit, Duration.ofMillis(100)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition::apply);
    } catch (TimeoutException e) {
      shot("timeout");
      fail("not within " + limit.toSeconds() + " s in " + test + ": " + what + " (url " + driver.getCurrentUrl() + ")");
      return null;
    }
  }

  /** Waits until the text of a shown element {@code data-test=name} contains {@code text}. */
  public WebElement text(String name, String text, String... attributes) {
    By by = by(name, attributes);
    return until(name + " says '" + text + "'", d -> d.findElements(by).stream()
      .filter(e -> e.isDisplayed() && e.getText().contains(text)).findFirst().orElse(null));
  }

  public Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /** Saves a screenshot as {@code target/screenshots/<test>/<nn>-<step>.png}. */
  public Path shot(String name) {
    Path file = screenshots.resolve(test).resolve(String.format("%02d-%s.png", ++step, name));
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
    } catch (IOException | RuntimeException e) {
      System.out.println("screenshot " + file + " not saved: " + e);
    }
    return file;
  }

  /**
   * Reads what the console said since the last read; every error (level SEVERE) is kept for {@link #assertConsoleClean},
   * except those matching {@code expected} (e.g. the refused connections while the gateway restarts).
   */
  public List<LogEntry> drainConsole(Pattern expected) {
    List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).getAll();
    for (LogEntry entry : entries) {
      if (entry.getLevel().intValue() >= Level.SEVERE.intValue()
        && (expected == null || !expected.matcher(entry.getMessage()).find())) {
        consoleErrors.add(test + ": " + entry.getMessage());
      }
    }
    return entries;
  }

  /** Fails when the console has shown an error not expected since the last check (then forgets them). */
  public void assertConsoleClean() {
    drainConsole(null);
    if (!consoleErrors.isEmpty()) {
      List<String> errors = List.copyOf(consoleErrors);
      consoleErrors.clear();
      fail("the browser console has errors:\n  " + String.join("\n  ", errors));
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } catch (RuntimeException e) {
      System.out.println("the browser did not quit cleanly: " + e);
    } finally {
      service.stop();
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      } catch (IOException e) {
        System.out.println("the browser profile " + profile + " stays: " + e);
      }
    }
  }
}
