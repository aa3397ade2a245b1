package io.micronet.alerts;

import java.util.Arrays;

/**
 * How far a value lies from its own recent past, in deviations: (x − mean) / stddev, or the robust variant
 * (x − median) / (MAD × 1.4826), which a few outliers in the window do not drag along. A flat window (no spread)
 * gives an infinite score for any different value: the floor of the rule ({@code op value}) keeps noise out.
 */
final class ZScore {

  /** Fewer points than this in the window say nothing yet. */
  static final int MIN_POINTS = 5;
  static final double MAD_TO_SIGMA = 1.4826;

  private ZScore() {
  }

  /** The score of {@code x} against {@code window}; null when the window is too short. */
  static Double score(double[] window, double x, boolean robust) {
    if (window.length < MIN_POINTS) {
      return null;
    }
    double center;
    double scale;
    if (robust) {
      center = median(window.clone());
      double[] deviations = new double[window.length];
      for (int i = 0; i < window.length; i++) {
        deviations[i] = Math.abs(window[i] - center);
      }
      scale = median(deviations) * MAD_TO_SIGMA;
    } else {
      double sum = 0;
      for (double v : window) {
        sum += v;
      }
      center = sum / window.length;
      double squares = 0;
      for (double v : window) {
        squares += (v - center) * (v - center);
      }
      scale = Math.sqrt(squares / window.length);
    }
    double distance = x - center;
    if (scale == 0) {
      return distance == 0 ? 0.0 : Math.copySign(Double.POSITIVE_INFINITY, distance);
    }
    return distance / scale;
  }

  static double median(double[] values) {
    Arrays.sort(values);
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }
}
