package io.securemail.bench;

import io.securemail.lab.mail.PostfixServer;
import io.securemail.lab.support.LabPki;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compliance benchmark's MX hosts in one DNSSEC-signed zone: {@code mxNNN.<zone>}, each on its
 * own loopback address where a relay counts connections ({@link ConnectionRelay}) in front of a
 * Postfix listener of its own, and domains {@code dNNN.<zone>} whose two MX records name host NNN
 * and the next one, so that every host serves two domains (as a shared MX does) and a check of one
 * domain may meet a check of another at the same host. The hosts are a fixed mix of what a DANE
 * check tells apart ({@link Kind}).
 */
final class MxFleet {

  /** What a host is like; the mix is fixed by the host's number (every 20 hosts: 10, 4, 3, 2, 1). */
  enum Kind {
    /** STARTTLS; a TLSA 3 1 1 record for the key the certificate holds. */
    TLSA_MATCHES("TLSA matches", DaneVerdict.VERIFIED),
    /** STARTTLS; the TLSA record names another key. */
    TLSA_OTHER_KEY("TLSA for another key", DaneVerdict.TLS_NOT_VERIFIED),
    /** No STARTTLS in the EHLO reply; a TLSA record that matches the certificate it would serve. */
    NO_STARTTLS("no STARTTLS", DaneVerdict.NO_TLS),
    /**
     * An expired certificate whose key the TLSA 3 1 1 record names: DANE-EE authenticates the key,
     * not the certificate's dates (RFC 7672 section 3.1.1), so DANE senders accept it.
     */
    EXPIRED_CERTIFICATE("expired certificate, TLSA matches", DaneVerdict.VERIFIED),
    /** STARTTLS, DNSSEC-signed, no TLSA record: DANE does not apply. */
    NO_TLSA("no TLSA record", DaneVerdict.TLS_NOT_VERIFIED);

    private final String text;
    private final DaneVerdict expected;

    Kind(String text, DaneVerdict expected) {
      this.text = text;
      this.expected = expected;
    }

    /** What a DANE client should conclude about such a host. */
    DaneVerdict expected() {
      return expected;
    }

    @Override
    public String toString() {
      return text;
    }

    static Kind of(int index) {
      int slot = index % 20;
      return slot < 10 ? TLSA_MATCHES : slot < 14 ? TLSA_OTHER_KEY : slot < 17 ? NO_STARTTLS
          : slot < 19 ? EXPIRED_CERTIFICATE : NO_TLSA;
    }
  }

  /**
   * One MX host: its name, the address clients connect to (the relay's), the one Postfix listens
   * on behind it, and what it is like.
   */
  record Host(String name, String address, String backend, Kind kind) {}

  static final String ZONE = "mxbench.test";
  static final int PORT = 25;

  private final List<Host> hosts = new ArrayList<>();
  private final List<String> domains = new ArrayList<>();
  private final List<PostfixServer.Listener> listeners = new ArrayList<>();
  private final List<String> zoneLines = new ArrayList<>();

  MxFleet(int count) {
    if (count < 2 || count > 254) {
      throw new IllegalArgumentException("bench.hosts must be between 2 and 254, not " + count);
    }
    KeyPair caKey = LabPki.generateEcdsa();
    X509Certificate ca = LabPki.selfSignedCa(caKey, "compliance benchmark CA", Duration.ofDays(30));
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (int i = 0; i < count; i++) {
      Kind kind = Kind.of(i);
      String name = String.format("mx%03d.%s", i, ZONE);
      Host host = new Host(name, "127.0.2." + (i + 1), "127.0.3." + (i + 1), kind);
      hosts.add(host);
      KeyPair key = LabPki.generateEcdsa();
      X509Certificate certificate = kind == Kind.EXPIRED_CERTIFICATE
          ? LabPki.signServer(key.getPublic(), name, List.of(name), now.minus(Duration.ofDays(60)),
              now.minus(Duration.ofDays(1)), ca, caKey.getPrivate())
          : LabPki.signServer(key.getPublic(), name, List.of(name), now.minus(Duration.ofHours(1)),
              now.plus(Duration.ofDays(30)), ca, caKey.getPrivate());
      listeners.add(new PostfixServer.Listener(host.backend(), kind == Kind.NO_STARTTLS
          ? PostfixServer.ListenerTls.NO_STARTTLS : PostfixServer.ListenerTls.LAB_DEFAULT,
          LabPki.certificatePem(List.of(certificate, ca)), LabPki.privateKeyPem(key.getPrivate(), true)));
      zoneLines.add(name + ". 300 IN A " + host.address());
      if (kind != Kind.NO_TLSA) {
        KeyPair named = kind == Kind.TLSA_OTHER_KEY ? LabPki.generateEcdsa() : key;
        zoneLines.add("_" + PORT + "._tcp." + name + ". 300 IN TLSA 3 1 1 " + spkiSha256(named));
      }
    }
    for (int i = 0; i < count; i++) {
      String domain = String.format("d%03d.%s", i, ZONE);
      domains.add(domain);
      zoneLines.add(domain + ". 300 IN MX 10 " + hosts.get(i).name() + ".");
      zoneLines.add(domain + ". 300 IN MX 20 " + hosts.get((i + 1) % count).name() + ".");
    }
  }

  List<Host> hosts() {
    return hosts;
  }

  List<String> domains() {
    return domains;
  }

  /** Postfix's listeners, one per host, on the backend addresses. */
  List<PostfixServer.Listener> listeners() {
    return listeners;
  }

  List<String> backendAddresses() {
    return hosts.stream().map(Host::backend).toList();
  }

  /** The relay's routes: each host's address to its Postfix listener. */
  Map<String, InetSocketAddress> routes() {
    Map<String, InetSocketAddress> routes = new LinkedHashMap<>();
    hosts.forEach(h -> routes.put(h.address(), new InetSocketAddress(h.backend(), PORT)));
    return routes;
  }

  /** The A, TLSA and MX records, as zone-file lines. */
  List<String> zoneLines() {
    return zoneLines;
  }

  /** The TLSA 3 1 1 data of a key: SHA-256 of its SubjectPublicKeyInfo (RFC 6698 section 2.1). */
  static String spkiSha256(KeyPair key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getPublic().getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
