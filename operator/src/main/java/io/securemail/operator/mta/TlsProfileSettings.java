package io.securemail.operator.mta;

import io.securemail.operator.api.MtaSpec.TlsProfile;

/**
 * What a TLS profile means in Postfix parameters, for both directions.
 *
 * <p>bsi-tr-03108: BSI TR-03108-1 (Secure E-Mail Transport) requires TLS as profiled by
 * TR-02102-2: TLS 1.2 or 1.3 only, forward secrecy (ECDHE) and AEAD suites (AES-GCM) for TLS 1.2,
 * no compression, no insecure renegotiation, server cipher preference. ChaCha20-Poly1305 is not in
 * TR-02102-2's list and is left out of the TLS 1.2 list. Postfix 3.7 cannot restrict TLS 1.3's
 * suites (they are all AEAD with forward secrecy; ChaCha20 remains offered in TLS 1.3).
 *
 * <p>mozilla-intermediate: Mozilla's "intermediate" server configuration (v5.7): TLS 1.2 and 1.3,
 * ECDHE/DHE with AES-GCM or ChaCha20-Poly1305; opportunistic outbound keeps Postfix's "medium"
 * grade, since a failed opportunistic handshake means delivery in the clear.
 *
 * @param protocols smtpd/smtp _tls_protocols and _tls_mandatory_protocols
 * @param cipherGrade the grade for mandatory and inbound TLS ({@code high})
 * @param highCipherList OpenSSL cipher list of the {@code high} grade (TLS 1.2 and lower)
 * @param opportunisticOutboundGrade smtp_tls_ciphers: the grade for opportunistic outbound TLS
 */
public record TlsProfileSettings(String protocols, String cipherGrade, String highCipherList,
    String opportunisticOutboundGrade) {

  public static TlsProfileSettings of(TlsProfile profile) {
    return switch (profile) {
      case BSI_TR_03108 -> new TlsProfileSettings(">=TLSv1.2", "high",
          "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:"
              + "ECDHE-RSA-AES128-GCM-SHA256", "high");
      case MOZILLA_INTERMEDIATE -> new TlsProfileSettings(">=TLSv1.2", "high",
          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
              + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
              + "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384", "medium");
    };
  }
}
