package io.micronet.tools.cli;

/**
 * Why a command stops, for the person at the terminal: a message (no stack trace, nothing secret) and the exit code
 * of {@link ExitCodes}.
 */
final class CliFailure extends RuntimeException {

  private final int exitCode;

  CliFailure(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
