package io.micronet.tools.cli;

/**
 * What {@code scripts/micronet}'s manager commands exit with, so that a script can tell "the platform said no" from
 * "there is no platform" and "you may not" (README "Manager CLI").
 */
public final class ExitCodes {

  /** Done. */
  public static final int OK = 0;
  /** The platform answered with an error (its message and code are printed). */
  public static final int PLATFORM_ERROR = 1;
  /** The command line is wrong (picocli's own code for a usage error); the usage is printed. */
  public static final int USAGE = 2;
  /** No platform there: connection refused, unknown host, no answer in time, or something else answering. */
  public static final int UNREACHABLE = 3;
  /** Authentication failed: wrong user or password, a refused token, or no credentials at all. */
  public static final int AUTH_FAILED = 4;
  /** Signed in, but the role may not do this (a client asking for a manager's command). */
  public static final int FORBIDDEN = 5;

  private ExitCodes() {
  }
}
