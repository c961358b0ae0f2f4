package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.CheckStatus;
import io.securemail.operator.compliance.ComplianceEngine;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.MxObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.TestPki;
import io.securemail.operator.compliance.caa.CaaIssuer;
import io.securemail.operator.compliance.caa.RelevantCaa;
import io.securemail.operator.compliance.dane.DaneMatcher;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnssecState;
import io.securemail.operator.compliance.mtasts.PolicyFetch;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import io.securemail.operator.compliance.smtp.TlsAttempt;
import io.securemail.operator.compliance.smtp.TlsOffer;
import io.securemail.operator.compliance.smtp.TlsSession;
import java.security.cert.TrustAnchor;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Observations of a domain that does everything right (DNSSEC, DANE 3 1 1, TLS 1.3, a valid
 * certificate, MTA-STS enforce, TLS-RPT), and ways to break one thing at a time.
 */
final class Fixture {

  static final Instant NOW = Instant.now();
  static final String POLICY_URL = "https://mta-sts.example.com/.well-known/mta-sts.txt";
  static final String ENFORCE = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmax_age: 604800\r\n";

  static final TestPki.Issued CA = TestPki.ca("Test Mail CA");
  static final TestPki.Issued LEAF = TestPki.leaf(CA, "mx1.example.com");
  static final String LEAF_311 = "3 1 1 " + DaneMatcher.associationData(LEAF.certificate(), 1, 1);
  static final String NEXT_311 = "3 1 1 " + DaneMatcher.associationData(TestPki.leaf(CA, "mx1.example.com")
      .certificate(), 1, 1);
  static final String CA_211 = "2 1 1 " + DaneMatcher.associationData(CA.certificate(), 1, 1);

  private DomainObservation observation;

  private Fixture(DomainObservation observation) {
    this.observation = observation;
  }

  static Fixture compliant() {
    MxObservation mx = new MxObservation("mx1.example.com", 10,
        DnsAnswer.of("mx1.example.com", "A", DnssecState.secure, "192.0.2.10"),
        DnsAnswer.of("mx1.example.com", "AAAA", DnssecState.secure),
        DnsAnswer.of("_25._tcp.mx1.example.com", "TLSA", DnssecState.secure, LEAF_311),
        List.of(smtpOk("192.0.2.10")));
    return new Fixture(new DomainObservation("example.com",
        DnsAnswer.of("example.com", "MX", DnssecState.secure, "10 mx1.example.com."), List.of(mx),
        DnsAnswer.of("_mta-sts.example.com", "TXT", DnssecState.secure, "v=STSv1; id=20240101T000000"),
        PolicyFetch.ok(POLICY_URL, ENFORCE),
        DnsAnswer.of("_smtp._tls.example.com", "TXT", DnssecState.secure, "v=TLSRPTv1; rua=mailto:tls@example.com"),
        Set.of(new TrustAnchor(CA.certificate(), null)),
        List.of(new RelevantCaa("mx1.example.com", null, List.of(), null)), List.of()));
  }

  static SmtpObservation smtpOk(String address) {
    return new SmtpObservation("mx1.example.com", address, 25, SmtpObservation.Outcome.TLS_OK,
        "220 mx1.example.com ESMTP", new TlsSession("TLSv1.3", "TLS_AES_256_GCM_SHA384",
        List.of(LEAF.certificate(), CA.certificate())),
        Arrays.stream(TlsOffer.values()).filter(o -> o != TlsOffer.STANDARD)
            .map(o -> new TlsAttempt(o, TlsAttempt.Result.REFUSED, null, "protocol_version")).toList(), "");
  }

  Fixture mx(DnsAnswer mx) {
    observation = new DomainObservation(observation.domain(), mx, observation.mxHosts(), observation.mtaStsTxt(),
        observation.policy(), observation.tlsRptTxt(), observation.pkixRoots(),
        observation.caa(), observation.caaIssuers());
    return this;
  }

  Fixture host(UnaryOperator<MxObservation> change) {
    observation = new DomainObservation(observation.domain(), observation.mx(),
        observation.mxHosts().stream().map(change).toList(), observation.mtaStsTxt(), observation.policy(),
        observation.tlsRptTxt(), observation.pkixRoots(),
        observation.caa(), observation.caaIssuers());
    return this;
  }

  Fixture noHosts() {
    observation = new DomainObservation(observation.domain(), observation.mx(), List.of(), observation.mtaStsTxt(),
        observation.policy(), observation.tlsRptTxt(), observation.pkixRoots(), List.of(), observation.caaIssuers());
    return this;
  }

  Fixture tlsa(DnsAnswer tlsa) {
    return host(mx -> new MxObservation(mx.host(), mx.preference(), mx.ipv4(), mx.ipv6(), tlsa, mx.smtp()));
  }

  Fixture tlsa(String... records) {
    return tlsa(DnsAnswer.of("_25._tcp.mx1.example.com", "TLSA", DnssecState.secure, records));
  }

  Fixture addresses(DnsAnswer ipv4, DnsAnswer ipv6) {
    return host(mx -> new MxObservation(mx.host(), mx.preference(), ipv4, ipv6, mx.tlsa(),
        ipv4.data().isEmpty() && ipv6.data().isEmpty() ? List.of() : mx.smtp()));
  }

  Fixture smtp(UnaryOperator<SmtpObservation> change) {
    return host(mx -> new MxObservation(mx.host(), mx.preference(), mx.ipv4(), mx.ipv6(), mx.tlsa(),
        mx.smtp().stream().map(change).toList()));
  }

  Fixture session(TlsSession session) {
    return smtp(s -> new SmtpObservation(s.host(), s.address(), s.port(), s.outcome(), s.banner(), session,
        s.attempts(), s.detail()));
  }

  Fixture attempt(TlsOffer offer, TlsAttempt.Result result, String negotiated) {
    return smtp(s -> new SmtpObservation(s.host(), s.address(), s.port(), s.outcome(), s.banner(), s.tls(),
        s.attempts().stream().map(a -> a.offer() == offer ? new TlsAttempt(offer, result, negotiated, "timed out") : a)
            .toList(), s.detail()));
  }

  Fixture stsTxt(String... records) {
    observation = new DomainObservation(observation.domain(), observation.mx(), observation.mxHosts(),
        DnsAnswer.of("_mta-sts.example.com", "TXT", DnssecState.secure, records),
        records.length == 0 ? null : observation.policy(), observation.tlsRptTxt(), observation.pkixRoots(),
        observation.caa(), observation.caaIssuers());
    return this;
  }

  Fixture policy(PolicyFetch policy) {
    observation = new DomainObservation(observation.domain(), observation.mx(), observation.mxHosts(),
        observation.mtaStsTxt(), policy, observation.tlsRptTxt(), observation.pkixRoots(),
        observation.caa(), observation.caaIssuers());
    return this;
  }

  Fixture policy(String body) {
    return policy(PolicyFetch.ok(POLICY_URL, body));
  }

  Fixture tlsRpt(String... records) {
    observation = new DomainObservation(observation.domain(), observation.mx(), observation.mxHosts(),
        observation.mtaStsTxt(), observation.policy(),
        DnsAnswer.of("_smtp._tls.example.com", "TXT", DnssecState.secure, records), observation.pkixRoots(),
        observation.caa(), observation.caaIssuers());
    return this;
  }

  /** The CAA Relevant RRsets found, one per certificate name. */
  Fixture caa(RelevantCaa... relevant) {
    observation = new DomainObservation(observation.domain(), observation.mx(), observation.mxHosts(),
        observation.mtaStsTxt(), observation.policy(), observation.tlsRptTxt(), observation.pkixRoots(),
        List.of(relevant), observation.caaIssuers());
    return this;
  }

  /** The CAs the domain's certificates come from, as the operator or --caa-issuer says. */
  Fixture caaIssuers(CaaIssuer... issuers) {
    observation = new DomainObservation(observation.domain(), observation.mx(), observation.mxHosts(),
        observation.mtaStsTxt(), observation.policy(), observation.tlsRptTxt(), observation.pkixRoots(),
        observation.caa(), List.of(issuers));
    return this;
  }

  DomainObservation observation() {
    return observation;
  }

  List<CheckResult> results(String id, Profile profile) {
    return ComplianceEngine.evaluate(observation, profile, NOW).checks().stream().filter(c -> c.id().equals(id))
        .toList();
  }

  /** The one result of a check; fails the test if there is not exactly one. */
  CheckResult result(String id, Profile profile) {
    List<CheckResult> results = results(id, profile);
    if (results.size() != 1) {
      throw new AssertionError("expected one " + id + " result, got " + results);
    }
    return results.get(0);
  }

  CheckStatus status(String id, Profile profile) {
    return result(id, profile).status();
  }
}
