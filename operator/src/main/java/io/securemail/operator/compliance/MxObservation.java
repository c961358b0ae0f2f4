package io.securemail.operator.compliance;

import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import java.util.List;

/**
 * What was seen of one MX host: its address records, its TLSA records at {@code _25._tcp.<host>}
 * (RFC 7672 section 2.2; the name stays port 25 even when probes connect elsewhere), and one SMTP
 * conversation per address.
 */
public record MxObservation(String host, int preference, DnsAnswer ipv4, DnsAnswer ipv6, DnsAnswer tlsa,
    List<SmtpObservation> smtp) {

  public MxObservation {
    smtp = List.copyOf(smtp);
  }

  public String tlsaName() {
    return "_25._tcp." + host;
  }

  /** Every address found, IPv4 first. */
  public List<String> addresses() {
    return java.util.stream.Stream.concat(ipv4.data().stream(), ipv6.data().stream()).toList();
  }
}
