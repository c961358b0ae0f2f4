package io.securemail.operator.compliance.mtasts;

/** The outcome of fetching a policy: the body, or why a sender would not accept it. */
public record PolicyFetch(String url, String body, String failure) {

  public static PolicyFetch ok(String url, String body) {
    return new PolicyFetch(url, body, null);
  }

  public static PolicyFetch failed(String url, String failure) {
    return new PolicyFetch(url, null, failure);
  }

  public boolean ok() {
    return failure == null;
  }
}
