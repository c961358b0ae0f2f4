package io.securemail.operator.compliance;

import io.securemail.operator.compliance.dane.DaneMatcher;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.DnssecState;
import io.securemail.operator.compliance.mtasts.PolicyFetch;
import io.securemail.operator.compliance.mtasts.PolicyFetcher;
import io.securemail.operator.compliance.pki.PkixRoots;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import io.securemail.operator.compliance.smtp.SmtpProbe;
import io.securemail.operator.compliance.smtp.TlsAttempt;
import io.securemail.operator.compliance.smtp.TlsOffer;
import io.securemail.operator.compliance.smtp.TlsSession;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Probes that answer from memory: a DNS of DNSSEC-signed records, SMTP servers that all do TLS 1.3
 * with a certificate from {@link #CA}, and a policy server. Records what was asked.
 */
public final class FakeWorld implements Probes.Factory {

  public static final TestPki.Issued CA = TestPki.ca("Fake World CA");

  private final Map<String, DnsAnswer> dns = new ConcurrentHashMap<>();
  private final Map<String, TestPki.Issued> certificates = new ConcurrentHashMap<>();
  public final List<String> smtpProbes = new CopyOnWriteArrayList<>();
  public final List<String> policyFetches = new CopyOnWriteArrayList<>();
  private volatile String policy;
  private volatile boolean resolverDown;

  /** A domain with DNSSEC, one 3 1 1 record per MX host, MTA-STS enforce and TLS-RPT. */
  public static FakeWorld compliantDomain(String domain, String... mxHosts) {
    FakeWorld world = new FakeWorld();
    String[] mx = new String[mxHosts.length];
    StringBuilder policy = new StringBuilder("version: STSv1\nmode: enforce\nmax_age: 86400\n");
    for (int i = 0; i < mxHosts.length; i++) {
      String host = mxHosts[i];
      mx[i] = (10 * (mxHosts.length - i)) + " " + host + ".";
      TestPki.Issued leaf = TestPki.leaf(CA, host);
      world.certificates.put(host, leaf);
      world.record(host, "A", "192.0.2." + (10 + i));
      world.record(host, "AAAA");
      world.record("_25._tcp." + host, "TLSA", "3 1 1 " + DaneMatcher.associationData(leaf.certificate(), 1, 1));
      policy.append("mx: ").append(host).append('\n');
    }
    world.record(domain, "MX", mx);
    world.record("_mta-sts." + domain, "TXT", "v=STSv1; id=1");
    world.record("mta-sts." + domain, "A", "192.0.2.80");
    world.record("_smtp._tls." + domain, "TXT", "v=TLSRPTv1; rua=mailto:tls@" + domain);
    world.policy = policy.toString();
    return world;
  }

  public FakeWorld record(String name, String type, String... data) {
    dns.put(name + "/" + type, DnsAnswer.of(name, type, DnssecState.secure, data));
    return this;
  }

  /** The certificate the MX host serves. */
  public X509Certificate certificate(String host) {
    return certificates.get(host).certificate();
  }

  public FakeWorld resolverDown() {
    resolverDown = true;
    return this;
  }

  /** The resolver answers again. */
  public FakeWorld resolverUp() {
    resolverDown = false;
    return this;
  }

  @Override
  public Probes create(ComplianceOptions options) {
    DnsProbe dnsProbe = (name, type) -> resolverDown
        ? DnsAnswer.failed(name, type, DnsAnswer.Outcome.UNREACHABLE, DnssecState.indeterminate,
            "resolver 127.0.0.1:1 did not answer: nothing listens there (ICMP port unreachable)")
        : dns.getOrDefault(name + "/" + type, DnsAnswer.nxdomain(name, type, DnssecState.secure));
    SmtpProbe smtp = (host, address, port) -> {
      smtpProbes.add(host + " " + address.getHostAddress() + ":" + port);
      TestPki.Issued leaf = certificates.get(host);
      return new SmtpObservation(host, address.getHostAddress(), port, SmtpObservation.Outcome.TLS_OK, "220 ok",
          new TlsSession("TLSv1.3", "TLS_AES_128_GCM_SHA256", List.of(leaf.certificate(), CA.certificate())),
          Arrays.stream(TlsOffer.values()).filter(o -> o != TlsOffer.STANDARD)
              .map(o -> new TlsAttempt(o, TlsAttempt.Result.REFUSED, null, "")).toList(), "");
    };
    PolicyFetcher fetcher = (domain, addresses, port) -> {
      policyFetches.add(domain + " " + addresses.stream().map(InetAddress::getHostAddress).toList() + ":" + port);
      return PolicyFetch.ok("https://mta-sts." + domain + "/.well-known/mta-sts.txt", policy);
    };
    return new Probes(dnsProbe, smtp, fetcher, PkixRoots.only(List.of(CA.certificate())));
  }
}
