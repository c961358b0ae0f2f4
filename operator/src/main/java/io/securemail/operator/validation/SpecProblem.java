package io.securemail.operator.validation;

/** One thing wrong with a spec: the field path (as kubectl explain spells it) and what is wrong. */
public record SpecProblem(String field, String message) {

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
