package io.micronet.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The house rules of DESIGN.md, kept by a test rather than by memory: a verticle package never imports another
 * (they talk over the event bus only; {@code node}, the launcher, is the one place that names them all), shared
 * imports no verticle, and how a reply is classified lives once, in shared.
 */
class HouseRulesTest {

  /** One package per verticle (and the operator tools, which are no verticle's business either). */
  static final List<String> VERTICLE_PACKAGES = List.of("gateway", "users", "products", "orders", "tools", "monitor", "demo", "metrics",
    "activity", "chatops", "alerts");
  private static final String ROOT = "io.micronet.";

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.micronet");
    assertFalse(classes.that(com.tngtech.archunit.base.DescribedPredicate.describe("in a verticle package",
      c -> c.getPackageName().startsWith(ROOT + "gateway"))).isEmpty(), "the verticles' classes were imported");
  }

  @Test
  void aVerticlePackageNeverImportsAnother() {
    for (String own : VERTICLE_PACKAGES) {
      String[] others = VERTICLE_PACKAGES.stream().filter(p -> !p.equals(own)).map(p -> ROOT + p + "..").toArray(String[]::new);
      noClasses().that().resideInAPackage(ROOT + own + "..")
        .should().dependOnClassesThat().resideInAnyPackage(others)
        .because("verticles talk over the event bus only (DESIGN.md)")
        .check(classes);
    }
  }

  @Test
  void sharedImportsNoVerticle() {
    String[] verticles = VERTICLE_PACKAGES.stream().map(p -> ROOT + p + "..").toArray(String[]::new);
    String[] withNode = Arrays.copyOf(verticles, verticles.length + 1);
    withNode[verticles.length] = ROOT + "node..";
    noClasses().that().resideInAPackage(ROOT + "shared..")
      .should().dependOnClassesThat().resideInAnyPackage(withNode)
      .because("shared is what verticles share, and nothing of theirs")
      .check(classes);
  }

  @Test
  void repliesAreClassifiedOnlyInShared() {
    noClasses().that().resideOutsideOfPackage(ROOT + "shared..")
      .should().callMethod(ReplyException.class, "failureType")
      .because("how a reply is read (answer, refusal, failure) exists once: shared/messaging Replies")
      .check(classes);
  }
}
