package io.securemail.operator.compliance.mtasts;

import java.util.Optional;

/** A parsed value, or why the text is not one. */
public record Parsed<T>(T value, String error) {

  public static <T> Parsed<T> ok(T value) {
    return new Parsed<>(value, null);
  }

  public static <T> Parsed<T> error(String error) {
    return new Parsed<>(null, error);
  }

  public boolean ok() {
    return error == null;
  }

  public Optional<T> optional() {
    return Optional.ofNullable(value);
  }
}
