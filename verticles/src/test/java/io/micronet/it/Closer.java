package io.micronet.it;

/**
 * What a multi-JVM test made, closed in the order given after it ran: each part is closed even when one before it
 * failed (the bed, closed last, must go whatever happened), and the first failure is thrown once all were tried.
 * Parts not made (null) are skipped.
 */
final class Closer {

  private Closer() {
  }

  static void closeAll(AutoCloseable... parts) {
    RuntimeException first = null;
    for (AutoCloseable part : parts) {
      if (part == null) {
        continue;
      }
      try {
        part.close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
