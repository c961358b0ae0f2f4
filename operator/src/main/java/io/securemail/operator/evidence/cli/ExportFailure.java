package io.securemail.operator.evidence.cli;

/**
 * Why the export could not be made, with the exit code that says so to a script. The message is
 * for a person and is printed as it is, without a stack trace.
 */
final class ExportFailure extends Exception {

  private final int exitCode;

  ExportFailure(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
