package io.securemail.lab.dns;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Destinations for outbound mail, made at test time below {@value #ZONE}, a DNSSEC-signed lab zone
 * no operator scenario manages: the mail domains an MTA under test sends to, with whatever DANE and
 * MTA-STS records the test needs. Each destination is {@code <label>.outbound.test}; its records
 * are published in one RFC 2136 update (TSIG-signed, as any zone editor would send), or, for an
 * {@linkplain Builder#unsigned() unsigned} destination, served by Knot as an unsigned child zone
 * delegated without DS (an insecure delegation, RFC 4035 section 5.2).
 *
 * <p>Where mail to a destination really goes is the caller's choice of address, typically one of
 * the lab Postfix's listeners ({@link io.securemail.lab.mail.PostfixServer#ADDRESSES}), whose key
 * the TLSA records can name ({@link #tlsaDaneEe}); an MTA-STS policy is served by whichever lab
 * policy server the {@code mta-sts.<domain>} address names
 * ({@link io.securemail.lab.mtasts.PolicyServers}). Names are never removed: use a fresh label per
 * scenario.
 */
public final class OutboundZone {

  public static final String ZONE = "outbound.test";

  /** TTL of the records made here; the lab resolver caches for 2 s at most anyway. */
  static final int TTL = 60;

  private final DnsLab dns;

  public OutboundZone(DnsLab dns) {
    this.dns = dns;
  }

  /** Starts describing the destination {@code <label>.outbound.test}. */
  public Builder destination(String label) {
    if (!label.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
      throw new IllegalArgumentException("not a DNS label: " + label);
    }
    return new Builder(label + "." + ZONE);
  }

  /**
   * A published destination.
   *
   * @param domain the mail domain, e.g. {@code dane-ok.outbound.test}
   * @param mxHost the host mail goes to: {@code mx.<domain>}, or the domain itself without MX records
   * @param address the host's IPv4 address
   * @param signed whether every record of the destination validates (AD) through the lab resolver
   */
  public record Destination(String domain, String mxHost, String address, boolean signed) {

    /** Where the host's TLSA records are (RFC 7672 section 2.2.3: port 25, TCP). */
    public String tlsaName() {
      return "_25._tcp." + mxHost;
    }

    /** The MTA-STS policy host (RFC 8461 section 3.3). */
    public String policyHost() {
      return "mta-sts." + domain;
    }
  }

  /** The records of one destination, published by {@link #publish()}. */
  public final class Builder {
    private final String domain;
    private String address;
    private boolean implicitMx;
    private boolean unsigned;
    private final List<String> tlsa = new ArrayList<>();
    private String policyAddress;
    private String policyId;

    private Builder(String domain) {
      this.domain = domain;
    }

    /** An MX record naming {@code mx.<domain>}, which has this address (A record). */
    public Builder mx(String address) {
      this.address = Objects.requireNonNull(address);
      this.implicitMx = false;
      return this;
    }

    /**
     * No MX record: the domain itself has the address, and mail goes there (the implicit MX of
     * RFC 5321 section 5.1); its TLSA records are then at {@code _25._tcp.<domain>}.
     */
    public Builder implicitMx(String address) {
      this.address = Objects.requireNonNull(address);
      this.implicitMx = true;
      return this;
    }

    /** A TLSA record for the mail host, its data as in a zone file, e.g. {@code "3 1 1 <hex>"}. */
    public Builder tlsa(String rdata) {
      tlsa.add(rdata);
      return this;
    }

    /**
     * MTA-STS: the {@code _mta-sts} TXT record with this policy id and {@code mta-sts.<domain>}
     * pointing at a policy server's address (RFC 8461 sections 3.1 and 3.3). The policy itself is
     * served by that server (see {@link #policy}).
     */
    public Builder mtaSts(String policyServerAddress, String id) {
      this.policyAddress = Objects.requireNonNull(policyServerAddress);
      this.policyId = Objects.requireNonNull(id);
      return this;
    }

    /**
     * Served from an unsigned child zone delegated without DS: its answers never carry the AD
     * flag, so DANE does not apply to it (RFC 7672 section 2.2), whatever TLSA records it has.
     */
    public Builder unsigned() {
      this.unsigned = true;
      return this;
    }

    /** Publishes the records and returns once Knot has them (the update committed, or the zone served). */
    public Destination publish() throws IOException {
      if (address == null) {
        throw new IllegalStateException(domain + ": call mx(address) or implicitMx(address) first");
      }
      String host = implicitMx ? domain : "mx." + domain;
      List<String> records = new ArrayList<>();
      if (!implicitMx) {
        records.add(line(domain, "MX", "10 " + host + "."));
      }
      records.add(line(host, "A", address));
      for (String rdata : tlsa) {
        records.add(line("_25._tcp." + host, "TLSA", rdata));
      }
      if (policyAddress != null) {
        records.add(line("_mta-sts." + domain, "TXT", "\"v=STSv1; id=" + policyId + "\""));
        records.add(line("mta-sts." + domain, "A", policyAddress));
      }
      if (unsigned) {
        dns.addUnsignedZone(domain, records);
        ZoneUpdates.add(dns, ZONE, line(domain, "NS", "ns." + ZONE + "."));
      } else {
        ZoneUpdates.add(dns, dns.authoritativeAddress(), dns.authoritativePort(), ZONE, records);
      }
      return new Destination(domain, host, address, !unsigned);
    }
  }

  private static String line(String name, String type, String rdata) {
    return name + ". " + TTL + " IN " + type + " " + rdata;
  }

  /**
   * TLSA data for DANE-EE(3) SPKI(1) SHA2-256(1) of the key (RFC 7218 names, RFC 7672 section
   * 3.1.1): the record most SMTP servers publish, pinning their own key.
   */
  public static String tlsaDaneEe(PublicKey key) {
    return "3 1 1 " + sha256Hex(key.getEncoded());
  }

  /** The same digest with another certificate usage, e.g. PKIX-EE(1), unusable for SMTP (RFC 7672 section 3.1.3). */
  public static String tlsa(int usage, PublicKey key) {
    return usage + " 1 1 " + sha256Hex(key.getEncoded());
  }

  /** An MTA-STS policy file (RFC 8461 section 3.2): CRLF lines, max_age one day. */
  public static String policy(String mode, String... mxPatterns) {
    StringBuilder policy = new StringBuilder("version: STSv1\r\nmode: " + mode + "\r\n");
    for (String pattern : mxPatterns) {
      policy.append("mx: ").append(pattern).append("\r\n");
    }
    return policy.append("max_age: 86400\r\n").toString();
  }

  private static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)).toLowerCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
