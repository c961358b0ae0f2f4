package io.securemail.operator.certs;

import io.securemail.operator.api.DaneStatus;
import java.time.Duration;
import java.util.List;

/**
 * The certificates step before cert-manager's verdict is known: the rollover's decision (the TLSA
 * keys to publish now, status.dane) and how the condition reads once cert-manager agrees.
 *
 * @param tlsaSpkis keys whose 3 1 1 TLSA records every MX host must have now
 * @param dane status.dane
 * @param stuck why the rollover is stuck (null: it is not)
 * @param readyMessage the condition's message when the certificates are issued
 * @param retryAfter when the rollover wants to look again (null: no hurry)
 * @param poll how often issuance in progress is looked at
 * @param daneEnabled false: no rollover runs, and only issuance is waited for
 */
public record CertStep(List<String> tlsaSpkis, DaneStatus dane, String stuck, String readyMessage,
    Duration retryAfter, Duration poll, boolean daneEnabled) {

  /** CertificatesReady's reason while the certificates are issued but no MX endpoint serves the key yet. */
  public static final String MX_NOT_SERVING_KEY = "MxNotServingKey";

  /**
   * A domain attached to MailTransport {@code transport}: its only certificate is the mta-sts
   * host's; the MX hosts' keys, certificates, TLSA records and DANE rollover are the transport's
   * (status.transport.danePhase shows the rollover), so there is no status.dane and no TLSA to publish.
   */
  public static CertStep servedByTransport(String transport, Duration poll) {
    return new CertStep(List.of(), null, null, "The mta-sts certificate is issued; the MX hosts' keys, certificates "
        + "and TLSA records are MailTransport " + transport + "'s", null, poll, false);
  }

  /** The CertificatesReady condition, given what cert-manager says. */
  CertOutcome judged(CertManager.Verdict certificates) {
    if (!certificates.ready()) {
      boolean issuing = "Issuing".equals(certificates.reason());
      return new CertOutcome(tlsaSpkis, dane, "False", certificates.reason(), certificates.message(),
          issuing || !daneEnabled ? poll : retryAfter);
    }
    if (stuck != null) {
      return new CertOutcome(tlsaSpkis, dane, "False", "DaneRolloverStuck", stuck, retryAfter);
    }
    if (daneEnabled && tlsaSpkis.isEmpty()) {
      // Initial: no TLSA record is published before every MX endpoint serves the key (a TLSA record
      // for a key not served makes DANE senders defer mail, RFC 7672 section 2.2), so DANE is not in
      // effect yet and the domain is not Ready; the MTA, the operator's or the user's, must serve it.
      return new CertOutcome(tlsaSpkis, dane, "False", MX_NOT_SERVING_KEY, readyMessage, retryAfter);
    }
    return new CertOutcome(tlsaSpkis, dane, "True", "Ready", readyMessage, retryAfter);
  }
}
