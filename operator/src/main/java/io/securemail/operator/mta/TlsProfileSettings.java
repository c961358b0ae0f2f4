package io.securemail.operator.mta;

import io.securemail.operator.api.MtaSpec.TlsProfile;

/**
 * What a TLS profile means in Postfix parameters and OpenSSL settings, for both directions.
 *
 * <p>bsi-tr-03108: BSI TR-03108-1 (Secure E-Mail Transport) requires TLS as profiled by
 * TR-02102-2 (version 2023-01): TLS 1.2 or 1.3 only, forward secrecy, no compression, no insecure
 * renegotiation, server cipher preference.
 *
 * <ul>
 *   <li>TLS 1.2: {@link #BSI_TLS12_SUITES}, a subset of TR-02102-2 Table 1 (a server that offers
 *       fewer of the table's suites is compliant; offering one outside it is not). Of Table 1 the MTA keeps ECDHE with AES-GCM: AEAD, so the CBC
 *       suites' MAC-then-encrypt padding oracles (Lucky 13) do not arise, and the suites RFC 7525
 *       section 4.2 recommends, so TLS 1.2 peers offer them. Left out: the CBC suites (no AEAD);
 *       the CCM suites (ECDSA keys only, rarely offered); the DHE suites (they need finite-field
 *       groups of 3000 bits and more and add no peer over ECDHE). ChaCha20-Poly1305 is not in
 *       Table 1.
 *   <li>TLS 1.3: {@link #BSI_TLS13_SUITES}, exactly TR-02102-2 Table 11 (AES-GCM and AES-128-CCM;
 *       not ChaCha20-Poly1305, which OpenSSL offers by default). Postfix has no parameter for TLS
 *       1.3's suites (its cipher grades and {@code tls_high_cipherlist} govern TLS 1.2 and lower
 *       only), but it hands OpenSSL a configuration file of its own ({@code tls_config_file}, with
 *       the application section {@code tls_config_name}; Postfix 3.7.6 and later), whose
 *       {@code Ciphersuites} setting OpenSSL applies to every SSL context Postfix creates. The
 *       same file sets {@code MinProtocol = TLSv1.2} as the floor under Postfix's own protocol
 *       parameters. The restriction costs no peer: RFC 8446 section 9.1 makes
 *       TLS_AES_128_GCM_SHA256 mandatory for every TLS 1.3 implementation.
 * </ul>
 *
 * <p>mozilla-intermediate: Mozilla's "intermediate" server configuration (v5.7): TLS 1.2 and 1.3,
 * ECDHE/DHE with AES-GCM or ChaCha20-Poly1305; opportunistic outbound keeps Postfix's "medium"
 * grade, since a failed opportunistic handshake means delivery in the clear. TLS 1.3 keeps
 * OpenSSL's default suites (AES-GCM and ChaCha20-Poly1305, as Mozilla lists them): no OpenSSL
 * configuration file is rendered.
 *
 * <p>The lists here are what the MTA serves; the compliance checker judges peers against
 * TR-02102-2 with tables of its own, from which these may later be derived.
 *
 * @param protocols smtpd/smtp _tls_protocols and _tls_mandatory_protocols
 * @param cipherGrade the grade for mandatory and inbound TLS ({@code high})
 * @param highCipherList OpenSSL cipher list of the {@code high} grade (TLS 1.2 and lower)
 * @param opportunisticOutboundGrade smtp_tls_ciphers: the grade for opportunistic outbound TLS
 * @param tls13Suites OpenSSL {@code Ciphersuites} for TLS 1.3, in server preference order, or null
 *     to keep OpenSSL's default suites (then Postfix loads no OpenSSL configuration of ours)
 */
public record TlsProfileSettings(String protocols, String cipherGrade, String highCipherList,
    String opportunisticOutboundGrade, String tls13Suites) {

  /**
   * TLS 1.2 suites of bsi-tr-03108 (OpenSSL names), a subset of TR-02102-2 (2023-01) Table 1:
   * TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
   * TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256.
   */
  public static final String BSI_TLS12_SUITES = "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
      + "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";

  /**
   * TLS 1.3 suites of bsi-tr-03108 (RFC 8446 names, which OpenSSL uses too): all of TR-02102-2
   * (2023-01) Table 11, AES-256 first as in the TLS 1.2 list. TLS_AES_128_CCM_SHA256 is not in
   * OpenSSL's default set but is served once listed here.
   */
  public static final String BSI_TLS13_SUITES = "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256";

  public static TlsProfileSettings of(TlsProfile profile) {
    return switch (profile) {
      case BSI_TR_03108 -> new TlsProfileSettings(">=TLSv1.2", "high", BSI_TLS12_SUITES, "high", BSI_TLS13_SUITES);
      case MOZILLA_INTERMEDIATE -> new TlsProfileSettings(">=TLSv1.2", "high",
          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
              + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
              + "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384", "medium", null);
    };
  }
}
