package io.securemail.operator.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.securemail.operator.api.ComplianceStatus;
import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.SecureMailDomainStatus;
import io.securemail.operator.api.TransportRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransportDomainStoreTest {

  /** A transport reads a domain's reference, spec, Ready and DANE state; the rest is not kept twice. */
  @Test
  void aDomainIsKeptAsATransportDecidesOnIt() {
    SecureMailDomain domain = new SecureMailDomain();
    domain.getMetadata().setNamespace("customers");
    domain.getMetadata().setName("example");
    domain.getMetadata().setUid("uid-1");
    domain.getMetadata().setAnnotations(Map.of("securemail.io/applied", "abc"));
    FieldsV1 fields = new FieldsV1();
    fields.setAdditionalProperty("f:status", Map.of());
    domain.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("securemail-operator")
        .withFieldsV1(fields).build()));
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain("example.com");
    spec.setTransport(new TransportRef("fleet", "provider"));
    domain.setSpec(spec);
    SecureMailDomainStatus status = new SecureMailDomainStatus();
    status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus("True").withReason("Ready")
        .build()));
    status.setDane(new DaneStatus());
    status.setCompliance(new ComplianceStatus());
    domain.setStatus(status);

    TransportDomainStore store = new TransportDomainStore();
    store.put("customers/example", domain);
    SecureMailDomain kept = store.get("customers/example");

    assertThat(kept.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(kept.getMetadata().getAnnotations()).containsEntry("securemail.io/applied", "abc");
    assertThat(kept.getMetadata().getUid()).isEqualTo("uid-1");
    assertThat(TransportDomains.reference(kept)).isEqualTo(TransportDomains.reference(domain));
    assertThat(TransportDomains.relevant(kept)).isEqualTo(TransportDomains.relevant(domain));
    assertThat(kept.getStatus().getConditions()).extracting("type").containsExactly("Ready");
    assertThat(kept.getStatus().getDane()).isNotNull();
    assertThat(kept.getStatus().getCompliance()).isNull();
    assertThat(domain.getMetadata().getManagedFields()).as("the informer's object is left as it came").hasSize(1);
  }

  /** Of a domain no transport serves, only what decides who holds its mail domain is kept. */
  @Test
  void aDomainOfNoTransportIsKeptAsItsMailDomainOnly() {
    SecureMailDomain domain = new SecureMailDomain();
    domain.getMetadata().setNamespace("customers");
    domain.getMetadata().setName("own-mx");
    domain.getMetadata().setUid("uid-2");
    domain.getMetadata().setCreationTimestamp("2026-12-07T10:00:00Z");
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain("own-mx.example");
    domain.setSpec(spec);
    SecureMailDomainStatus status = new SecureMailDomainStatus();
    status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus("True").withReason("Ready")
        .build()));
    status.setDane(new DaneStatus());
    domain.setStatus(status);

    TransportDomainStore store = new TransportDomainStore();
    store.put("customers/own-mx", domain);
    SecureMailDomain kept = store.get("customers/own-mx");

    assertThat(kept.getStatus()).isNull();
    assertThat(kept.getSpec().getDomain()).isEqualTo("own-mx.example");
    assertThat(kept.getSpec().getTransport()).isNull();
    assertThat(kept.getMetadata().getCreationTimestamp()).isEqualTo("2026-12-07T10:00:00Z");
    assertThat(TransportDomains.relevant(kept)).as("a later change is compared with what was kept")
        .isEqualTo(TransportDomains.relevant(domain));
  }
}
