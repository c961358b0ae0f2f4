package io.securemail.operator.transport;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.MailTransportSpec;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.SecureMailDomainStatus;
import io.securemail.operator.api.TransportRef;
import java.util.ArrayList;
import java.util.List;

/** Transports and domains as the API server would hand them to the transport's reconcile. */
final class Fleets {

  static final String DEFAULT_HOP = "lmtp:[store.mail.svc.cluster.local]:24";

  private Fleets() {}

  /** Transport mail/fleet for provider.example, MX mx1.provider.example, with an MTA. */
  static MailTransport transport() {
    MailTransport transport = new MailTransport();
    transport.setMetadata(new ObjectMetaBuilder().withName("fleet").withNamespace("mail").withUid("transport-uid")
        .withGeneration(3L).build());
    MailTransportSpec spec = new MailTransportSpec();
    spec.setDomain("provider.example");
    spec.setMx(new ArrayList<>(List.of(new MxHost("mx1.provider.example", 10))));
    MtaSpec mta = new MtaSpec();
    mta.getInbound().setDeliverTo(DEFAULT_HOP);
    spec.setMta(mta);
    transport.setSpec(spec);
    return transport;
  }

  /** A domain in {@code namespace} attached to mail/fleet, created {@code created} (ISO instant). */
  static SecureMailDomain attached(String namespace, String name, String mailDomain, String created) {
    SecureMailDomain domain = new SecureMailDomain();
    domain.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).withUid(namespace + "/" + name)
        .withCreationTimestamp(created).build());
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain(mailDomain);
    spec.setMx(new ArrayList<>());
    spec.setTransport(new TransportRef("fleet", "mail"));
    domain.setSpec(spec);
    return domain;
  }

  static SecureMailDomain withReady(SecureMailDomain domain, String status, String reason) {
    SecureMailDomainStatus s = new SecureMailDomainStatus();
    s.setConditions(new ArrayList<>(List.of(readyCondition(status, reason, "says " + reason))));
    domain.setStatus(s);
    return domain;
  }

  static Condition readyCondition(String status, String reason, String message) {
    return new ConditionBuilder().withType("Ready").withStatus(status).withReason(reason).withMessage(message)
        .withLastTransitionTime("2026-12-01T00:00:00Z").withObservedGeneration(1L).build();
  }
}
