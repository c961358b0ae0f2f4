package io.securemail.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.certmanager.api.model.acme.v1.ACMEChallengeSolverBuilder;
import io.fabric8.certmanager.api.model.v1.IssuerSpecBuilder;
import io.fabric8.certmanager.api.model.v1.IssuerStatusBuilder;
import io.securemail.operator.api.CaaSpec;
import io.securemail.operator.compliance.caa.CaaIssuer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CaaIssuanceTest {

  static final String LE = "https://acme-v02.api.letsencrypt.org/directory";
  static final String ACCOUNT = "https://acme-v02.api.letsencrypt.org/acme/acct/314159";

  static CaaSpec caa(Boolean enabled, String... issuers) {
    CaaSpec spec = new CaaSpec();
    spec.setEnabled(enabled);
    spec.setIssuers(List.of(issuers));
    return spec;
  }

  @Test
  void anAcmeIssuerIsPinnedToItsCaAccountAndChallengeTypes() {
    var spec = new IssuerSpecBuilder().withNewAcme().withServer(LE)
        .withSolvers(new ACMEChallengeSolverBuilder().withNewDns01().endDns01().build()).endAcme().build();
    var status = new IssuerStatusBuilder().withNewAcme().withUri(ACCOUNT).endAcme().build();
    Optional<AcmeAccount> account = AcmeAccount.of(spec, status);

    CaaIssuance issuance = CaaIssuance.decide(new CaaSpec(), account);
    assertThat(issuance.published()).extracting(CaaIssuer::value)
        .containsExactly("letsencrypt.org; accounturi=" + ACCOUNT + "; validationmethods=dns-01");
    assertThat(issuance.expected()).isEqualTo(issuance.published());
  }

  @Test
  void everySolversTypeIsAllowedAndAnAccountNotYetRegisteredIsLeftOut() {
    var spec = new IssuerSpecBuilder().withNewAcme().withServer("https://acme-staging-v02.api.letsencrypt.org/directory")
        .withSolvers(new ACMEChallengeSolverBuilder().withNewHttp01().endHttp01().build(),
            new ACMEChallengeSolverBuilder().withNewDns01().endDns01().build()).endAcme().build();
    CaaIssuance issuance = CaaIssuance.decide(new CaaSpec(), AcmeAccount.of(spec, null));
    assertThat(issuance.published()).extracting(CaaIssuer::value)
        .containsExactly("letsencrypt.org; validationmethods=dns-01,http-01");
  }

  @Test
  void theTableKnowsTheCommonAcmeCas() {
    assertThat(AcmeCas.caaDomain(LE)).contains("letsencrypt.org");
    assertThat(AcmeCas.caaDomain("https://dv.acme-v02.api.pki.goog/directory")).contains("pki.goog");
    assertThat(AcmeCas.caaDomain("https://acme.zerossl.com/v2/DV90")).contains("sectigo.com");
    assertThat(AcmeCas.caaDomain("https://acme.internal.example/directory")).isEmpty();
    assertThat(AcmeCas.caaDomain("not a url")).isEmpty();
  }

  @Test
  void listedValuesAreAddedAndAnUnknownAcmeServerPublishesOnlyThose() {
    var spec = new IssuerSpecBuilder().withNewAcme().withServer("https://acme.internal.example/directory").endAcme()
        .build();
    CaaIssuance issuance = CaaIssuance.decide(caa(true, "pki.internal.example"), AcmeAccount.of(spec, null));
    assertThat(issuance.published()).extracting(CaaIssuer::value).containsExactly("pki.internal.example");
    assertThat(issuance.expected()).extracting(CaaIssuer::value).containsExactly("pki.internal.example");

    CaaIssuance none = CaaIssuance.decide(new CaaSpec(), AcmeAccount.of(spec, null));
    assertThat(none.published()).isEmpty();
    assertThat(none.expected()).as("the check then asks only that some CA be allowed").isEmpty();
  }

  @Test
  void aCaIssuerPublishesNothingUnlessItsCaIsListed() {
    var ca = new IssuerSpecBuilder().withNewCa().withSecretName("ca").endCa().build();
    assertThat(AcmeAccount.of(ca, null)).isEmpty();
    assertThat(CaaIssuance.decide(new CaaSpec(), Optional.empty())).isEqualTo(CaaIssuance.NONE);
    assertThat(CaaIssuance.decide(caa(true, "ca.example.net", "letsencrypt.org"), Optional.empty()).published())
        .extracting(CaaIssuer::value).containsExactly("ca.example.net", "letsencrypt.org");
  }

  @Test
  void disabledPublishesNothingButTheCheckStillKnowsTheIssuer() {
    var spec = new IssuerSpecBuilder().withNewAcme().withServer(LE).endAcme().build();
    CaaIssuance off = CaaIssuance.decide(caa(false, "ca.example.net"), AcmeAccount.of(spec, null));
    assertThat(off.published()).isEmpty();
    assertThat(off.expected()).extracting(CaaIssuer::value).containsExactly("letsencrypt.org");
  }
}
