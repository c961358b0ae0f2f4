package io.securemail.operator.compliance;

import io.securemail.operator.compliance.caa.RelevantCaa;
import io.securemail.operator.compliance.checks.Check;
import io.securemail.operator.compliance.checks.Checks;
import io.securemail.operator.compliance.dane.TlsaBase;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.mtasts.PolicyFetch;
import io.securemail.operator.compliance.mtasts.StsTxtRecord;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Checks a mail domain from the outside, the way a sending MTA sees it: DNS (with DNSSEC), every
 * address of every MX host over SMTP with STARTTLS, and the MTA-STS and TLS-RPT records and policy.
 * Observation and judgement are separate: {@link #observe} talks to the network through the
 * {@link Probes}, {@link #evaluate} is a pure function of what was observed.
 *
 * <p>Thread-safe: an engine holds only its probe factory and clock, and every call to
 * {@link #check} asks the factory for probes (new ones, or thread-safe ones it shares), so one
 * engine serves any number of concurrent checks. A check of one domain runs its probes one after
 * another; bounding concurrency across domains is the caller's business.
 */
public final class ComplianceEngine {

  private final Probes.Factory probes;
  private final Clock clock;

  /** The real network probes and the system clock. */
  public ComplianceEngine() {
    this(new NetworkProbes(), Clock.systemUTC());
  }

  public ComplianceEngine(Probes.Factory probes, Clock clock) {
    this.probes = probes;
    this.clock = clock;
  }

  /**
   * Observes and judges one domain.
   *
   * @throws CannotCheckException when there is no verdict to give: the resolver does not answer
   */
  public Report check(String domain, Profile profile, ComplianceOptions options) throws CannotCheckException {
    return evaluate(observe(domain, profile, options), profile, clock.instant());
  }

  /** Runs every probe for the domain, with every TLS offer of every profile. */
  public DomainObservation observe(String domain, ComplianceOptions options) throws CannotCheckException {
    return observe(domain, null, options);
  }

  /**
   * Runs every probe for the domain, with the TLS offers the profile's checks judge: the
   * observation is for judging under {@code profile}.
   */
  public DomainObservation observe(String domain, Profile profile, ComplianceOptions options)
      throws CannotCheckException {
    return observe(domain, profile, options, UnaryOperator.identity());
  }

  /**
   * Like {@link #observe(String, Profile, ComplianceOptions)}, with DNS seen through {@code dnsView}
   * (the operator's view of its probe, which holds a definite answer through a resolver timeout).
   */
  public DomainObservation observe(String domain, Profile profile, ComplianceOptions options,
      UnaryOperator<DnsProbe> dnsView) throws CannotCheckException {
    String name = normalize(domain);
    Probes p;
    try {
      p = probes.create(options);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CannotCheckException(e.getMessage(), e);
    }
    DnsProbe dns = dnsView.apply(p.dns());
    DnsAnswer mx = dns.lookup(name, "MX");
    if (mx.outcome() == DnsAnswer.Outcome.UNREACHABLE) {
      throw new CannotCheckException(mx.detail());
    }
    List<MxObservation> hosts = new ArrayList<>();
    for (Map.Entry<String, Integer> entry : mxHosts(mx).entrySet()) {
      String host = entry.getKey();
      DnsAnswer a = dns.lookup(host, "A");
      DnsAnswer aaaa = dns.lookup(host, "AAAA");
      TlsaBase tlsa = TlsaBase.find(dns, host);
      List<SmtpObservation> smtp = new ArrayList<>();
      for (InetAddress address : addresses(a, aaaa)) {
        smtp.add(profile == null ? p.smtp().probe(host, address, options.smtpPort())
            : p.smtp().probe(host, address, options.smtpPort(), profile));
      }
      hosts.add(new MxObservation(host, entry.getValue(), a, aaaa, tlsa.tlsa(), smtp, tlsa.name()));
    }
    DnsAnswer stsTxt = dns.lookup("_mta-sts." + name, "TXT");
    PolicyFetch policy = null;
    if (stsTxt.answered() && !StsTxtRecord.candidates(stsTxt.data()).isEmpty()) {
      String policyHost = "mta-sts." + name;
      List<InetAddress> policyAddresses = addresses(dns.lookup(policyHost, "A"), dns.lookup(policyHost, "AAAA"));
      policy = p.policy().fetch(name, policyAddresses, options.httpsPort());
    }
    DnsAnswer tlsRpt = dns.lookup("_smtp._tls." + name, "TXT");
    // The names certificates are requested for: a CA checks CAA for each (RFC 8659 section 3).
    List<String> certificateNames = new ArrayList<>(hosts.stream().map(MxObservation::host).toList());
    if (policy != null) {
      certificateNames.add("mta-sts." + name);
    }
    Map<String, DnsAnswer> caaAnswers = new HashMap<>();
    List<RelevantCaa> caa = certificateNames.stream().distinct()
        .map(n -> RelevantCaa.find(dns, n, caaAnswers)).toList();
    return new DomainObservation(name, mx, hosts, stsTxt, policy, tlsRpt, p.roots().anchors(), caa,
        options.caaIssuers());
  }

  /** Judges observations under a profile at a point in time (certificate expiry, validity). */
  public static Report evaluate(DomainObservation observation, Profile profile, Instant now) {
    List<CheckResult> results = new ArrayList<>();
    for (Check check : Checks.all()) {
      List<CheckResult> found = check.evaluate(observation, profile, now);
      results.addAll(found.isEmpty()
          ? List.of(CheckResult.skip(check.id(), observation.domain(), "nothing to check: no reachable MX host"))
          : found);
    }
    return new Report(observation.domain(), profile, results);
  }

  /** MX hosts by preference (RFC 5321 section 5.1), first occurrence wins; the null MX "." is no host (RFC 7505). */
  static Map<String, Integer> mxHosts(DnsAnswer mx) {
    Map<String, Integer> hosts = new LinkedHashMap<>();
    mx.data().stream().map(d -> d.trim().split("\\s+")).filter(parts -> parts.length == 2)
        .filter(parts -> parts[0].matches("[0-9]{1,5}"))
        .sorted(Comparator.comparingInt(parts -> Integer.parseInt(parts[0])))
        .forEach(parts -> {
          String host = normalize(parts[1]);
          if (!host.isEmpty()) {
            hosts.putIfAbsent(host, Integer.parseInt(parts[0]));
          }
        });
    return hosts;
  }

  private static List<InetAddress> addresses(DnsAnswer a, DnsAnswer aaaa) {
    List<InetAddress> addresses = new ArrayList<>(a.addresses());
    addresses.addAll(aaaa.addresses());
    return addresses;
  }

  /** A DNS name as the checks compare names: trimmed, lower case, without the root's dot. */
  public static String normalize(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
