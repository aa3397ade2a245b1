package io.micronet.alerts;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The z-score, plain (mean, population stddev) and robust (median, MAD × 1.4826), worked by hand. */
class ZScoreTest {

  @Test
  void plainAndRobustScores() {
    double[] window = {1, 2, 3, 4, 5};
    // mean 3, stddev sqrt(2)
    assertEquals((6 - 3) / Math.sqrt(2), ZScore.score(window, 6, false), 1e-9);
    // median 3, MAD 1 → scale 1.4826
    assertEquals(3 / 1.4826, ZScore.score(window, 6, true), 1e-9);
    assertEquals(-2 / 1.4826, ZScore.score(window, 1, true), 1e-9);
  }

  @Test
  void anOutlierInTheWindowDragsThePlainScoreOnly() {
    double[] window = {10, 10, 11, 9, 10, 10, 500};
    double plain = ZScore.score(window, 30, false);
    double robust = ZScore.score(window, 30, true);
    assertTrue(plain < 1, "the outlier inflates the stddev: " + plain);
    assertTrue(robust > 10, "median and MAD ignore it: " + robust);
  }

  @Test
  void shortAndFlatWindows() {
    assertNull(ZScore.score(new double[] {1, 2, 3, 4}, 9, false), "too few points");
    assertEquals(Double.POSITIVE_INFINITY, ZScore.score(new double[] {0, 0, 0, 0, 0}, 1, true));
    assertEquals(Double.NEGATIVE_INFINITY, ZScore.score(new double[] {2, 2, 2, 2, 2}, 1, false));
    assertEquals(0.0, ZScore.score(new double[] {2, 2, 2, 2, 2}, 2, false));
    assertEquals(2.5, ZScore.median(new double[] {4, 1, 3, 2}));
  }
}
