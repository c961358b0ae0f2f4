package io.securemail.operator.compliance.caa;

import static io.securemail.operator.compliance.caa.CaaAuthorization.Verdict.ALLOWED;
import static io.securemail.operator.compliance.caa.CaaAuthorization.Verdict.FORBIDDEN;
import static io.securemail.operator.compliance.caa.CaaAuthorization.Verdict.UNCERTAIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.caa.CaaAuthorization.Decision;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.DnssecState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 8659 as a CA applies it, and RFC 8657's account and method pinning. */
class CaaAuthorizationTest {

  static final CaaIssuer LETS_ENCRYPT = CaaIssuer.of("letsencrypt.org");
  static final String ACCOUNT = "https://acme-v02.api.letsencrypt.org/acme/acct/12345";
  static final CaaIssuer PINNED = LETS_ENCRYPT.with("accounturi", ACCOUNT).with("validationmethods", "dns-01");

  static List<CaaProperty> records(String... presentation) {
    return java.util.Arrays.stream(presentation).map(CaaProperty::parse).map(Optional::orElseThrow).toList();
  }

  static Decision issue(CaaIssuer issuer, String... presentation) {
    return CaaAuthorization.forIssuer(records(presentation), issuer, false);
  }

  @Test
  void noRecordsLetAnyCaIssue() {
    assertThat(issue(LETS_ENCRYPT).verdict()).isEqualTo(ALLOWED);
    assertThat(CaaAuthorization.anyIssuer(List.of(), false).verdict()).isEqualTo(ALLOWED);
  }

  @Test
  void anIssuePropertyAllowsOnlyTheCasItNames() {
    assertThat(issue(LETS_ENCRYPT, "0 issue \"letsencrypt.org\"").verdict()).isEqualTo(ALLOWED);
    assertThat(issue(LETS_ENCRYPT, "0 issue \"LetsEncrypt.ORG\"").verdict()).as("domain names ignore case")
        .isEqualTo(ALLOWED);
    Decision other = issue(LETS_ENCRYPT, "0 issue \"pki.goog\"", "0 issue \"sectigo.com\"");
    assertThat(other.verdict()).isEqualTo(FORBIDDEN);
    assertThat(other.reason()).contains("pki.goog, sectigo.com").contains("not letsencrypt.org");
  }

  @Test
  void anEmptyIssueValueForbidsEveryCaUnlessAnotherNamesOne() {
    Decision none = issue(LETS_ENCRYPT, "0 issue \";\"");
    assertThat(none.verdict()).isEqualTo(FORBIDDEN);
    assertThat(CaaAuthorization.anyIssuer(records("0 issue \";\""), false).verdict()).isEqualTo(FORBIDDEN);
    assertThat(CaaAuthorization.anyIssuer(records("0 issue \";\""), false).reason()).contains("every CA is forbidden");
    // RFC 8659 section 4.2: authorizations add up.
    assertThat(issue(LETS_ENCRYPT, "0 issue \";\"", "0 issue \"letsencrypt.org\"").verdict()).isEqualTo(ALLOWED);
  }

  @Test
  void aMalformedValueNamesNoCa() {
    assertThat(issue(LETS_ENCRYPT, "0 issue \"%%%%%\"").verdict()).isEqualTo(FORBIDDEN);
    assertThat(issue(LETS_ENCRYPT, "0 issue \"letsencrypt.org; bad parameter\"").verdict()).isEqualTo(FORBIDDEN);
    assertThat(CaaAuthorization.anyIssuer(records("0 issue \"%%%%%\""), false).verdict()).isEqualTo(FORBIDDEN);
  }

  @Test
  void aCriticalUnknownTagForbidsIssuanceEvenBesideAnAuthorization() {
    Decision decision = issue(LETS_ENCRYPT, "0 issue \"letsencrypt.org\"", "128 tbs \"unknown\"");
    assertThat(decision.verdict()).isEqualTo(FORBIDDEN);
    assertThat(decision.reason()).contains("critical flag on tag 'tbs'");
    assertThat(CaaAuthorization.anyIssuer(records("128 tbs \"unknown\""), false).verdict()).isEqualTo(FORBIDDEN);
    // Without the flag an unknown tag is ignored (RFC 8659 section 4.1), and so is a critical known one.
    assertThat(issue(LETS_ENCRYPT, "0 issue \"letsencrypt.org\"", "0 tbs \"unknown\"").verdict()).isEqualTo(ALLOWED);
    assertThat(issue(LETS_ENCRYPT, "128 issue \"letsencrypt.org\"").verdict()).isEqualTo(ALLOWED);
  }

  @Test
  void issuewildGovernsOnlyWildcardNames() {
    // No issue property: a non-wildcard name is unrestricted whatever issuewild says.
    assertThat(issue(LETS_ENCRYPT, "0 issuewild \";\"").verdict()).isEqualTo(ALLOWED);
    assertThat(issue(LETS_ENCRYPT, "0 issue \"pki.goog\"", "0 issuewild \"letsencrypt.org\"").verdict())
        .as("issuewild allows nothing for a name that is no wildcard").isEqualTo(FORBIDDEN);
    List<CaaProperty> both = records("0 issue \"pki.goog\"", "0 issuewild \"letsencrypt.org\"");
    assertThat(CaaAuthorization.forIssuer(both, LETS_ENCRYPT, true).verdict()).as("issuewild decides for a wildcard")
        .isEqualTo(ALLOWED);
    // Without issuewild, a wildcard name follows issue (RFC 8659 section 4.3).
    assertThat(CaaAuthorization.forIssuer(records("0 issue \"pki.goog\""), LETS_ENCRYPT, true).verdict())
        .isEqualTo(FORBIDDEN);
  }

  @Test
  void accountUriPinsTheAcmeAccount() {
    String record = "0 issue \"letsencrypt.org; accounturi=" + ACCOUNT + "\"";
    assertThat(issue(PINNED, record).verdict()).isEqualTo(ALLOWED);
    Decision other = issue(LETS_ENCRYPT.with("accounturi", ACCOUNT + "9"), record);
    assertThat(other.verdict()).isEqualTo(FORBIDDEN);
    assertThat(other.reason()).contains("allows only ACME account " + ACCOUNT + ", not " + ACCOUNT + "9");
    assertThat(issue(LETS_ENCRYPT, record).verdict()).as("an account not known here").isEqualTo(UNCERTAIN);
  }

  @Test
  void validationMethodsPinTheChallengeTypes() {
    assertThat(issue(PINNED, "0 issue \"letsencrypt.org; validationmethods=dns-01,http-01\"").verdict())
        .isEqualTo(ALLOWED);
    Decision http = issue(PINNED, "0 issue \"letsencrypt.org; validationmethods=http-01\"");
    assertThat(http.verdict()).isEqualTo(FORBIDDEN);
    assertThat(http.reason()).contains("allows only validation methods http-01, not dns-01");
    assertThat(issue(LETS_ENCRYPT, "0 issue \"letsencrypt.org; validationmethods=http-01\"").verdict())
        .isEqualTo(UNCERTAIN);
  }

  @Test
  void treeClimbingStopsAtTheFirstNameWithRecords() {
    Map<String, DnsAnswer> zone = new HashMap<>();
    zone.put("example.com", DnsAnswer.of("example.com", "CAA", DnssecState.secure, "0 issue \"pki.goog\""));
    zone.put("com", DnsAnswer.of("com", "CAA", DnssecState.secure, "0 issue \";\""));
    zone.put("mx2.example.com", DnsAnswer.of("mx2.example.com", "CAA", DnssecState.secure,
        "0 issue \"letsencrypt.org\""));
    List<String> asked = new ArrayList<>();
    DnsProbe dns = (name, type) -> {
      asked.add(name + " " + type);
      return zone.getOrDefault(name, DnsAnswer.of(name, type, DnssecState.secure));
    };
    Map<String, DnsAnswer> answers = new HashMap<>();

    RelevantCaa mx1 = RelevantCaa.find(dns, "MX1.example.com.", answers);
    assertThat(mx1.name()).isEqualTo("mx1.example.com");
    assertThat(mx1.foundAt()).isEqualTo("example.com");
    assertThat(mx1.properties()).extracting(CaaProperty::value).containsExactly("pki.goog");
    RelevantCaa mx2 = RelevantCaa.find(dns, "mx2.example.com", answers);
    assertThat(mx2.foundAt()).isEqualTo("mx2.example.com");
    assertThat(CaaAuthorization.forIssuer(mx2.properties(), LETS_ENCRYPT, false).verdict()).isEqualTo(ALLOWED);
    assertThat(CaaAuthorization.forIssuer(mx1.properties(), LETS_ENCRYPT, false).verdict()).isEqualTo(FORBIDDEN);
    assertThat(asked).as("each name once, and never above the first name with records")
        .containsExactly("mx1.example.com CAA", "example.com CAA", "mx2.example.com CAA");

    RelevantCaa nowhere = RelevantCaa.find((name, type) -> DnsAnswer.nxdomain(name, type, DnssecState.secure),
        "a.b.example", new HashMap<>());
    assertThat(nowhere.foundAt()).isNull();
    assertThat(nowhere.properties()).isEmpty();
    assertThat(nowhere.failure()).isNull();
  }

  @Test
  void aFailedLookupStopsTheClimbAndIsReported() {
    DnsProbe dns = (name, type) -> switch (name) {
      case "example.com" -> DnsAnswer.failed(name, type, DnsAnswer.Outcome.ERROR, DnssecState.bogus, "SERVFAIL");
      case "com" -> DnsAnswer.of(name, type, DnssecState.secure, "0 issue \"pki.goog\"");
      default -> DnsAnswer.of(name, type, DnssecState.secure);
    };
    RelevantCaa found = RelevantCaa.find(dns, "mx1.example.com", new HashMap<>());
    assertThat(found.failure()).isNotNull();
    assertThat(found.failure().dnssec()).isEqualTo(DnssecState.bogus);
    assertThat(found.properties()).as("com's records are not reached").isEmpty();
  }
}
