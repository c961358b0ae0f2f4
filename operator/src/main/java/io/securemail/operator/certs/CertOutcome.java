package io.securemail.operator.certs;

import io.securemail.operator.kube.PartStatus;

import io.securemail.operator.api.DaneStatus;
import java.time.Duration;
import java.util.List;

/**
 * The certificates step of a reconcile.
 *
 * @param tlsaSpkis keys whose 3 1 1 TLSA records every MX host must have now
 * @param dane status.dane
 * @param status CertificatesReady status, with its reason and message
 * @param retryAfter when to look again (null: no hurry)
 */
public record CertOutcome(List<String> tlsaSpkis, DaneStatus dane, String status, String reason, String message,
    Duration retryAfter) {

  public static final String CONDITION = "CertificatesReady";

  public boolean ready() {
    return "True".equals(status);
  }

  /** Reasons only a person can resolve: name or create an issuer, install cert-manager, read the failure. */
  static final java.util.Set<String> STALLED = java.util.Set.of("IssuerNotConfigured", "CertManagerNotInstalled",
      "IssuerNotFound", "IssuanceFailed", "DaneRolloverStuck");

  /** CertificatesReady, as status combines it. */
  public PartStatus part() {
    String what = CertStep.MX_NOT_SERVING_KEY.equals(reason) ? "DANE" : "certificates";
    return PartStatus.of(CONDITION, status, reason, message, retryAfter, "Certificates issued.", what)
        .stalledOn(STALLED);
  }
}
