package io.securemail.operator.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;

/**
 * What an unexpected failure of a reconcile means to a person, for Ready=False: a reason and one
 * line, never a stack trace. The reconcile is retried with the SDK's backoff; the parts' own
 * conditions keep what they said before.
 *
 * @param reason {@code Forbidden} (the operator's RBAC refused a call), {@code ApiRequestFailed}
 *     (the API server refused or failed a request) or {@code ReconcileFailed}
 * @param message what failed, with the API server's words
 */
public record ReconcileError(String reason, String message) {

  public static ReconcileError of(Exception e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof AggregatedOperatorException aggregated && !aggregated.getAggregatedExceptions().isEmpty()) {
        // The workflow's dependents failed: the first failure speaks for them (they are retried together).
        return of(aggregated.getAggregatedExceptions().values().iterator().next());
      }
    }
    KubernetesClientException k = apiError(e);
    if (k != null) {
      String said = said(e);
      if (k.getCode() == 403) {
        return new ReconcileError("Forbidden", "The API server refused the operator a request: " + said
            + ". Its ServiceAccount lacks a permission the Helm chart grants (see helm/README.md, RBAC); "
            + "retrying with backoff");
      }
      return new ReconcileError("ApiRequestFailed", "An API request failed"
          + (k.getCode() > 0 ? " (HTTP " + k.getCode() + ")" : "") + ": " + said + "; retrying with backoff");
    }
    return new ReconcileError("ReconcileFailed", "The reconcile failed: " + e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())) + "; retrying with backoff");
  }

  /** What went wrong, in one line: the API server's own words where it gave a reason. */
  public static String said(Exception e) {
    KubernetesClientException k = apiError(e);
    if (k != null && k.getStatus() != null && k.getStatus().getMessage() != null) {
      return k.getStatus().getMessage();
    }
    return firstLine(k != null ? k.getMessage() : e.getMessage());
  }

  private static KubernetesClientException apiError(Throwable e) {
    Throwable cause = e;
    while (cause != null && !(cause instanceof KubernetesClientException)) {
      cause = cause.getCause();
    }
    return (KubernetesClientException) cause;
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int newline = text.indexOf('\n');
    String line = newline < 0 ? text : text.substring(0, newline);
    return line.length() > 500 ? line.substring(0, 500) + "..." : line;
  }
}
