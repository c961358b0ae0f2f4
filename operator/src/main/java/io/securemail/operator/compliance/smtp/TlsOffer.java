package io.securemail.operator.compliance.smtp;

import io.securemail.operator.compliance.Profile;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;

/**
 * What a TLS handshake offers. {@link #STANDARD} is what a typical sending MTA offers (TLS 1.0 to
 * 1.3 with common suites) and is used to see what the server chooses; the others offer only one
 * group of options to see whether the server accepts any of them (tls.version, tls.cipher). A server
 * picks one suite per handshake, so one handshake per group shows whether the group is enabled and
 * names a suite from it; grouping keeps the probe to a handful of handshakes (as testssl.sh does).
 */
public enum TlsOffer {
  /**
   * Both TR-02102-2 tables first, then what other senders commonly offer (ChaCha20, CBC with SHA-1,
   * RSA key exchange), so that a server that serves only one of them still completes a handshake.
   */
  STANDARD("TLS 1.0-1.3", ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv10), Suites.standard()),
  TLS_1_0("TLS 1.0", new ProtocolVersion[] {ProtocolVersion.TLSv10}, Suites.LEGACY),
  TLS_1_1("TLS 1.1", new ProtocolVersion[] {ProtocolVersion.TLSv11}, Suites.LEGACY),
  /** RSA key transport: no forward secrecy, with AEAD and CBC. */
  STATIC_RSA("suites without forward secrecy (RSA key exchange)", new ProtocolVersion[] {ProtocolVersion.TLSv12},
      new int[] {
          CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
          CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256, CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA256,
          CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA}),
  /** Forward secret but CBC with HMAC instead of AEAD. */
  CBC("CBC suites (no AEAD)", new ProtocolVersion[] {ProtocolVersion.TLSv12}, new int[] {
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
      CipherSuite.TLS_DHE_RSA_WITH_AES_128_CBC_SHA256, CipherSuite.TLS_DHE_RSA_WITH_AES_256_CBC_SHA256,
      CipherSuite.TLS_DHE_RSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_DHE_RSA_WITH_AES_256_CBC_SHA}),
  /** Forward secret CBC suites outside TR-02102-2 Table 1: SHA-1 MACs and 3DES. */
  CBC_SHA1("CBC suites with SHA-1 (outside TR-02102-2)", new ProtocolVersion[] {ProtocolVersion.TLSv12}, new int[] {
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
      CipherSuite.TLS_DHE_RSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_DHE_RSA_WITH_AES_256_CBC_SHA,
      CipherSuite.TLS_DHE_DSS_WITH_AES_128_CBC_SHA, CipherSuite.TLS_DHE_DSS_WITH_AES_256_CBC_SHA,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA, CipherSuite.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,
      CipherSuite.TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA}),
  /** ChaCha20-Poly1305 in TLS 1.2 (RFC 7905): forward secret and AEAD, but in neither TR-02102-2 table. */
  CHACHA20("ChaCha20-Poly1305 suites (TLS 1.2)", new ProtocolVersion[] {ProtocolVersion.TLSv12}, new int[] {
      CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
      CipherSuite.TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256}),
  /** Forward-secret AEAD suites outside Table 1: CCM with 8-byte tags, ARIA and Camellia in GCM. */
  OTHER_AEAD("other AEAD suites (CCM_8, ARIA, Camellia)", new ProtocolVersion[] {ProtocolVersion.TLSv12}, new int[] {
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8,
      CipherSuite.TLS_DHE_RSA_WITH_AES_128_CCM_8, CipherSuite.TLS_DHE_RSA_WITH_AES_256_CCM_8,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384,
      CipherSuite.TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256, CipherSuite.TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384,
      CipherSuite.TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256, CipherSuite.TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384}),
  /**
   * Anonymous (aNULL) key exchange: the server sends no certificate, so nothing authenticates it and
   * an active attacker can sit in the middle (RFC 5246 appendix F.1.1.1). Offered with TLS 1.0 to
   * 1.2, since a server that has them on usually has them on for every version.
   */
  ANONYMOUS("anonymous suites (aNULL)", ProtocolVersion.TLSv12.downTo(ProtocolVersion.TLSv10), new int[] {
      CipherSuite.TLS_ECDH_anon_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDH_anon_WITH_AES_256_CBC_SHA,
      CipherSuite.TLS_DH_anon_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_DH_anon_WITH_AES_256_GCM_SHA384,
      CipherSuite.TLS_DH_anon_WITH_AES_128_CBC_SHA256, CipherSuite.TLS_DH_anon_WITH_AES_256_CBC_SHA256,
      CipherSuite.TLS_DH_anon_WITH_AES_128_CBC_SHA, CipherSuite.TLS_DH_anon_WITH_AES_256_CBC_SHA}),
  /** TLS 1.3 suites outside TR-02102-2 Table 11 (RFC 8446 section B.4 defines five, Table 11 lists three). */
  TLS13_OTHER("TLS 1.3 suites outside TR-02102-2 Table 11", new ProtocolVersion[] {ProtocolVersion.TLSv13},
      new int[] {CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_128_CCM_8_SHA256});

  /** The offers tls.version judges. */
  private static final Set<TlsOffer> VERSION_PROBES = EnumSet.of(TLS_1_0, TLS_1_1);

  private final String label;
  private final ProtocolVersion[] versions;
  private final int[] suites;

  TlsOffer(String label, ProtocolVersion[] versions, int[] suites) {
    this.label = label;
    this.versions = versions;
    this.suites = suites;
  }

  public String label() {
    return label;
  }

  ProtocolVersion[] versions() {
    return versions.clone();
  }

  int[] suites() {
    return suites.clone();
  }

  /** The highest version offered: what the server's choice of version starts from (RFC 5246 appendix E.1). */
  ProtocolVersion highest() {
    ProtocolVersion top = versions[0];
    for (ProtocolVersion v : versions) {
      if (v.isLaterVersionOf(top)) {
        top = v;
      }
    }
    return top;
  }

  /** Offers alone a legacy protocol version (tls.version); the others probe suites (tls.cipher). */
  public boolean probesVersion() {
    return VERSION_PROBES.contains(this);
  }

  /**
   * The offers made after the main handshake for a profile. Under rfc: the legacy versions, RSA key
   * exchange and CBC (warnings there) and anonymous suites (a failure everywhere). Under bsi-tr-03108
   * every group outside the TR-02102-2 tables, each once, so that whatever the server accepts beyond
   * its first choice shows; CBC from Table 1 is allowed there and needs no offer of its own.
   */
  public static List<TlsOffer> probesFor(Profile profile) {
    return profile.requiresTr02102Suites()
        ? List.of(TLS_1_0, TLS_1_1, STATIC_RSA, CBC_SHA1, CHACHA20, OTHER_AEAD, ANONYMOUS, TLS13_OTHER)
        : List.of(TLS_1_0, TLS_1_1, STATIC_RSA, CBC, ANONYMOUS);
  }

  /** Suites a TLS 1.0/1.1 server can choose (no SHA-256 MACs, no AEAD before TLS 1.2). */
  private static final class Suites {
    static final int[] LEGACY = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        CipherSuite.TLS_DHE_RSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_DHE_RSA_WITH_AES_256_CBC_SHA,
        CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
        CipherSuite.TLS_RSA_WITH_3DES_EDE_CBC_SHA};

    static int[] standard() {
      int[] common = {
          CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
          CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
          CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
          CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
          CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
          CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA};
      int[] tables = Tr02102Suites.codes();
      int[] all = Arrays.copyOf(tables, tables.length + common.length);
      System.arraycopy(common, 0, all, tables.length, common.length);
      return all;
    }
  }
}
