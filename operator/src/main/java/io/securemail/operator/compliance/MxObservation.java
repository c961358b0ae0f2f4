package io.securemail.operator.compliance;

import io.securemail.operator.compliance.dane.TlsaBase;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import java.util.List;

/**
 * What was seen of one MX host: its address records, its TLSA records at {@code _25._tcp.<base>}
 * (RFC 7672 section 2.2; the name stays port 25 even when probes connect elsewhere), and one SMTP
 * conversation per address. The TLSA base domain is the host name, or the name it is an alias of
 * ({@link TlsaBase}, RFC 7672 section 2.2.2).
 */
public record MxObservation(String host, int preference, DnsAnswer ipv4, DnsAnswer ipv6, DnsAnswer tlsa,
    List<SmtpObservation> smtp, String tlsaBase) {

  public MxObservation {
    smtp = List.copyOf(smtp);
  }

  /** A host that is no alias: its TLSA base domain is its own name. */
  public MxObservation(String host, int preference, DnsAnswer ipv4, DnsAnswer ipv6, DnsAnswer tlsa,
      List<SmtpObservation> smtp) {
    this(host, preference, ipv4, ipv6, tlsa, smtp, host);
  }

  public String tlsaName() {
    return TlsaBase.tlsaName(tlsaBase);
  }

  /** The names a DANE-TA certificate may carry: the TLSA base domain and the host name (RFC 7672 section 3.2.3). */
  public List<String> referenceNames() {
    return tlsaBase.equals(host) ? List.of(host) : List.of(tlsaBase, host);
  }

  /** Every address found, IPv4 first. */
  public List<String> addresses() {
    return java.util.stream.Stream.concat(ipv4.data().stream(), ipv6.data().stream()).toList();
  }
}
