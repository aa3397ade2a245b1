package io.micronet.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Service percentiles from instance ones: exact where they can be, bounded by the instances', and sensitive to one slow instance. */
class PercentilesTest {

  private static final Percentiles.Part FAST = new Percentiles.Part(100, 1, 2, 3);
  private static final Percentiles.Part SLOW = new Percentiles.Part(50, 500, 500, 500);

  @Test
  void oneInstanceIsItsOwnPercentiles() {
    assertEquals(1, Percentiles.of(List.of(FAST), 0.5));
    assertEquals(2, Percentiles.of(List.of(FAST), 0.95));
    assertEquals(3, Percentiles.of(List.of(FAST), 0.99));
    assertEquals(0, Percentiles.of(List.of(), 0.99));
  }

  @Test
  void instancesAlikeGiveTheirPercentiles() {
    List<Percentiles.Part> alike = List.of(FAST, new Percentiles.Part(300, 1, 2, 3));
    assertEquals(1, Percentiles.of(alike, 0.5), 0.001);
    assertEquals(2, Percentiles.of(alike, 0.95), 0.001);
    assertEquals(3, Percentiles.of(alike, 0.99), 0.001);
  }

  @Test
  void oneSlowInstanceRaisesTheTailNotTheMedian() {
    List<Percentiles.Part> mixed = List.of(FAST, FAST, SLOW);
    double p50 = Percentiles.of(mixed, 0.5);
    double p99 = Percentiles.of(mixed, 0.99);
    System.out.printf("two fast (p50 1, p99 3 ms) and one slow (500 ms) instance, weights 100/100/50: p50 %.2f, p95 %.2f, p99 %.2f%n",
      p50, Percentiles.of(mixed, 0.95), p99);
    assertTrue(p50 < 3, () -> "median stays with the fast instances: " + p50);
    assertTrue(p99 > 400 && p99 <= 500, () -> "tail is the slow instance's: " + p99);
  }

  @Test
  void alwaysBetweenTheInstancesValuesAndWeightsCount() {
    Percentiles.Part a = new Percentiles.Part(1, 10, 20, 40);
    Percentiles.Part b = new Percentiles.Part(1, 30, 60, 90);
    for (double q : new double[] {0.5, 0.95, 0.99}) {
      double mixed = Percentiles.of(List.of(a, b), q);
      double low = q == 0.5 ? 10 : q == 0.95 ? 20 : 40;
      double high = q == 0.5 ? 30 : q == 0.95 ? 60 : 90;
      assertTrue(mixed >= low - 0.001 && mixed <= high + 0.001, q + ": " + mixed);
    }
    double heavyA = Percentiles.of(List.of(new Percentiles.Part(99, 10, 20, 40), new Percentiles.Part(1, 30, 60, 90)), 0.5);
    double heavyB = Percentiles.of(List.of(new Percentiles.Part(1, 10, 20, 40), new Percentiles.Part(99, 30, 60, 90)), 0.5);
    assertTrue(heavyA < heavyB, heavyA + " vs " + heavyB);
    assertEquals(Percentiles.of(List.of(new Percentiles.Part(0, 10, 20, 40), new Percentiles.Part(0, 30, 60, 90)), 0.5),
      Percentiles.of(List.of(a, b), 0.5), 0.001, "no traffic anywhere: equal weights");
  }
}
