package io.securemail.operator.compliance.smtp;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bouncycastle.tls.CipherSuite;

/**
 * The cipher suites BSI TR-02102-2 recommends, the one list the bsi-tr-03108 profile judges a server
 * by (tls.cipher) and the MTA's cipher configuration can be rendered from.
 *
 * <p>Source: BSI TR-02102-2 "Kryptographische Verfahren: Verwendung von Transport Layer Security
 * (TLS)", version 2023-01: Table 1 (recommended TLS 1.2 suites with perfect forward secrecy) and
 * Table 11 (recommended TLS 1.3 suites). BSI TR-03108-1 (secure mail
 * transport) refers to TR-02102-2 for TLS. The PSK suites of TR-02102-2 (Tables 2 and 12) are left
 * out: SMTP between MTAs does not use pre-shared keys.
 *
 * <p>The TLS 1.2 table lists the 256-bit DHE CBC suites with SHA-256 (IANA defines no DHE suite
 * with AES-256-CBC and SHA-384). The DSA-authenticated (DHE-DSS) suites are listed although
 * hardly any MTA serves DSA certificates; TR-02102-2 keeps them in Table 1.
 */
public final class Tr02102Suites {

  /** The document and version the tables are taken from. */
  public static final String SOURCE = "BSI TR-02102-2, version 2023-01";

  /**
   * One recommended suite.
   *
   * @param code the two-byte IANA value
   * @param iana the IANA (and RFC, JDK, BouncyCastle) name
   * @param openssl the OpenSSL name, as Postfix's {@code tls_*_cipherlist} and OpenSSL's
   *     {@code -ciphersuites} take it (for TLS 1.3 OpenSSL uses the IANA names)
   * @param table where TR-02102-2 lists it: "Table 1" (TLS 1.2) or "Table 11" (TLS 1.3)
   */
  public record Suite(int code, String iana, String openssl, String table) {

    public boolean tls13() {
      return table.equals(TABLE_11);
    }
  }

  static final String TABLE_1 = "Table 1";
  static final String TABLE_11 = "Table 11";

  /** TR-02102-2 Table 1: TLS 1.2 suites with perfect forward secrecy, in the table's order. */
  public static final List<Suite> TLS_1_2 = List.of(
      tls12(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
          "ECDHE-ECDSA-AES128-SHA256"),
      tls12(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
          "ECDHE-ECDSA-AES256-SHA384"),
      tls12(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "ECDHE-ECDSA-AES128-GCM-SHA256"),
      tls12(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "ECDHE-ECDSA-AES256-GCM-SHA384"),
      tls12(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM",
          "ECDHE-ECDSA-AES128-CCM"),
      tls12(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CCM, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM",
          "ECDHE-ECDSA-AES256-CCM"),
      tls12(CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
          "ECDHE-RSA-AES128-SHA256"),
      tls12(CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
          "ECDHE-RSA-AES256-SHA384"),
      tls12(CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "ECDHE-RSA-AES128-GCM-SHA256"),
      tls12(CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "ECDHE-RSA-AES256-GCM-SHA384"),
      tls12(CipherSuite.TLS_DHE_DSS_WITH_AES_128_CBC_SHA256, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
          "DHE-DSS-AES128-SHA256"),
      tls12(CipherSuite.TLS_DHE_DSS_WITH_AES_256_CBC_SHA256, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
          "DHE-DSS-AES256-SHA256"),
      tls12(CipherSuite.TLS_DHE_DSS_WITH_AES_128_GCM_SHA256, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256",
          "DHE-DSS-AES128-GCM-SHA256"),
      tls12(CipherSuite.TLS_DHE_DSS_WITH_AES_256_GCM_SHA384, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384",
          "DHE-DSS-AES256-GCM-SHA384"),
      tls12(CipherSuite.TLS_DHE_RSA_WITH_AES_128_CBC_SHA256, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
          "DHE-RSA-AES128-SHA256"),
      tls12(CipherSuite.TLS_DHE_RSA_WITH_AES_256_CBC_SHA256, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
          "DHE-RSA-AES256-SHA256"),
      tls12(CipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
          "DHE-RSA-AES128-GCM-SHA256"),
      tls12(CipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
          "DHE-RSA-AES256-GCM-SHA384"),
      tls12(CipherSuite.TLS_DHE_RSA_WITH_AES_128_CCM, "TLS_DHE_RSA_WITH_AES_128_CCM",
          "DHE-RSA-AES128-CCM"),
      tls12(CipherSuite.TLS_DHE_RSA_WITH_AES_256_CCM, "TLS_DHE_RSA_WITH_AES_256_CCM",
          "DHE-RSA-AES256-CCM"));

  /**
   * TR-02102-2 Table 11: TLS 1.3 suites. Not TLS_CHACHA20_POLY1305_SHA256 (BSI TR-02102-1 does not
   * recommend ChaCha20) and not TLS_AES_128_CCM_8_SHA256 (64-bit tag).
   */
  public static final List<Suite> TLS_1_3 = List.of(
      tls13(CipherSuite.TLS_AES_128_GCM_SHA256, "TLS_AES_128_GCM_SHA256"),
      tls13(CipherSuite.TLS_AES_256_GCM_SHA384, "TLS_AES_256_GCM_SHA384"),
      tls13(CipherSuite.TLS_AES_128_CCM_SHA256, "TLS_AES_128_CCM_SHA256"));

  private static final Map<String, Suite> BY_NAME = Stream.concat(TLS_1_2.stream(), TLS_1_3.stream())
      .collect(Collectors.toUnmodifiableMap(Suite::iana, Function.identity()));

  private Tr02102Suites() {}

  /** Both tables, TLS 1.2 first. */
  public static List<Suite> all() {
    return Stream.concat(TLS_1_2.stream(), TLS_1_3.stream()).toList();
  }

  /** Whether TR-02102-2 lists the suite (by IANA name) in Table 1 or Table 11. */
  public static boolean recommended(String ianaName) {
    return BY_NAME.containsKey(ianaName);
  }

  /** Table 1 as an OpenSSL cipher list ("ECDHE-ECDSA-AES128-SHA256:..."), in the table's order. */
  public static String opensslTls12CipherList() {
    return TLS_1_2.stream().map(Suite::openssl).collect(Collectors.joining(":"));
  }

  /** Table 11 as OpenSSL's TLS 1.3 {@code ciphersuites} value. */
  public static String opensslTls13CipherSuites() {
    return TLS_1_3.stream().map(Suite::openssl).collect(Collectors.joining(":"));
  }

  /** The codes of both tables, for a handshake that offers them. */
  static int[] codes() {
    return all().stream().mapToInt(Suite::code).toArray();
  }

  private static Suite tls12(int code, String iana, String openssl) {
    return new Suite(code, iana, openssl, TABLE_1);
  }

  private static Suite tls13(int code, String iana) {
    return new Suite(code, iana, iana, TABLE_11);
  }
}
