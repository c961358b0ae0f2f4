package io.securemail.operator.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.SecureMailDomainStatus;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DomainClaimsTest {

  private static SecureMailDomain smd(String namespace, String name, String domain, String created) {
    SecureMailDomain smd = new SecureMailDomain();
    smd.getMetadata().setNamespace(namespace);
    smd.getMetadata().setName(name);
    smd.getMetadata().setUid(namespace + "/" + name);
    smd.getMetadata().setCreationTimestamp(created);
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain(domain);
    smd.setSpec(spec);
    return smd;
  }

  private static final SecureMailDomain OLDER = smd("team-b", "mail", "example.com", "2026-01-01T10:00:00Z");
  private static final SecureMailDomain YOUNGER = smd("team-a", "mail", "example.com", "2026-01-02T10:00:00Z");

  @Test
  void theOldestResourceNamingADomainHoldsIt() {
    List<SecureMailDomain> all = List.of(YOUNGER, OLDER);

    assertThat(DomainClaims.heldByOther(YOUNGER, all.stream(), TenantDomains.unrestricted())).contains(OLDER);
    assertThat(DomainClaims.heldByOther(OLDER, all.stream(), TenantDomains.unrestricted())).isEmpty();
  }

  @Test
  void sameSecondThenNamespaceAndName() {
    SecureMailDomain a = smd("team-a", "z", "example.com", "2026-01-01T10:00:00Z");
    SecureMailDomain b = smd("team-b", "a", "example.com", "2026-01-01T10:00:00Z");

    assertThat(DomainClaims.heldByOther(b, Stream.of(a, b), TenantDomains.unrestricted())).contains(a);
    assertThat(DomainClaims.heldByOther(a, Stream.of(a, b), TenantDomains.unrestricted())).isEmpty();
  }

  @Test
  void otherDomainsAndSpellingsAreJudgedByTheNameItself() {
    SecureMailDomain subdomain = smd("team-c", "sub", "sub.example.com", "2025-01-01T00:00:00Z");
    SecureMailDomain shouting = smd("team-d", "loud", "EXAMPLE.COM.", "2025-06-01T00:00:00Z");

    assertThat(DomainClaims.heldByOther(OLDER, Stream.of(subdomain), TenantDomains.unrestricted()))
        .as("a subdomain is another mail domain").isEmpty();
    assertThat(DomainClaims.heldByOther(OLDER, Stream.of(shouting), TenantDomains.unrestricted()))
        .as("the same name in capitals with a root dot").contains(shouting);
  }

  @Test
  void aResourceWhoseNamespaceMayNotClaimTheDomainHoldsNothing() {
    TenantDomains onlyTeamA = TenantDomains.parse(List.of("team-a=example.com"));

    assertThat(DomainClaims.heldByOther(YOUNGER, Stream.of(OLDER), onlyTeamA)).isEmpty();
  }

  @Test
  void aHolderBeingDeletedKeepsItsClaimUntilItIsGone() {
    SecureMailDomain deleting = smd("team-b", "mail", "example.com", "2026-01-01T10:00:00Z");
    deleting.getMetadata().setDeletionTimestamp("2026-02-01T00:00:00Z");

    assertThat(DomainClaims.heldByOther(YOUNGER, Stream.of(deleting), TenantDomains.unrestricted())).contains(deleting);
    assertThat(DomainClaims.heldByOther(YOUNGER, Stream.of(YOUNGER), TenantDomains.unrestricted()))
        .as("gone: the younger one holds it").isEmpty();
  }

  /**
   * A status write of one domain must not look at every other: the SDK calls the secondary-to-primary
   * mapper on every add and update, before any filter, to keep an index, unless the source has a
   * primary-to-secondary mapper. With one, only a deletion or a renamed domain reaches the mapper.
   */
  @Test
  void aStatusWriteOfOneDomainLooksAtNoOther() {
    java.util.concurrent.atomic.AtomicInteger looks = new java.util.concurrent.atomic.AtomicInteger();
    var config = DomainClaims.configuration(() -> {
      looks.incrementAndGet();
      return Stream.of(OLDER, YOUNGER);
    }).build();
    SecureMailDomain written = smd("team-a", "mail", "example.com", "2026-01-02T10:00:00Z");
    written.setStatus(new SecureMailDomainStatus());

    assertThat(config.getPrimaryToSecondaryMapper()).as("no index of related domains is kept").isNotNull();
    assertThat(config.getPrimaryToSecondaryMapper().toSecondaryResourceIDs(YOUNGER)).isEmpty();
    assertThat(config.getInformerConfig().getOnUpdateFilter().accept(written, YOUNGER)).isFalse();
    assertThat(config.getInformerConfig().getOnAddFilter().accept(YOUNGER)).isFalse();
    assertThat(looks).hasValue(0);

    assertThat(config.getSecondaryToPrimaryMapper().toPrimaryResourceIDs(OLDER))
        .containsExactly(ResourceID.fromResource(YOUNGER));
    assertThat(looks).hasValue(1);
  }

  @Test
  void aDeletionWakesTheResourcesNamingTheDomainAndThoseWaitingForAnother() {
    SecureMailDomain unrelated = smd("team-c", "mail", "example.org", "2026-01-03T10:00:00Z");
    SecureMailDomain waitingForOldName = smd("team-d", "mail", "example.net", "2026-01-04T10:00:00Z");
    waitingForOldName.setStatus(new SecureMailDomainStatus());
    waitingForOldName.getStatus().setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus("False")
        .withReason(DomainClaims.CLAIMED).build()));

    assertThat(DomainClaims.waiting(OLDER, Stream.of(OLDER, YOUNGER, unrelated, waitingForOldName)))
        .containsExactlyInAnyOrder(ResourceID.fromResource(YOUNGER), ResourceID.fromResource(waitingForOldName));
  }

  @Test
  void theClaimsCacheKeepsWhatAClaimIsDecidedOnAndNoStatus() {
    SecureMailDomain full = smd("team-b", "mail", "example.com", "2026-01-01T10:00:00Z");
    full.getMetadata().setDeletionTimestamp("2026-02-01T00:00:00Z");
    full.getMetadata().setResourceVersion("42");
    full.getSpec().getDns().setTtl(600);
    full.setStatus(new SecureMailDomainStatus());

    SecureMailDomain slim = ClaimStore.slim(full);

    assertThat(slim.getStatus()).isNull();
    assertThat(slim.getSpec().getDomain()).isEqualTo("example.com");
    assertThat(slim.getSpec().getDns().getTtl()).isNotEqualTo(600);
    assertThat(slim.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(DomainClaims.heldByOther(YOUNGER, Stream.of(slim), TenantDomains.unrestricted()))
        .hasValueSatisfying(holder -> assertThat(DomainClaims.nameOf(holder)).isEqualTo("team-b/mail"));
  }
}
