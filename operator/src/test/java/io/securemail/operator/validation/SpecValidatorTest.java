package io.securemail.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.api.KeyAlgorithm;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.Rfc2136Spec;
import io.securemail.operator.api.SecretKeyRef;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.TlsRptSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecValidatorTest {

  private static final String TSIG_SECRET = "tsig-key";
  /** Knows one Secret, TSIG_SECRET, with the default key "secret". */
  private static final SecretLookup SECRETS =
      name -> TSIG_SECRET.equals(name) ? Optional.of(Set.of("secret")) : Optional.empty();

  private static SecureMailDomainSpec spec(String domain, String... mxHosts) {
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain(domain);
    List<MxHost> mx = new ArrayList<>();
    for (String host : mxHosts) {
      mx.add(new MxHost(host, 10));
    }
    spec.setMx(mx);
    return spec;
  }

  private static SecureMailDomainSpec minimal() {
    return spec("example.com", "mx1.example.com");
  }

  private static void useRfc2136(SecureMailDomainSpec spec, String zone) {
    Rfc2136Spec rfc2136 = new Rfc2136Spec();
    rfc2136.setServer("ns1.example.com:53");
    rfc2136.setZone(zone);
    rfc2136.setTsigKeyName("update-key");
    rfc2136.setTsigSecretRef(new SecretKeyRef(TSIG_SECRET, "secret"));
    spec.getDns().setProvider(DnsSpec.Provider.RFC2136);
    spec.getDns().setRfc2136(rfc2136);
  }

  private static List<SpecProblem> validate(SecureMailDomainSpec spec) {
    return SpecValidator.validate(spec, SECRETS);
  }

  private static List<String> fields(List<SpecProblem> problems) {
    return problems.stream().map(SpecProblem::field).toList();
  }

  @Test
  void minimalSpecWithDefaultsIsValid() {
    assertThat(validate(minimal())).isEmpty();
  }

  @Test
  void duplicateMxHostNamesTheSecondAndPointsAtTheFirst() {
    List<SpecProblem> problems = validate(spec("example.com", "mx1.example.com", "mx1.example.com"));

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.mx[1].host");
      assertThat(p.message()).contains("mx1.example.com").contains("spec.mx[0]");
    });
  }

  @Test
  void distinctMxHostsAreFine() {
    assertThat(validate(spec("example.com", "mx1.example.com", "mx2.example.com"))).isEmpty();
  }

  @Test
  void rfc2136ProviderNeedsItsSettings() {
    SecureMailDomainSpec spec = minimal();
    spec.getDns().setProvider(DnsSpec.Provider.RFC2136);

    assertThat(fields(validate(spec))).containsExactly("spec.dns.rfc2136");
  }

  @Test
  void rfc2136SettingsAreIgnoredForOtherProviders() {
    SecureMailDomainSpec spec = spec("example.com", "mx.other.org");
    useRfc2136(spec, "example.com.");
    spec.getDns().setProvider(DnsSpec.Provider.MANUAL);

    assertThat(validate(spec)).isEmpty();
  }

  @Test
  void mxHostOutsideTheZoneIsAProblem() {
    SecureMailDomainSpec spec = spec("example.com", "mx1.example.com", "mx.other.org");
    useRfc2136(spec, "example.com.");

    assertThat(validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.mx[1].host");
      assertThat(p.message()).contains("mx.other.org").contains("example.com");
    });
  }

  @Test
  void domainOutsideTheZoneIsAProblem() {
    SecureMailDomainSpec spec = spec("example.org", "mx1.example.com");
    useRfc2136(spec, "example.com");

    assertThat(validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.domain");
      assertThat(p.message()).contains("example.org").contains("example.com");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.com", "example.com."})
  void zoneWithOrWithoutTrailingDotAcceptsNamesInsideIt(String zone) {
    SecureMailDomainSpec spec = spec("example.com", "mx1.example.com", "example.com", "a.b.example.com");
    useRfc2136(spec, zone);

    assertThat(validate(spec)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.com", "example.com."})
  void aNameThatMerelyEndsWithTheZoneTextIsNotInside(String zone) {
    SecureMailDomainSpec spec = spec("badexample.com", "mx1.example.com", "badexample.com");
    useRfc2136(spec, zone);

    assertThat(fields(validate(spec))).containsExactly("spec.domain", "spec.mx[1].host");
  }

  @Test
  void subdomainZoneDoesNotContainItsParent() {
    SecureMailDomainSpec spec = spec("example.com", "mx1.example.com");
    useRfc2136(spec, "mail.example.com");

    assertThat(fields(validate(spec))).containsExactly("spec.domain", "spec.mx[0].host");
  }

  @Test
  void missingTsigSecretIsAProblemOnTheName() {
    SecureMailDomainSpec spec = minimal();
    useRfc2136(spec, "example.com");

    List<SpecProblem> problems = SpecValidator.validate(spec, name -> Optional.empty());

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.dns.rfc2136.tsigSecretRef.name");
      assertThat(p.message()).contains(TSIG_SECRET);
    });
  }

  @Test
  void tsigSecretIsLookedUpByTheReferencedName() {
    SecureMailDomainSpec spec = minimal();
    useRfc2136(spec, "example.com");
    spec.getDns().getRfc2136().getTsigSecretRef().setName("other-secret");

    assertThat(fields(validate(spec))).containsExactly("spec.dns.rfc2136.tsigSecretRef.name");
  }

  @Test
  void tsigSecretWithoutTheKeyIsAProblemOnTheKey() {
    SecureMailDomainSpec spec = minimal();
    useRfc2136(spec, "example.com");
    spec.getDns().getRfc2136().getTsigSecretRef().setKey("tsig.key");

    assertThat(validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.dns.rfc2136.tsigSecretRef.key");
      assertThat(p.message()).contains(TSIG_SECRET).contains("tsig.key");
    });
  }

  @Test
  void rsaKeySizeWithEcdsaIsAProblem() {
    SecureMailDomainSpec spec = minimal();
    spec.getCertificates().setKeyAlgorithm(KeyAlgorithm.ECDSA);
    spec.getCertificates().setRsaKeySize(2048);

    assertThat(fields(validate(spec))).containsExactly("spec.certificates.rsaKeySize");
  }

  @Test
  void rsaKeySizeOtherThan2048Or3072IsAProblem() {
    SecureMailDomainSpec spec = minimal();
    spec.getCertificates().setKeyAlgorithm(KeyAlgorithm.RSA);
    spec.getCertificates().setRsaKeySize(4096);

    assertThat(validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.certificates.rsaKeySize");
      assertThat(p.message()).contains("4096");
    });
  }

  @Test
  void caaIssuersMustBeIssueValuesNamingACa() {
    SecureMailDomainSpec spec = minimal();
    spec.getCertificates().getCaa().setIssuers(List.of("letsencrypt.org; validationmethods=dns-01", "bad_name",
        ";", "ca.example; no parameter"));

    List<SpecProblem> problems = validate(spec);
    assertThat(fields(problems)).containsExactly("spec.certificates.caa.issuers[1]",
        "spec.certificates.caa.issuers[2]", "spec.certificates.caa.issuers[3]");
    assertThat(problems.get(0).message()).contains("\"bad_name\" is not a CAA issue value");
    assertThat(problems.get(1).message()).contains("names no CA");
  }

  @ParameterizedTest
  @ValueSource(ints = {2048, 3072})
  void supportedRsaKeySizesAreFine(int size) {
    SecureMailDomainSpec spec = minimal();
    spec.getCertificates().setKeyAlgorithm(KeyAlgorithm.RSA);
    spec.getCertificates().setRsaKeySize(size);

    assertThat(validate(spec)).isEmpty();
  }

  @Test
  void rsaWithoutKeySizeIsFine() {
    SecureMailDomainSpec spec = minimal();
    spec.getCertificates().setKeyAlgorithm(KeyAlgorithm.RSA);

    assertThat(validate(spec)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"24h", "48h"})
  void rolloverNotLongerThanPrePublishIsAProblem(String every) {
    SecureMailDomainSpec spec = minimal();
    spec.getDane().setRolloverEvery(every);
    spec.getDane().setPrePublish("48h");

    assertThat(validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.dane.rolloverEvery");
      assertThat(p.message()).contains(every).contains("48h");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "48h1s", "2160h"})
  void rolloverOffOrLongerThanPrePublishIsFine(String every) {
    SecureMailDomainSpec spec = minimal();
    spec.getDane().setRolloverEvery(every);
    spec.getDane().setPrePublish("48h");

    assertThat(validate(spec)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"30s", "59s", "24h1s", "25h"})
  void complianceIntervalOutside1mTo24hIsAProblem(String interval) {
    SecureMailDomainSpec spec = minimal();
    spec.getCompliance().setInterval(interval);

    assertThat(validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.compliance.interval");
      assertThat(p.message()).contains(interval);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"1m", "60s", "5m", "24h", "23h60m"})
  void complianceIntervalFrom1mTo24hIsFine(String interval) {
    SecureMailDomainSpec spec = minimal();
    spec.getCompliance().setInterval(interval);

    assertThat(validate(spec)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://x", "mailto:nobody", "http://r.example.com/tlsrpt", "mailto:a@example.com,b@example.com"})
  void ruaThatIsNotMailtoOrHttpsIsAProblemNamingItsIndex(String bad) {
    SecureMailDomainSpec spec = minimal();
    spec.setTlsRpt(new TlsRptSpec(List.of("mailto:a@example.com", bad)));

    assertThat(validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.tlsRpt.rua[1]");
      assertThat(p.message()).contains("\"" + bad + "\"");
    });
  }

  @Test
  void receivingOverHttpsNeedsThePolicyHost() {
    SecureMailDomainSpec spec = minimal();
    spec.setTlsRpt(new TlsRptSpec(List.of("mailto:a@example.com")));
    spec.getTlsRpt().setReceive(new io.securemail.operator.api.TlsRptReceiveSpec(true));
    assertThat(validate(spec)).isEmpty();

    spec.getMtaSts().setMode(io.securemail.operator.api.MtaStsSpec.Mode.NONE);
    assertThat(validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.tlsRpt.receive.https");
      assertThat(p.message()).contains("mta-sts.example.com", "spec.mtaSts.mode none");
    });
  }

  @Test
  void mailtoAndHttpsRuaAreFine() {
    SecureMailDomainSpec spec = minimal();
    spec.setTlsRpt(new TlsRptSpec(List.of("mailto:a@example.com", "https://r.example.com/tlsrpt")));

    assertThat(validate(spec)).isEmpty();
  }

  private static SecureMailDomainSpec receivingMail(String... rua) {
    SecureMailDomainSpec spec = minimal();
    io.securemail.operator.api.MtaSpec mta = new io.securemail.operator.api.MtaSpec();
    mta.getInbound().setDeliverTo("lmtp:[dovecot.mail.svc]:24");
    spec.setMta(mta);
    spec.setTlsRpt(new TlsRptSpec(List.of(rua)));
    io.securemail.operator.api.TlsRptReceiveSpec receive = new io.securemail.operator.api.TlsRptReceiveSpec();
    receive.setMail(true);
    spec.getTlsRpt().setReceive(receive);
    return spec;
  }

  @Test
  void receivingReportMailTakesMailtoAddressesOfTheDomainOnly() {
    assertThat(validate(receivingMail("mailto:tls-reports@Example.com", "https://r.example.net/tlsrpt"))).isEmpty();

    assertThat(validate(receivingMail("mailto:tls-reports@example.com", "mailto:tlsrpt@reports.example.net")))
        .singleElement().satisfies(p -> {
          assertThat(p.field()).isEqualTo("spec.tlsRpt.rua[1]");
          assertThat(p.message()).contains("\"mailto:tlsrpt@reports.example.net\"").contains("example.com")
              .contains("receive.mail");
        });
  }

  @Test
  void receivingReportMailNeedsTheMtaAndAMailtoDestination() {
    SecureMailDomainSpec withoutMta = receivingMail("mailto:tls-reports@example.com");
    withoutMta.setMta(null);
    assertThat(fields(validate(withoutMta))).containsExactly("spec.tlsRpt.receive.mail");
    assertThat(fields(validate(receivingMail("https://r.example.com/tlsrpt"))))
        .containsExactly("spec.tlsRpt.receive.mail");
  }

  @Test
  void reportsEveryProblemInFieldOrder() {
    SecureMailDomainSpec spec = spec("example.com", "mx1.example.com", "mx1.example.com");
    spec.getCertificates().setKeyAlgorithm(KeyAlgorithm.RSA);
    spec.getCertificates().setRsaKeySize(4096);
    spec.getDane().setRolloverEvery("24h");
    spec.setTlsRpt(new TlsRptSpec(List.of("ftp://x", "mailto:nobody")));
    spec.getCompliance().setInterval("30s");

    assertThat(fields(validate(spec))).containsExactly(
        "spec.mx[1].host",
        "spec.certificates.rsaKeySize",
        "spec.dane.rolloverEvery",
        "spec.tlsRpt.rua[0]",
        "spec.tlsRpt.rua[1]",
        "spec.compliance.interval");
  }

  @Test
  void reportsEveryRfc2136ProblemInFieldOrder() {
    SecureMailDomainSpec spec = spec("example.org", "mx.other.org");
    useRfc2136(spec, "example.com");
    spec.getCompliance().setInterval("25h");

    List<SpecProblem> problems = SpecValidator.validate(spec, name -> Optional.empty());

    assertThat(fields(problems)).containsExactly(
        "spec.domain",
        "spec.mx[0].host",
        "spec.dns.rfc2136.tsigSecretRef.name",
        "spec.compliance.interval");
  }

  @Test
  void zoneProblemsOnDomainAndMxComeBeforeLaterFields() {
    SecureMailDomainSpec spec = spec("example.org", "mx.other.org");
    useRfc2136(spec, "example.com");
    spec.getDane().setRolloverEvery("24h");
    spec.setTlsRpt(new TlsRptSpec(List.of("ftp://x")));

    assertThat(fields(validate(spec))).containsExactly(
        "spec.domain",
        "spec.mx[0].host",
        "spec.dane.rolloverEvery",
        "spec.tlsRpt.rua[0]");
  }

  @Test
  void maxAgeBelowTheOperatorsMinimumIsRejectedWithTheMinimum() {
    SecureMailDomainSpec spec = minimal();
    spec.getMtaSts().setMaxAge(3600L);

    assertThat(validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.mtaSts.maxAge");
      assertThat(p.message()).contains("3600 s is below the minimum of 86400 s");
    });
    assertThat(SpecValidator.validate(spec, SECRETS, 60)).isEmpty();
  }

  @Test
  void everyMxHostMustMatchAnMxPattern() {
    SecureMailDomainSpec spec = spec("example.com", "mx1.example.com", "mx.other.example.com");
    spec.getMtaSts().setMxPatterns(List.of("*.example.com", "not a pattern"));

    assertThat(validate(spec)).extracting(SpecProblem::field)
        .containsExactly("spec.mtaSts.mxPatterns[1]", "spec.mx[1].host");
  }

  @Test
  void aTransportsMxHostOutsideTheDomainsPatternsIsNamedWithThePatterns() {
    SecureMailDomainSpec spec = spec("example.com", "mx1.fleet.example", "mx.backup.example");
    spec.getMtaSts().setMxPatterns(List.of("*.fleet.example"));

    assertThat(SpecValidator.mxOutsidePatterns(spec, "MailTransport p/fleet's MX host ")).singleElement()
        .satisfies(p -> {
          assertThat(p.field()).isEqualTo("spec.mtaSts.mxPatterns");
          assertThat(p.message()).startsWith("MailTransport p/fleet's MX host mx.backup.example matches none of "
              + "[*.fleet.example]");
        });
    spec.getMtaSts().setMxPatterns(List.of());
    assertThat(SpecValidator.mxOutsidePatterns(spec, "MailTransport p/fleet's MX host ")).as("no patterns: the "
        + "policy lists the hosts").isEmpty();
  }

  @Test
  void thePolicyHostNeedsAddressesOrACnameAndRealAddresses() {
    SecureMailDomainSpec spec = minimal();
    var host = new io.securemail.operator.api.PolicyHostSpec();
    spec.getMtaSts().setPolicyHost(host);
    assertThat(validate(spec)).extracting(SpecProblem::field).containsExactly("spec.mtaSts.policyHost");

    host.setAddresses(List.of("192.0.2.1", "2001:db8::1", "192.0.2.256", "mta-sts.example.com"));
    assertThat(validate(spec)).extracting(SpecProblem::field)
        .containsExactly("spec.mtaSts.policyHost.addresses[2]", "spec.mtaSts.policyHost.addresses[3]");

    host.setCname("policies.example.net");
    assertThat(validate(spec)).extracting(SpecProblem::toString).first().asString().contains("not both");
  }

  @Test
  void mtaNetworksMustBeCidrsWithPrefixesInRange() {
    SecureMailDomainSpec spec = minimal();
    io.securemail.operator.api.MtaSpec mta = new io.securemail.operator.api.MtaSpec();
    mta.getInbound().setDeliverTo("smtp:[mailstore.internal]:25");
    mta.getOutbound().setAllowedNetworks(List.of("10.0.0.0/8", "10.0.0.0/33", "fd00::/129", "fd00::/64", "300.1.1.1/8"));
    mta.getSubmission().getClientCertificates().setSpkiSha256(List.of(CLIENT_KEY));
    spec.setMta(mta);
    List<SpecProblem> problems = validate(spec);
    assertThat(fields(problems)).containsExactly("spec.mta.outbound.allowedNetworks[1]",
        "spec.mta.outbound.allowedNetworks[2]", "spec.mta.outbound.allowedNetworks[4]");
    assertThat(problems.get(0).toString()).contains("10.0.0.0/33").contains("prefix at most 32");
    assertThat(problems.get(1).toString()).contains("prefix at most 128");
  }

  static final String CLIENT_KEY = "3b1c2f0e9d8a7b6c5d4e3f201918171615141312111009080706050403020100";

  /** A network of every address makes the allow-list mean nothing (an open relay to any key holder). */
  @Test
  void mtaNetworksOfEveryAddressAreRefused() {
    SecureMailDomainSpec spec = minimal();
    io.securemail.operator.api.MtaSpec mta = new io.securemail.operator.api.MtaSpec();
    mta.getInbound().setDeliverTo("smtp:[mailstore.internal]:25");
    mta.getOutbound().setAllowedNetworks(List.of("0.0.0.0/0", "10.0.0.0/8", "::/0", "192.0.2.1/0"));
    mta.getSubmission().getClientCertificates().setSpkiSha256(List.of(CLIENT_KEY));
    spec.setMta(mta);
    List<SpecProblem> problems = validate(spec);
    assertThat(fields(problems)).containsExactly("spec.mta.outbound.allowedNetworks[0]",
        "spec.mta.outbound.allowedNetworks[2]", "spec.mta.outbound.allowedNetworks[3]");
    assertThat(problems.get(0).toString()).contains("0.0.0.0/0").contains("every address");
    assertThat(problems.get(1).toString()).contains("::/0");
  }

  /** Port 587 never opens on the network alone: a client must also authenticate. */
  @Test
  void submissionNeedsClientKeysWhenNetworksAreAllowed() {
    SecureMailDomainSpec spec = minimal();
    io.securemail.operator.api.MtaSpec mta = new io.securemail.operator.api.MtaSpec();
    mta.getInbound().setDeliverTo("smtp:[mailstore.internal]:25");
    mta.getOutbound().setAllowedNetworks(List.of("10.1.2.0/24"));
    spec.setMta(mta);
    assertThat(validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.mta.submission.clientCertificates.spkiSha256");
      assertThat(p.toString()).contains("spec.mta.outbound.allowedNetworks").contains("authentication");
    });

    String colons = CLIENT_KEY.toUpperCase().replaceAll("(..)(?!$)", "$1:");
    mta.getSubmission().getClientCertificates().setSpkiSha256(List.of(CLIENT_KEY, colons, "abc", CLIENT_KEY + "00"));
    assertThat(fields(validate(spec))).containsExactly("spec.mta.submission.clientCertificates.spkiSha256[2]",
        "spec.mta.submission.clientCertificates.spkiSha256[3]");

    mta.getSubmission().getClientCertificates().setSpkiSha256(List.of(colons));
    assertThat(validate(spec)).isEmpty();
    // Keys without networks open nothing and are no error.
    mta.getOutbound().setAllowedNetworks(List.of());
    assertThat(validate(spec)).isEmpty();
  }

  @Test
  void mtaMailStorePortMustBeInRange() {
    SecureMailDomainSpec spec = minimal();
    io.securemail.operator.api.MtaSpec mta = new io.securemail.operator.api.MtaSpec();
    mta.getInbound().setDeliverTo("lmtp:[dovecot]:70000");
    spec.setMta(mta);
    assertThat(validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.mta.inbound.deliverTo");
      assertThat(p.toString()).contains("70000");
    });
    mta.getInbound().setDeliverTo("lmtp:[dovecot]:24");
    assertThat(validate(spec)).isEmpty();
  }

  @Test
  void loadBalancerSettingsNeedALoadBalancerService() {
    SecureMailDomainSpec spec = minimal();
    io.securemail.operator.api.MtaSpec mta = new io.securemail.operator.api.MtaSpec();
    mta.getInbound().setDeliverTo("smtp:[mailstore.internal]:25");
    mta.getInbound().setLoadBalancerIP("192.0.2.25");
    mta.getInbound().setLoadBalancerClass("example.com/lb");
    spec.setMta(mta);
    assertThat(validate(spec)).isEmpty();
    mta.getInbound().setServiceType("NodePort");
    assertThat(fields(validate(spec))).containsExactly("spec.mta.inbound.loadBalancerIP",
        "spec.mta.inbound.loadBalancerClass");
    mta.getInbound().setServiceType("LoadBalancer");
    mta.getInbound().setLoadBalancerIP("1.2.3");
    assertThat(validate(spec)).singleElement().satisfies(p -> assertThat(p.toString()).contains("not an IP address"));
  }
}
