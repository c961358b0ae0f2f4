package io.securemail.operator.compliance.caa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CaaIssuerTest {

  @Test
  void parsesTheIssueValueGrammar() {
    CaaIssuer issuer = CaaIssuer.parse("  LetsEncrypt.org ;accounturi = https://a.example/acct/1;  validationmethods=dns-01,http-01 ");
    assertThat(issuer.domain()).isEqualTo("letsencrypt.org");
    assertThat(issuer.accountUri()).contains("https://a.example/acct/1");
    assertThat(issuer.validationMethods()).containsExactly("dns-01", "http-01");
    assertThat(issuer.value())
        .isEqualTo("letsencrypt.org; accounturi=https://a.example/acct/1; validationmethods=dns-01,http-01");
    assertThat(CaaIssuer.parse(issuer.value())).isEqualTo(issuer);
  }

  @Test
  void anEmptyDomainNamesNoCa() {
    assertThat(CaaIssuer.parse(";").namesCa()).isFalse();
    assertThat(CaaIssuer.parse("").namesCa()).isFalse();
    assertThat(CaaIssuer.parse(";").value()).isEqualTo(";");
  }

  @Test
  void refusesWhatTheGrammarDoesNot() {
    assertThatThrownBy(() -> CaaIssuer.parse("lets_encrypt.org")).hasMessageContaining("'lets_encrypt.org'");
    assertThatThrownBy(() -> CaaIssuer.parse("ca.example; policy")).hasMessageContaining("tag=value");
    assertThatThrownBy(() -> CaaIssuer.parse("ca.example; a=b c")).hasMessageContaining("tag=value");
    assertThatThrownBy(() -> CaaIssuer.parse("ca.example; a=b;")).hasMessageContaining("tag=value");
    assertThat(CaaIssuer.read("%%%").namesCa()).isFalse();
  }

  @Test
  void withReplacesAParameterWhateverItsCase() {
    CaaIssuer issuer = CaaIssuer.parse("ca.example; AccountURI=x").with("accounturi", "y");
    assertThat(issuer.parameters()).containsExactlyEntriesOf(java.util.Map.of("accounturi", "y"));
    assertThat(issuer.validationMethods()).isEqualTo(List.of());
  }

  @Test
  void propertiesReadBackFromPresentationFormat() {
    CaaProperty property = CaaProperty.parse("128 ISSUE \"ca.example; a=b\"").orElseThrow();
    assertThat(property.critical()).isTrue();
    assertThat(property.tag()).isEqualTo("issue");
    assertThat(property.value()).isEqualTo("ca.example; a=b");
    assertThat(CaaProperty.parse(property.presentation())).contains(property);
    assertThat(CaaProperty.parse("not caa")).isEmpty();
  }
}
