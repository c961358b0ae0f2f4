package io.securemail.operator.observe;

import io.securemail.operator.compliance.ComplianceOptions;
import io.securemail.operator.compliance.Probes;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.DnsjavaProbe;
import io.securemail.operator.compliance.dns.DnssecMode;
import io.securemail.operator.compliance.dns.DnssecState;
import io.securemail.operator.compliance.dns.ServerAddress;
import io.securemail.operator.compliance.dns.TrustAnchors;
import io.securemail.operator.compliance.mtasts.GuardedPolicyFetcher;
import io.securemail.operator.compliance.mtasts.HttpsPolicyFetcher;
import io.securemail.operator.compliance.mtasts.PolicyFetcher;
import io.securemail.operator.compliance.net.TargetGuard;
import io.securemail.operator.compliance.pki.PkixRoots;
import io.securemail.operator.compliance.smtp.AddressGate;
import io.securemail.operator.compliance.smtp.GuardedSmtpProbe;
import io.securemail.operator.compliance.smtp.PoliteSmtpProbe;
import io.securemail.operator.compliance.smtp.SmtpClientProbe;
import io.securemail.operator.compliance.smtp.SmtpProbe;
import jakarta.enterprise.context.ApplicationScoped;
import io.securemail.operator.api.GoDuration;
import io.securemail.operator.api.SecureMailDomain;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.xbill.DNS.ResolverConfig;

/**
 * The operator's one way to look at the world: the compliance engine's adapters, built once from
 * the operator's settings and shared by every part that reads DNS or talks to a server (publication,
 * the DANE rollover, the MTA's served key, the MTA-STS fetch-back, the compliance checks). So every
 * part sees DNS through the same resolvers, with the same DNSSEC verdicts: validated in-process from
 * the trust anchors unless {@code securemail.compliance.dnssec=resolver} says to trust the resolver's
 * AD bit ({@link DnssecMode}). Every adapter here is thread-safe.
 */
@ApplicationScoped
public class OperatorProbes {

  private final DnsProbe dns;
  private final String resolverText;
  private final SmtpProbe servedChain;
  private final int smtpPort;
  private final PolicyFetcher policy;
  private final int httpsPort;
  private final ComplianceOptions complianceOptions;
  private final Probes complianceProbes;
  private final Executor conversations;
  private final Duration patience;
  private final TargetGuard targets;
  private final HeldAnswers held;

  /**
   * @param dnsTimeout each DNS query's (a validating lookup may take several)
   * @param smtpTimeout each step of the served-key probe (connect, each reply, the handshake)
   * @param timeout each step of the compliance checks' SMTP conversations and of policy fetches
   * @param patience how long a reconcile waits for the MX key probes before it goes on without them
   * @param keyProbeReuse how long an MX key probe's answer stands for the same host and address
   * @param checkReuse how long a compliance check's SMTP answer stands for the same host and address
   * @param threads how many MX key probe conversations run at once
   * @param allowPrivateTargets whether probes may connect to private, loopback and link-local addresses
   * @param faultAttempts and
   * @param faultIntervals when a resolver fault stops being held back ({@link FaultThreshold})
   */
  @Inject
  public OperatorProbes(@ConfigProperty(name = "securemail.dns.resolvers") Optional<List<String>> resolvers,
      @ConfigProperty(name = "securemail.dns.timeout", defaultValue = "5s") Duration dnsTimeout,
      @ConfigProperty(name = "securemail.compliance.dnssec", defaultValue = "validate") String dnssec,
      @ConfigProperty(name = "securemail.compliance.trust-anchor-file") Optional<Path> trustAnchorFile,
      @ConfigProperty(name = "securemail.compliance.ca-file") Optional<Path> caFile,
      @ConfigProperty(name = "securemail.smtp.port", defaultValue = "25") int smtpPort,
      @ConfigProperty(name = "securemail.smtp.timeout", defaultValue = "10s") Duration smtpTimeout,
      @ConfigProperty(name = "securemail.compliance.https-port", defaultValue = "443") int httpsPort,
      @ConfigProperty(name = "securemail.compliance.timeout", defaultValue = "10s") Duration timeout,
      @ConfigProperty(name = "securemail.smtp.patience", defaultValue = "5s") Duration patience,
      @ConfigProperty(name = "securemail.smtp.reuse", defaultValue = "10s") Duration keyProbeReuse,
      @ConfigProperty(name = "securemail.compliance.reuse", defaultValue = "60s") Duration checkReuse,
      @ConfigProperty(name = "securemail.probes.threads", defaultValue = "8") int threads,
      @ConfigProperty(name = TargetGuard.PROPERTY, defaultValue = "false") boolean allowPrivateTargets,
      @ConfigProperty(name = "securemail.faults.attempts", defaultValue = "3") int faultAttempts,
      @ConfigProperty(name = "securemail.faults.intervals", defaultValue = "2") int faultIntervals) {
    List<InetSocketAddress> servers = resolvers.filter(l -> !l.isEmpty())
        // Resolved here, once: the probes connect to addresses, never to names.
        .map(l -> l.stream().map(ServerAddress::parse).map(a -> new InetSocketAddress(a.getHostString(), a.getPort()))
            .toList())
        .orElseGet(() -> ResolverConfig.getCurrentConfig().servers());
    DnssecMode mode = "resolver".equalsIgnoreCase(dnssec) ? DnssecMode.RESOLVER_AD : DnssecMode.VALIDATE;
    TrustAnchors anchors;
    List<X509Certificate> extraRoots;
    try {
      anchors = trustAnchorFile.isPresent() ? TrustAnchors.read(trustAnchorFile.get()) : TrustAnchors.root();
      extraRoots = caFile.isPresent() ? PkixRoots.readPem(caFile.get()) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("securemail.compliance.* points at an unreadable file: " + e.getMessage(), e);
    }
    PkixRoots roots = PkixRoots.systemPlus(extraRoots);
    this.dns = servers.isEmpty() ? noResolver() : DnsjavaProbe.create(servers, mode, anchors, dnsTimeout);
    this.resolverText = servers.stream().map(a -> a.getHostString() + ":" + a.getPort()).toList().toString();
    // The served-key probe only needs the chain, and looks every poll: no weak-TLS offers. Both SMTP
    // probes are polite: one connection at a time per address between them (one gate), one answer
    // per question and interval.
    AddressGate gate = new AddressGate();
    // Every connection to an address a tenant's DNS chose passes one guard (docs/security.md).
    this.targets = TargetGuard.of(allowPrivateTargets);
    this.servedChain = new GuardedSmtpProbe(
        new PoliteSmtpProbe(SmtpClientProbe.withoutWeakOffers(smtpTimeout), keyProbeReuse, gate), targets);
    this.conversations = DaemonThreads.pool("securemail-probe", threads);
    this.patience = patience;
    this.smtpPort = smtpPort;
    this.policy = new GuardedPolicyFetcher(new HttpsPolicyFetcher(roots, timeout), targets);
    this.httpsPort = httpsPort;
    this.complianceOptions = ComplianceOptions.defaults().withResolvers(servers).withDnssec(mode, anchors)
        .withExtraRoots(extraRoots).withPorts(smtpPort, httpsPort).withTimeout(timeout);
    this.complianceProbes = new Probes(dns, new GuardedSmtpProbe(
        new PoliteSmtpProbe(new SmtpClientProbe(timeout), checkReuse, gate), targets), policy, roots);
    this.held = new HeldAnswers(new FaultThreshold(faultAttempts, faultIntervals), Clock.systemUTC());
  }

  /**
   * Composed from adapters given directly, with {@code options} for what the compliance checks and
   * messages need: how a test of the operator's orchestration puts stand-ins in place of the
   * network while every part still reads the world through this one object.
   */
  public OperatorProbes(DnsProbe dns, SmtpProbe smtp, PolicyFetcher policy, ComplianceOptions options) {
    this(dns, smtp, policy, options, FaultThreshold.DEFAULT);
  }

  /** Like {@link #OperatorProbes(DnsProbe, SmtpProbe, PolicyFetcher, ComplianceOptions)}, faults held as {@code faults} says. */
  public OperatorProbes(DnsProbe dns, SmtpProbe smtp, PolicyFetcher policy, ComplianceOptions options,
      FaultThreshold faults) {
    this.dns = dns;
    this.resolverText = options.resolvers().stream().map(a -> a.getHostString() + ":" + a.getPort()).toList()
        .toString();
    this.servedChain = smtp;
    this.smtpPort = options.smtpPort();
    this.policy = policy;
    this.httpsPort = options.httpsPort();
    this.complianceOptions = options;
    this.complianceProbes = new Probes(dns, smtp, policy, PkixRoots.systemPlus(options.extraRoots()));
    this.conversations = Runnable::run;
    this.patience = null;
    this.targets = TargetGuard.allowingAll();
    this.held = new HeldAnswers(faults, Clock.systemUTC());
  }


  /** Which addresses the probes may connect to (all of them for stand-ins). */
  public TargetGuard targets() {
    return targets;
  }

  /** DNS through the configured resolvers, with DNSSEC verdicts as configured. */
  public DnsProbe dns() {
    return dns;
  }

  /**
   * {@link #dns()} as the domain's status sees it: a resolver fault is answered with the last
   * definite answer until it lasts past the threshold ({@link HeldAnswers}). For what goes into
   * status (record states, compliance verdicts), so that a timeout is not written as news.
   */
  public DnsProbe dnsFor(SecureMailDomain domain) {
    return held.over(dns, domain.getMetadata().getUid(), checkInterval(domain));
  }

  /** Each domain's held answers, shared by the DNS step and the compliance checks. */
  public HeldAnswers heldAnswers() {
    return held;
  }

  /** The domain's compliance interval, which the fault threshold counts in. */
  public static Duration checkInterval(SecureMailDomain domain) {
    var compliance = domain.getSpec() == null ? null : domain.getSpec().getCompliance();
    try {
      return compliance == null ? Duration.ofMinutes(5) : GoDuration.parse(compliance.getInterval());
    } catch (IllegalArgumentException e) {
      return Duration.ofMinutes(5); // the spec validator names the field; hold as for the default meanwhile
    }
  }

  /** The resolvers {@link #dns()} asks, "[host:port, ...]", for messages. */
  public String resolverText() {
    return resolverText;
  }

  /** STARTTLS to one MX address, to see which chain it serves (no weak-TLS offers). */
  public SmtpProbe servedChain() {
    return servedChain;
  }

  /** Where the MX key probes' conversations run: a bounded pool, so a hostile MX holds none of the caller's threads. */
  public Executor conversations() {
    return conversations;
  }

  /** How long a reconcile waits for the MX key probes (null: until they end, for tests with stand-ins). */
  public Duration patience() {
    return patience;
  }

  /** Where SMTP probes connect: 25 except in a lab (TLSA names stay {@code _25._tcp}). */
  public int smtpPort() {
    return smtpPort;
  }

  /** The MTA-STS policy fetch (RFC 8461 section 3.3), with the JRE's roots plus the configured CA file. */
  public PolicyFetcher policy() {
    return policy;
  }

  /** Where policy fetches connect: 443 except in a lab. */
  public int httpsPort() {
    return httpsPort;
  }

  /** The compliance engine's options, from the same settings. */
  public ComplianceOptions complianceOptions() {
    return complianceOptions;
  }

  /** The compliance engine's probes: these same adapters, for every check. */
  public Probes.Factory complianceProbes() {
    return options -> complianceProbes;
  }

  /** Without any resolver every lookup fails, as a resolver that never answers would. */
  private static DnsProbe noResolver() {
    return (name, type) -> DnsAnswer.failed(name, type, DnsAnswer.Outcome.UNREACHABLE, DnssecState.indeterminate,
        "no DNS resolver configured: set securemail.dns.resolvers");
  }
}
