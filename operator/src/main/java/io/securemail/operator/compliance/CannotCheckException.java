package io.securemail.operator.compliance;

/**
 * The domain could not be checked at all (the resolver does not answer, a trust anchor file is
 * unreadable): there is no verdict, which is different from a failing one.
 */
public class CannotCheckException extends Exception {

  public CannotCheckException(String message) {
    super(message);
  }

  public CannotCheckException(String message, Throwable cause) {
    super(message, cause);
  }
}
