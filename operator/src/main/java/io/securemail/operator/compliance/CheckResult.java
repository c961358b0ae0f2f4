package io.securemail.operator.compliance;

import java.util.Objects;

/**
 * One result: which check ({@code id}, a stable public name such as {@code dane.match}), on what
 * ({@code subject}: the domain, a DNS name, an MX host, or {@code host[address]} for one server
 * address), the verdict, and a message written for a mail administrator.
 */
public record CheckResult(String id, String subject, CheckStatus status, String message) {

  public CheckResult {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
  }

  public static CheckResult pass(String id, String subject, String message) {
    return new CheckResult(id, subject, CheckStatus.pass, message);
  }

  public static CheckResult warn(String id, String subject, String message) {
    return new CheckResult(id, subject, CheckStatus.warn, message);
  }

  public static CheckResult fail(String id, String subject, String message) {
    return new CheckResult(id, subject, CheckStatus.fail, message);
  }

  public static CheckResult skip(String id, String subject, String message) {
    return new CheckResult(id, subject, CheckStatus.skip, message);
  }

  /** The MX host (or other name) a subject such as {@code mx1.example.com[192.0.2.10]} is about. */
  public String subjectHost() {
    int bracket = subject.indexOf('[');
    return bracket < 0 ? subject : subject.substring(0, bracket);
  }
}
