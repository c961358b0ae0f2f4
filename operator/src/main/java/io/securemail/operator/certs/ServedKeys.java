package io.securemail.operator.certs;

import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import io.securemail.operator.compliance.smtp.SmtpProbe;
import io.securemail.operator.dns.Tlsa;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which keys the MX endpoints serve right now, seen from outside like a sending MTA sees them:
 * every address (A and AAAA) of every MX host, EHLO, STARTTLS (RFC 3207), TLS handshake, SPKI
 * SHA-256 of the leaf certificate. The compliance engine's adapters do the talking: its DNS probe
 * resolves the hosts, its SMTP probe holds the conversation (deadlines, reply limits, the check
 * that nothing was sent ahead of the handshake). The certificate is not validated here: the
 * question is only which key is served; whether it is trustworthy is the compliance engine's business.
 */
public final class ServedKeys {

  /** What the probe saw: the keys served, and the endpoints that could not be probed (with why). */
  public record Result(Set<String> servedSpkis, List<String> endpoints, List<String> failures) {

    /** Keys served, or empty when any endpoint failed: an unknown endpoint might serve anything. */
    public Set<String> conclusive() {
      return failures.isEmpty() ? servedSpkis : Set.of();
    }

    public String summary() {
      return endpoints.size() + " MX endpoint(s) probed" + (failures.isEmpty() ? "" : "; failed: " + failures);
    }
  }

  private final DnsProbe dns;
  private final SmtpProbe smtp;
  private final int port;

  /** @param port where the MX endpoints are probed: 25 except in a lab */
  public ServedKeys(DnsProbe dns, SmtpProbe smtp, int port) {
    this.dns = dns;
    this.smtp = smtp;
    this.port = port;
  }

  public Result probe(List<String> mxHosts) {
    Set<String> served = new TreeSet<>();
    List<String> endpoints = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (String host : mxHosts) {
      DnsAnswer a = dns.lookup(host, "A");
      DnsAnswer aaaa = dns.lookup(host, "AAAA");
      List<InetAddress> addresses = new ArrayList<>(a.addresses());
      addresses.addAll(aaaa.addresses());
      if (addresses.isEmpty()) {
        failures.add(host + " has no address" + lookupFailure(a, aaaa));
      }
      for (InetAddress address : addresses) {
        String endpoint = host + " (" + address.getHostAddress() + ":" + port + ")";
        endpoints.add(endpoint);
        SmtpObservation seen = smtp.probe(host, address, port);
        // The handshake completed: the key is served, whatever happens on the connection after it.
        if (seen.tls() != null && !seen.tls().chain().isEmpty()) {
          served.add(Tlsa.spkiSha256(seen.tls().chain().get(0).getPublicKey()));
        } else {
          failures.add(endpoint + ": " + seen.detail());
        }
      }
    }
    return new Result(served, endpoints, failures);
  }

  /** Why a lookup gave nothing, when it failed rather than found no record: "" otherwise. */
  private static String lookupFailure(DnsAnswer a, DnsAnswer aaaa) {
    DnsAnswer failed = !a.answered() ? a : !aaaa.answered() ? aaaa : null;
    return failed == null ? "" : " (" + failed.describe() + ")";
  }
}
