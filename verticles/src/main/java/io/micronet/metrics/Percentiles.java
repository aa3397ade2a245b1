package io.micronet.metrics;

import java.util.List;

/**
 * A service's latency percentiles from its instances' ones. Percentiles do not add up, so each instance's latency
 * distribution is rebuilt from what its sample tells — a piecewise-linear CDF through (0 ms, 0), (p50, 0.5),
 * (p95, 0.95), (p99, 0.99) and (2 × p99, 1) — and the service's distribution is their mixture weighted by each
 * instance's requests; the service's p50/p95/p99 are that mixture's quantiles (found by bisection). Exact for one
 * instance or for instances alike, always between the smallest and the largest instance value, and right where it
 * matters: one slow instance among fast ones raises the service's p99 but not its p50.
 */
final class Percentiles {

  /** One instance's figures: how much it counts, and its percentiles in ms. */
  record Part(double weight, double p50, double p95, double p99) {
  }

  private static final double[] LEVELS = {0, 0.5, 0.95, 0.99, 1};
  private static final int ROUNDS = 60;

  private Percentiles() {
  }

  /** The {@code q}-quantile (0.5, 0.95, 0.99) of the mixture of {@code parts}; equal weights when none has any; 0 for none. */
  static double of(List<Part> parts, double q) {
    if (parts.isEmpty()) {
      return 0;
    }
    double total = parts.stream().mapToDouble(Part::weight).sum();
    boolean equal = !(total > 0);
    if (parts.size() == 1) {
      return own(parts.get(0), q);
    }
    double high = 0;
    for (Part part : parts) {
      high = Math.max(high, 2 * monotone(part)[3]);
    }
    double low = 0;
    for (int i = 0; i < ROUNDS && high - low > 1e-9; i++) {
      double mid = (low + high) / 2;
      if (mixture(parts, mid, equal ? parts.size() : total, equal) >= q) {
        high = mid;
      } else {
        low = mid;
      }
    }
    return high;
  }

  private static double own(Part part, double q) {
    double[] xs = monotone(part);
    return q <= 0.5 ? xs[1] : q <= 0.95 ? xs[2] : xs[3];
  }

  private static double mixture(List<Part> parts, double x, double total, boolean equal) {
    double sum = 0;
    for (Part part : parts) {
      sum += (equal ? 1 : part.weight()) * cdf(monotone(part), x);
    }
    return sum / total;
  }

  /** The knots 0, p50, p95, p99, 2 × p99 made non-decreasing (a window's percentiles may disagree slightly). */
  private static double[] monotone(Part part) {
    double p50 = Math.max(0, part.p50());
    double p95 = Math.max(p50, part.p95());
    double p99 = Math.max(p95, part.p99());
    return new double[] {0, p50, p95, p99, 2 * p99};
  }

  /** The share of requests at most {@code x} ms, on the piecewise-linear CDF through the knots. */
  static double cdf(double[] xs, double x) {
    double f = 0;
    for (int k = 0; k < xs.length - 1; k++) {
      if (x >= xs[k + 1]) {
        f = LEVELS[k + 1];
      } else {
        if (x >= xs[k] && xs[k + 1] > xs[k]) {
          f = Math.max(f, LEVELS[k] + (LEVELS[k + 1] - LEVELS[k]) * (x - xs[k]) / (xs[k + 1] - xs[k]));
        }
        break;
      }
    }
    return f;
  }
}
