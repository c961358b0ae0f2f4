package io.securemail.operator.certs;

import io.securemail.operator.kube.PartStatus;

import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.SecureMailDomain;
import java.time.Instant;
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

  /**
   * {@link #part()}, looked at less and less often ({@link PartStatus#backedOff}) while the
   * certificates wait for something other than an issuance under way or the rollover: an issuer
   * that is not Ready, missing or refusing. Once the issuer can issue, cert-manager's progress
   * changes the Certificates, whose informer wakes the domain at once, so the poll is only a
   * fallback; a thousand domains waiting for one issuer do not each come back every few seconds.
   */
  public PartStatus part(SecureMailDomain domain, Instant now) {
    boolean waitsForIssuer = !ready() && !"Issuing".equals(reason) && !CertStep.MX_NOT_SERVING_KEY.equals(reason)
        && !"DaneRolloverStuck".equals(reason);
    return waitsForIssuer ? part().backedOff(domain, now) : part();
  }
}
