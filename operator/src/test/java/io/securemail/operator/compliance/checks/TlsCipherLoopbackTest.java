package io.securemail.operator.compliance.checks;

import static io.securemail.operator.compliance.CheckStatus.fail;
import static io.securemail.operator.compliance.CheckStatus.pass;
import static io.securemail.operator.compliance.CheckStatus.warn;
import static io.securemail.operator.compliance.Profile.BSI_TR_03108;
import static io.securemail.operator.compliance.Profile.RFC;
import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.TestPki;
import io.securemail.operator.compliance.smtp.SmtpClientProbe;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import io.securemail.operator.compliance.smtp.TestSmtpServer;
import io.securemail.operator.compliance.smtp.Tr02102Suites;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * tls.cipher against real handshakes: loopback SMTP servers configured with suites from BSI
 * TR-02102-2 Tables 1 and 11 or just outside them, probed as a sender would, judged per profile.
 */
class TlsCipherLoopbackTest {

  private static final ProtocolVersion[] TLS_1_2 = ProtocolVersion.TLSv12.only();
  private static final ProtocolVersion[] TLS_1_3 = ProtocolVersion.TLSv13.only();
  private static final ProtocolVersion[] TLS_1_2_AND_1_3 = ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);

  private static TestPki.Issued ca;
  private static TestPki.Issued ecLeaf;
  private static TestPki.Issued rsaLeaf;
  private static TestPki.Issued dsaLeaf;

  @BeforeAll
  static void certificates() {
    ca = TestPki.ca("Test Mail CA");
    Instant now = Instant.now();
    ecLeaf = TestPki.leaf(ca, "mx1.example.com");
    rsaLeaf = TestPki.leaf(ca, TestPki.key("RSA"), now.minusSeconds(3600), now.plusSeconds(86400), "mx1.example.com");
    dsaLeaf = TestPki.leaf(ca, TestPki.key("DSA"), now.minusSeconds(3600), now.plusSeconds(86400), "mx1.example.com");
  }

  /** The certificate a server of this suite needs: the suite names its authentication. */
  private static TestPki.Issued leafFor(String suite) {
    if (suite.contains("_RSA_")) {
      return rsaLeaf;
    }
    return suite.contains("_DSS_") ? dsaLeaf : ecLeaf;
  }

  private static SmtpObservation probe(Profile profile, ProtocolVersion[] versions, int... suites) throws Exception {
    TestPki.Issued leaf = leafFor(Tr02102Suites.all().stream().filter(s -> s.code() == suites[0]).findFirst()
        .map(Tr02102Suites.Suite::iana).orElse(""));
    try (TestSmtpServer server = new TestSmtpServer(TestSmtpServer.Behaviour.STARTTLS, leaf,
        List.of(leaf.certificate(), ca.certificate()), versions, suites)) {
      return new SmtpClientProbe(Duration.ofSeconds(5)).probe("mx1.example.com", server.address(), server.port(),
          profile);
    }
  }

  private static CheckResult judge(Profile profile, ProtocolVersion[] versions, int... suites) throws Exception {
    SmtpObservation seen = probe(profile, versions, suites);
    assertThat(seen.outcome()).as(seen.detail()).isEqualTo(SmtpObservation.Outcome.TLS_OK);
    return Fixture.compliant().smtp(s -> seen).result("tls.cipher", profile);
  }

  static Stream<Tr02102Suites.Suite> tableSuites() {
    return Tr02102Suites.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tableSuites")
  void aServerOfAnyOneTableSuitePassesUnderBsi(Tr02102Suites.Suite suite) throws Exception {
    CheckResult result = judge(BSI_TR_03108, suite.tls13() ? TLS_1_3 : TLS_1_2, suite.code());
    assertThat(result.status()).as(result.message()).isEqualTo(pass);
    assertThat(result.message()).startsWith(suite.iana() + " chosen; no suite outside BSI TR-02102-2");
  }

  @Test
  void oneTableOneCbcSuitePassesUnderBsiAndWarnsUnderRfc() throws Exception {
    int cbc = CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256;
    assertThat(judge(BSI_TR_03108, TLS_1_2, cbc).status()).isEqualTo(pass);
    CheckResult rfc = judge(RFC, TLS_1_2, cbc);
    assertThat(rfc.status()).isEqualTo(warn);
    assertThat(rfc.message()).contains("chose TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 (CBC, not AEAD)");
  }

  /** The first choice is from the table; only the extra offer shows that ChaCha20 is on as well. */
  @Test
  void chacha20InTls12FailsUnderBsiNamingTheSuite() throws Exception {
    CheckResult result = judge(BSI_TR_03108, TLS_1_2, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256);
    assertThat(result.status()).isEqualTo(fail);
    assertThat(result.message()).contains("accepts ChaCha20-Poly1305 suites (TLS 1.2): TLSv1.2 "
        + "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256").contains("BSI TR-02102-2, version 2023-01");
    // Forward secret AEAD: nothing to warn about under rfc.
    assertThat(judge(RFC, TLS_1_2, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256).status()).isEqualTo(pass);
  }

  @Test
  void chacha20InTls13FailsUnderBsi() throws Exception {
    CheckResult result = judge(BSI_TR_03108, TLS_1_2_AND_1_3, CipherSuite.TLS_AES_256_GCM_SHA384,
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384);
    assertThat(result.status()).isEqualTo(fail);
    assertThat(result.message()).contains("accepts TLS 1.3 suites outside TR-02102-2 Table 11: TLSv1.3 "
        + "TLS_CHACHA20_POLY1305_SHA256");
  }

  @Test
  void aSuiteJustOutsideTable1Fails() throws Exception {
    CheckResult sha1 = judge(BSI_TR_03108, TLS_1_2, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA);
    assertThat(sha1.status()).isEqualTo(fail);
    assertThat(sha1.message()).contains("TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
    CheckResult ccm8 = judge(BSI_TR_03108, TLS_1_2, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8);
    assertThat(ccm8.status()).isEqualTo(fail);
    assertThat(ccm8.message()).contains("TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8");
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void anAnonymousSuiteFailsUnderEveryProfile(Profile profile) throws Exception {
    CheckResult result = judge(profile, TLS_1_2, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_DH_anon_WITH_AES_128_GCM_SHA256);
    assertThat(result.status()).isEqualTo(fail);
    assertThat(result.message()).contains("accepts anonymous suites (aNULL): TLSv1.2 TLS_DH_anon_WITH_AES_128_GCM_SHA256")
        .contains("unauthenticated");
  }

  /** Under rfc fewer handshakes: no offers whose outcome rfc does not judge. */
  @Test
  void theProfileDecidesWhichGroupsAreOffered() throws Exception {
    int gcm = CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
    assertThat(probe(RFC, TLS_1_2, gcm).attempts()).hasSize(5);
    assertThat(probe(BSI_TR_03108, TLS_1_2, gcm).attempts()).hasSize(8);
  }
}
