package io.securemail.operator.evidence.cli;

/** The {@code evidence} command's exit codes, one per kind of failure, so a script can tell them apart. */
final class ExitCode {

  /** The document was written. */
  static final int EXPORTED = 0;
  /** Something the command did not foresee: a bug, named on standard error without a stack trace. */
  static final int UNEXPECTED = 1;
  /** Bad arguments (nothing was read), or a time range the operator refused (HTTP 400). */
  static final int BAD_ARGUMENTS = 2;
  /** The source could not be read: the operator is unreachable or answered an error, or the file is unreadable. */
  static final int UNREACHABLE = 3;
  /** The operator keeps no history for that resource (HTTP 404). */
  static final int NO_HISTORY = 4;
  /** What was read is not an evidence document: not JSON, or not its shape. */
  static final int NOT_EVIDENCE = 5;
  /** An evidence document of a schemaVersion this command does not read. */
  static final int UNSUPPORTED_VERSION = 6;
  /** The output file could not be written. */
  static final int CANNOT_WRITE = 7;

  private ExitCode() {}
}
