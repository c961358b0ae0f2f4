package io.securemail.operator.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TenantDomainsTest {

  @Test
  void withNothingConfiguredEveryNamespaceMayClaimEveryDomain() {
    TenantDomains none = TenantDomains.parse(List.of());

    assertThat(none.restricts()).isFalse();
    assertThat(none.refusal("anyone", "example.com")).isEmpty();
    assertThat(TenantDomains.unrestricted().refusal("anyone", "bank.example")).isEmpty();
  }

  @Test
  void aNamespaceMayClaimItsSuffixesAndTheirSubdomainsOnly() {
    TenantDomains allowed = TenantDomains.parse(List.of("team-a=example.com", "team-a=example.org.",
        "team-b=mail.example.net"));

    assertThat(allowed.refusal("team-a", "example.com")).isEmpty();
    assertThat(allowed.refusal("team-a", "Shop.Example.COM.")).isEmpty();
    assertThat(allowed.refusal("team-a", "example.org")).isEmpty();
    assertThat(allowed.refusal("team-b", "eu.mail.example.net")).isEmpty();
    assertThat(allowed.refusal("team-a", "badexample.com")).as("whole labels only")
        .hasValueSatisfying(why -> assertThat(why).contains("namespace team-a may not claim badexample.com")
            .contains("only example.com, example.org").contains(TenantDomains.PROPERTY));
    assertThat(allowed.refusal("team-b", "example.net")).as("the parent of a suffix is not inside it").isPresent();
    assertThat(allowed.refusal("team-b", "example.com")).isPresent();
    assertThat(allowed.refusal("team-c", "example.com")).as("a namespace not listed may claim nothing")
        .hasValueSatisfying(why -> assertThat(why).contains("gives it no domain"));
  }

  @Test
  void starsGrantEveryDomainOrEveryNamespace() {
    TenantDomains allowed = TenantDomains.parse(List.of("mail-admin=*", "*=shared.example"));

    assertThat(allowed.refusal("mail-admin", "anything.example")).isEmpty();
    assertThat(allowed.refusal("team-x", "x.shared.example")).isEmpty();
    assertThat(allowed.refusal("team-x", "other.example")).isPresent();
  }

  @Test
  void anEntryWithoutNamespaceOrSuffixIsRefusedAtStart() {
    assertThatThrownBy(() -> TenantDomains.parse(List.of("example.com")))
        .hasMessageContaining("'example.com' is not NAMESPACE=DOMAIN-SUFFIX");
    assertThatThrownBy(() -> TenantDomains.parse(List.of("team-a="))).isInstanceOf(IllegalArgumentException.class);
  }
}
