package io.securemail.operator.validation;

import io.securemail.operator.api.ComplianceSpec;
import io.securemail.operator.api.CaaSpec;
import io.securemail.operator.api.DaneSpec;
import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.api.GoDuration;
import io.securemail.operator.api.KeyAlgorithm;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.MtaStsSpec;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.PolicyHostSpec;
import io.securemail.operator.compliance.pki.CertificateNames;
import io.securemail.operator.mta.TlsRptMailRoutes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import io.securemail.operator.api.Rfc2136Spec;
import io.securemail.operator.api.SecureMailDomainSpec;
import java.time.Duration;
import io.securemail.operator.compliance.caa.CaaIssuer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Semantic validation: what the CRD's OpenAPI schema cannot say (cross-field rules, references
 * to other objects). The schema has already rejected malformed names, enums and ranges.
 */
public final class SpecValidator {

  static final Duration MIN_INTERVAL = Duration.ofMinutes(1);
  static final Duration MAX_INTERVAL = Duration.ofHours(24);
  // RFC 8460 section 3: rua is a list of "mailto:" or "https:" URIs.
  // Printable ASCII only: URIs are ASCII (RFC 3986), and TXT strings are split by octets.
  private static final Pattern RUA = Pattern.compile("^(mailto:[\\x21-\\x7e&&[^@,;!]]+@[\\x21-\\x7e&&[^@,;!]]+"
      + "|https://[\\x21-\\x7e&&[^,;!]]+)$");

  private static final Pattern MX_PATTERN = Pattern.compile(MtaStsSpec.MX_PATTERN);
  private static final Pattern CLIENT_KEY = Pattern.compile(MtaSpec.ClientCertificatesSpec.SHA256_HEX);

  private SpecValidator() {}

  /** Every problem found, in field order; empty when the spec can be acted on. */
  public static List<SpecProblem> validate(SecureMailDomainSpec spec, SecretLookup secrets) {
    return validate(spec, secrets, MtaStsSpec.MAX_AGE_FLOOR);
  }

  /** @param minMaxAge the smallest policy max_age accepted, in seconds (the operator's setting) */
  public static List<SpecProblem> validate(SecureMailDomainSpec spec, SecretLookup secrets, long minMaxAge) {
    List<SpecProblem> problems = new ArrayList<>();
    String zone = writableZone(spec.getDns());
    checkDomain(spec, zone, problems);
    checkMxOrTransport(spec, problems);
    checkMx(spec, zone, problems);
    checkCertificates(spec, problems);
    checkDane(spec.getDane(), problems);
    checkMtaSts(spec, minMaxAge, problems);
    checkTlsRpt(spec, problems);
    checkDns(spec.getDns(), secrets, problems);
    checkCompliance(spec.getCompliance(), problems);
    checkMta(spec.getMta(), problems);
    return problems;
  }

  /**
   * What the schema cannot say about spec.mta: CIDR prefixes in range and never 0, client keys
   * whenever submission is open, a mail store port in range, load balancer settings only on a
   * LoadBalancer Service.
   */
  private static void checkMta(MtaSpec mta, List<SpecProblem> problems) {
    if (mta == null) {
      return;
    }
    List<String> networks = mta.getOutbound() == null || mta.getOutbound().getAllowedNetworks() == null ? List.of()
        : mta.getOutbound().getAllowedNetworks();
    for (int i = 0; i < networks.size(); i++) {
      String cidr = networks.get(i);
      int slash = cidr.indexOf('/');
      String address = slash < 0 ? cidr : cidr.substring(0, slash);
      int max = address.contains(":") ? 128 : 32;
      boolean valid = slash > 0 && isIpLiteral(address) && cidr.substring(slash + 1).matches("\\d{1,3}")
          && Integer.parseInt(cidr.substring(slash + 1)) <= max;
      if (!valid) {
        problems.add(new SpecProblem("spec.mta.outbound.allowedNetworks[" + i + "]", "\"" + cidr
            + "\" is not a network in CIDR form (address/prefix, prefix at most " + max + ")"));
      } else if (Integer.parseInt(cidr.substring(slash + 1)) == 0) {
        // Schema-refused too; this catches objects stored before the schema said so.
        problems.add(new SpecProblem("spec.mta.outbound.allowedNetworks[" + i + "]", "\"" + cidr
            + "\" is every address: port 587 would take mail for the internet from anyone holding a listed "
            + "client key anywhere; name the organisation's networks"));
      }
    }
    List<String> keys = mta.getSubmission() == null || mta.getSubmission().getClientCertificates() == null
        || mta.getSubmission().getClientCertificates().getSpkiSha256() == null ? List.of()
        : mta.getSubmission().getClientCertificates().getSpkiSha256();
    if (!networks.isEmpty() && keys.isEmpty()) {
      problems.add(new SpecProblem("spec.mta.submission.clientCertificates.spkiSha256", "is empty, but "
          + "spec.mta.outbound.allowedNetworks opens port 587: submission needs authentication besides the "
          + "network, list the SHA-256 digests of the client certificates' public keys"));
    }
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i) == null || !CLIENT_KEY.matcher(keys.get(i)).matches()) {
        problems.add(new SpecProblem("spec.mta.submission.clientCertificates.spkiSha256[" + i + "]", "\""
            + keys.get(i) + "\" is not a SHA-256 digest in hex (64 digits, or 32 pairs separated by colons)"));
      }
    }
    String deliverTo = mta.getInbound() == null ? null : mta.getInbound().getDeliverTo();
    if (deliverTo != null) {
      int close = deliverTo.lastIndexOf(']');
      String port = close >= 0 && deliverTo.length() > close + 1 ? deliverTo.substring(close + 2) : null;
      if (port != null && (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
        problems.add(new SpecProblem("spec.mta.inbound.deliverTo", "port " + port + " is not between 1 and 65535"));
      }
    }
    var inbound = mta.getInbound();
    if (inbound != null && !"LoadBalancer".equals(inbound.getServiceType())) {
      if (inbound.getLoadBalancerIP() != null) {
        problems.add(new SpecProblem("spec.mta.inbound.loadBalancerIP", "is set, but serviceType is "
            + inbound.getServiceType() + ": only a LoadBalancer Service has one"));
      }
      if (inbound.getLoadBalancerClass() != null) {
        problems.add(new SpecProblem("spec.mta.inbound.loadBalancerClass", "is set, but serviceType is "
            + inbound.getServiceType() + ": only a LoadBalancer Service has one"));
      }
    }
    if (inbound != null && inbound.getLoadBalancerIP() != null && !isIpLiteral(inbound.getLoadBalancerIP())) {
      problems.add(new SpecProblem("spec.mta.inbound.loadBalancerIP", "\"" + inbound.getLoadBalancerIP()
          + "\" is not an IP address"));
    }
  }

  /** The zone the provider can write to, when the spec names one (rfc2136); null otherwise. */
  private static String writableZone(DnsSpec dns) {
    if (dns.getProvider() != DnsSpec.Provider.RFC2136 || dns.getRfc2136() == null) {
      return null;
    }
    return stripDot(dns.getRfc2136().getZone());
  }

  private static void checkDomain(SecureMailDomainSpec spec, String zone, List<SpecProblem> problems) {
    if (zone != null && !isInside(spec.getDomain(), zone)) {
      problems.add(new SpecProblem("spec.domain", spec.getDomain() + " is not inside spec.dns.rfc2136.zone "
          + zone + ": its _mta-sts and _smtp._tls records cannot be published there"));
    }
  }

  /**
   * A domain describes its own MX hosts or references a MailTransport, whose MX hosts and MTA serve
   * it: exactly one of spec.mx and spec.transport (the schema cannot say so without CEL), and no
   * MTA of its own beside the transport's.
   */
  private static void checkMxOrTransport(SecureMailDomainSpec spec, List<SpecProblem> problems) {
    boolean mx = spec.getMx() != null && !spec.getMx().isEmpty();
    if (spec.getTransport() == null) {
      if (!mx) {
        problems.add(new SpecProblem("spec.mx", "is required (at least one MX host) unless spec.transport names "
            + "the MailTransport whose MX hosts serve the domain"));
      }
      return;
    }
    if (mx) {
      problems.add(new SpecProblem("spec.mx", "must be left out when spec.transport is set: the MX hosts of "
          + "MailTransport " + spec.getTransport().getName() + " serve the domain (give exactly one of spec.mx and "
          + "spec.transport)"));
    }
    if (spec.getMta() != null) {
      problems.add(new SpecProblem("spec.mta", "must not be set with spec.transport: the MTA of MailTransport "
          + spec.getTransport().getName() + " receives the domain's mail (spec.transport.deliverTo names where it "
          + "goes next)"));
    }
  }

  private static void checkMx(SecureMailDomainSpec spec, String zone, List<SpecProblem> problems) {
    Map<String, Integer> seen = new HashMap<>();
    List<MxHost> mx = spec.getMx() == null ? List.of() : spec.getMx();
    for (int i = 0; i < mx.size(); i++) {
      String host = mx.get(i).getHost();
      Integer first = seen.putIfAbsent(host, i);
      if (first != null) {
        problems.add(new SpecProblem("spec.mx[" + i + "].host",
            host + " is listed twice (also spec.mx[" + first + "].host)"));
      }
      if (zone != null && !isInside(host, zone)) {
        problems.add(new SpecProblem("spec.mx[" + i + "].host", host
            + " is not inside spec.dns.rfc2136.zone " + zone + ": its TLSA record cannot be published there"));
      }
    }
  }

  private static void checkCertificates(SecureMailDomainSpec spec, List<SpecProblem> problems) {
    var certs = spec.getCertificates();
    checkCaa(certs.getCaa(), problems);
    Integer size = certs.getRsaKeySize();
    if (size == null) {
      return;
    }
    if (certs.getKeyAlgorithm() != KeyAlgorithm.RSA) {
      problems.add(new SpecProblem("spec.certificates.rsaKeySize", "only applies to keyAlgorithm RSA"));
    } else if (size != 2048 && size != 3072) {
      problems.add(new SpecProblem("spec.certificates.rsaKeySize", "must be 2048 or 3072, not " + size));
    }
  }

  /** Each CAA value must be one a CA can read (RFC 8659 section 4.2) and name a CA: ";" would forbid them all. */
  private static void checkCaa(CaaSpec caa, List<SpecProblem> problems) {
    List<String> issuers = caa == null || caa.getIssuers() == null ? List.of() : caa.getIssuers();
    for (int i = 0; i < issuers.size(); i++) {
      String field = "spec.certificates.caa.issuers[" + i + "]";
      try {
        if (!CaaIssuer.parse(issuers.get(i)).namesCa()) {
          problems.add(new SpecProblem(field, "\"" + issuers.get(i) + "\" names no CA; to allow no CA at all, "
              + "publish such a record yourself"));
        }
      } catch (IllegalArgumentException e) {
        problems.add(new SpecProblem(field, "\"" + issuers.get(i) + "\" is not a CAA issue value: " + e.getMessage()));
      }
    }
  }

  private static void checkDane(DaneSpec dane, List<SpecProblem> problems) {
    Duration every = duration("spec.dane.rolloverEvery", dane.getRolloverEvery(), problems);
    Duration prePublish = duration("spec.dane.prePublish", dane.getPrePublish(), problems);
    if (every != null && prePublish != null && !every.isZero() && every.compareTo(prePublish) <= 0) {
      problems.add(new SpecProblem("spec.dane.rolloverEvery", dane.getRolloverEvery()
          + " must be longer than spec.dane.prePublish (" + dane.getPrePublish()
          + "): a next key must be visible in DNS before it is used"));
    }
  }

  /**
   * MX hosts that no pattern of spec.mtaSts.mxPatterns matches: senders enforcing the policy would
   * refuse to deliver to them (RFC 8461 section 4.1). None when the spec gives no patterns (the
   * policy then lists the MX hosts themselves).
   *
   * @param whose how the problem names a host that is not the spec's own (an attached domain's
   *     hosts are its transport's, and the problem is then the domain's patterns); null for spec.mx
   */
  public static List<SpecProblem> mxOutsidePatterns(SecureMailDomainSpec spec, String whose) {
    List<String> patterns = spec.getMtaSts().getMxPatterns() == null ? List.of() : spec.getMtaSts().getMxPatterns();
    List<MxHost> mx = spec.getMx() == null ? List.of() : spec.getMx();
    List<SpecProblem> problems = new ArrayList<>();
    if (patterns.isEmpty()) {
      return problems;
    }
    for (int i = 0; i < mx.size(); i++) {
      String host = mx.get(i).getHost();
      if (patterns.stream().filter(Objects::nonNull).noneMatch(p -> CertificateNames.matches(p, host))) {
        problems.add(whose == null
            ? new SpecProblem("spec.mx[" + i + "].host", host + " matches no pattern of spec.mtaSts.mxPatterns: "
                + "senders enforcing the policy would refuse to deliver to it")
            : new SpecProblem("spec.mtaSts.mxPatterns", whose + host + " matches none of " + patterns
                + ": senders enforcing the policy would refuse to deliver to it; add a pattern for it (or remove "
                + "spec.mtaSts.mxPatterns, so that the policy lists the fleet's hosts)"));
      }
    }
    return problems;
  }

  private static void checkMtaSts(SecureMailDomainSpec spec, long minMaxAge, List<SpecProblem> problems) {
    MtaStsSpec sts = spec.getMtaSts();
    if (sts.getMaxAge() != null && sts.getMaxAge() < minMaxAge) {
      problems.add(new SpecProblem("spec.mtaSts.maxAge", sts.getMaxAge() + " s is below the minimum of " + minMaxAge
          + " s: senders would refetch the policy so often that it protects little (RFC 8461 section 3.2 advises "
          + "weeks)"));
    }
    List<String> patterns = sts.getMxPatterns() == null ? List.of() : sts.getMxPatterns();
    for (int i = 0; i < patterns.size(); i++) {
      if (patterns.get(i) == null || !MX_PATTERN.matcher(patterns.get(i)).matches()) {
        problems.add(new SpecProblem("spec.mtaSts.mxPatterns[" + i + "]", "\"" + patterns.get(i)
            + "\" is not a host name or a *.domain pattern (RFC 8461 section 4.1)"));
      }
    }
    if (spec.getTransport() == null) {
      problems.addAll(mxOutsidePatterns(spec, null));
    }
    PolicyHostSpec host = sts.getPolicyHost();
    if (host != null) {
      boolean hasAddresses = host.getAddresses() != null && !host.getAddresses().isEmpty();
      if (hasAddresses == (host.getCname() != null)) {
        problems.add(new SpecProblem("spec.mtaSts.policyHost", "give either addresses or cname, not "
            + (hasAddresses ? "both" : "neither")));
      }
      List<String> addresses = hasAddresses ? host.getAddresses() : List.of();
      for (int i = 0; i < addresses.size(); i++) {
        if (!isIpLiteral(addresses.get(i))) {
          problems.add(new SpecProblem("spec.mtaSts.policyHost.addresses[" + i + "]", "\"" + addresses.get(i)
              + "\" is not an IPv4 or IPv6 address"));
        }
      }
    }
  }

  static boolean isIpLiteral(String text) {
    if (text == null) {
      return false;
    }
    if (text.matches("(\\d{1,3}\\.){3}\\d{1,3}")) {
      return java.util.Arrays.stream(text.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255);
    }
    if (!text.contains(":") || !text.matches("[0-9A-Fa-f:.]+")) {
      return false;
    }
    try {
      // With a colon, InetAddress parses an IPv6 literal and never looks a name up.
      return InetAddress.getByName(text) instanceof java.net.Inet6Address;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void checkTlsRpt(SecureMailDomainSpec spec, List<SpecProblem> problems) {
    if (spec.getTlsRpt() == null) {
      return;
    }
    List<String> rua = spec.getTlsRpt().getRua();
    for (int i = 0; i < rua.size(); i++) {
      if (rua.get(i) == null || !RUA.matcher(rua.get(i)).matches()) {
        problems.add(new SpecProblem("spec.tlsRpt.rua[" + i + "]", "\"" + rua.get(i)
            + "\" is not a mailto: address or https: URL (RFC 8460 section 3)"));
      }
    }
    if (spec.getTlsRpt().receivesHttps() && spec.getMtaSts().getMode() == MtaStsSpec.Mode.NONE) {
      problems.add(new SpecProblem("spec.tlsRpt.receive.https", "reports are received on the policy host "
          + "mta-sts." + spec.getDomain() + ", which spec.mtaSts.mode none withdraws; set mode testing or enforce"));
    }
    var receive = spec.getTlsRpt().getReceive();
    if (receive == null || !Boolean.TRUE.equals(receive.getMail())) {
      return;
    }
    // The MTA can route only addresses of the domain it receives mail for to the report receiver;
    // mail to any other address never passes through it.
    if (spec.getMta() == null) {
      problems.add(new SpecProblem("spec.tlsRpt.receive.mail", "needs spec.mta: report mail is received through "
          + "the MTA the operator runs for the domain" + (spec.getTransport() == null ? ""
          : ", and a domain attached to a MailTransport has none (its mail goes to spec.transport.deliverTo)")));
      return;
    }
    String domain = spec.getDomain() == null ? "" : spec.getDomain().toLowerCase(java.util.Locale.ROOT);
    boolean any = false;
    for (int i = 0; i < rua.size(); i++) {
      var address = TlsRptMailRoutes.mailtoAddress(rua.get(i));
      if (address.isEmpty()) {
        continue;
      }
      any = true;
      if (!TlsRptMailRoutes.domainOf(address.get()).equals(domain)) {
        problems.add(new SpecProblem("spec.tlsRpt.rua[" + i + "]", "\"" + rua.get(i) + "\" is not an address of "
            + domain + ": with spec.tlsRpt.receive.mail the operator receives report mail only through the "
            + "domain's own MTA, so every mailto: destination must be an address of spec.domain"));
      }
    }
    if (!any) {
      problems.add(new SpecProblem("spec.tlsRpt.receive.mail", "rua has no mailto: address to receive reports at"));
    }
  }

  private static void checkDns(DnsSpec dns, SecretLookup secrets, List<SpecProblem> problems) {
    if (dns.getProvider() != DnsSpec.Provider.RFC2136) {
      return;
    }
    Rfc2136Spec rfc2136 = dns.getRfc2136();
    if (rfc2136 == null) {
      problems.add(new SpecProblem("spec.dns.rfc2136", "required when spec.dns.provider is rfc2136"));
      return;
    }
    var ref = rfc2136.getTsigSecretRef();
    Optional<Set<String>> keys = secrets.keysOf(ref.getName());
    if (keys.isEmpty()) {
      problems.add(new SpecProblem("spec.dns.rfc2136.tsigSecretRef.name",
          "Secret \"" + ref.getName() + "\" does not exist in this namespace"));
    } else if (!keys.get().contains(ref.getKey())) {
      problems.add(new SpecProblem("spec.dns.rfc2136.tsigSecretRef.key",
          "Secret \"" + ref.getName() + "\" has no key \"" + ref.getKey() + "\""));
    }
  }

  private static void checkCompliance(ComplianceSpec compliance, List<SpecProblem> problems) {
    Duration interval = duration("spec.compliance.interval", compliance.getInterval(), problems);
    if (interval != null && (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0)) {
      problems.add(new SpecProblem("spec.compliance.interval",
          compliance.getInterval() + " is outside 1m to 24h"));
    }
  }

  /** The parsed duration, or null after recording why it cannot be parsed (the schema normally prevents it). */
  private static Duration duration(String field, String text, List<SpecProblem> problems) {
    try {
      return GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(new SpecProblem(field, e.getMessage()));
      return null;
    }
  }

  static boolean isInside(String name, String zone) {
    return name.equals(zone) || name.endsWith("." + zone);
  }

  private static String stripDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}
