package io.micronet.chatops;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * "Did you mean …": the known names closest to a mistyped one by edit distance (insertions, deletions, substitutions
 * and swaps of two neighbours each cost 1), within a distance that grows with the word's length, the nearest ones only;
 * also names the typed word is a prefix of.
 */
final class Suggestions {

  private static final int MAX = 3;

  private Suggestions() {
  }

  static List<String> closest(String typed, Collection<String> known) {
    String word = typed.toLowerCase(Locale.ROOT);
    int limit = word.length() <= 3 ? 1 : word.length() <= 6 ? 2 : 3;
    List<Scored> near = known.stream().distinct()
      .map(name -> new Scored(name, name.startsWith(word) && word.length() >= 2 ? 0 : distance(word, name.toLowerCase(Locale.ROOT))))
      .filter(s -> s.distance() <= limit)
      .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
      .toList();
    // only the nearest: "stauts" is status (one swap), not also start (two edits)
    int best = near.isEmpty() ? 0 : near.get(0).distance();
    return near.stream().filter(s -> s.distance() == best).limit(MAX).map(Scored::name).toList();
  }

  /** " Did you mean products?" (or the empty text when nothing is close). */
  static String didYouMean(List<String> suggestions) {
    if (suggestions.isEmpty()) {
      return "";
    }
    return " Did you mean " + (suggestions.size() == 1 ? suggestions.get(0)
      : String.join(", ", suggestions.subList(0, suggestions.size() - 1)) + " or " + suggestions.get(suggestions.size() - 1)) + "?";
  }

  private record Scored(String name, int distance) {
  }

  /** Optimal string alignment distance (Damerau–Levenshtein without repeated edits of one substring). */
  static int distance(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 3 && Math.min(a.length(), b.length()) > 0) {
      return Math.abs(a.length() - b.length());
    }
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
