package io.securemail.operator.transport;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.securemail.operator.api.InboundRoute;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.certs.MxCertificates;
import io.securemail.operator.kube.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The transport's own mail domain as a SecureMailDomain of the same name in its namespace: the
 * transport's spec without {@code attach}, and one inbound route per attached domain. That
 * resource's reconcile owns the fleet's MX keys, TLSA records, rollover and MTA, once for all
 * domains. The transport is its controller owner, so the garbage collector deletes it with the
 * transport (and its own finalizer withdraws its records first).
 */
public final class FleetDomain {

  /** On the fleet domain: the name of the transport it belongs to. */
  public static final String TRANSPORT_LABEL = "securemail.io/transport";

  private FleetDomain() {}

  /** The fleet domain's spec: the transport's, less what only a transport has, with these routes. */
  public static SecureMailDomainSpec specOf(MailTransport transport, KubernetesSerialization serialization,
      List<InboundRoute> routes) {
    @SuppressWarnings("unchecked")
    Map<String, Object> fields = serialization.convertValue(transport.getSpec(), Map.class);
    fields.remove("attach");
    fields.remove("transport");
    SecureMailDomainSpec spec = serialization.convertValue(fields, SecureMailDomainSpec.class);
    if (spec.getMta() != null && spec.getMta().getInbound() != null) {
      spec.getMta().getInbound().setRoutes(new ArrayList<>(routes));
    }
    return spec;
  }

  /** The whole object the transport applies. */
  public static SecureMailDomain desired(MailTransport transport, KubernetesSerialization serialization,
      List<InboundRoute> routes) {
    var meta = transport.getMetadata();
    SecureMailDomain domain = new SecureMailDomain();
    domain.setMetadata(new ObjectMetaBuilder().withName(meta.getName()).withNamespace(meta.getNamespace())
        .withLabels(Map.of(Labels.MANAGED_BY, Labels.OPERATOR, TRANSPORT_LABEL, meta.getName()))
        .withAnnotations(carried(transport))
        .withOwnerReferences(ownerReference(transport))
        .build());
    domain.setSpec(specOf(transport, serialization, routes));
    domain.setStatus(null); // the fleet domain's own controller writes it
    return domain;
  }

  /**
   * The annotations a user puts on the transport that its fleet domain acts on: a rollover request
   * ({@value MxCertificates#ROLLOVER_ANNOTATION}) is made on the transport, since the fleet domain's
   * metadata is the transport's to write; the fleet domain's reconcile then runs the one rollover
   * that serves every attached domain (docs/fleet.md). Removed from the fleet domain when removed
   * from the transport, which asks for nothing (a request is acted on once per value).
   */
  static Map<String, String> carried(MailTransport transport) {
    Map<String, String> annotations = transport.getMetadata().getAnnotations();
    String rollover = annotations == null ? null : annotations.get(MxCertificates.ROLLOVER_ANNOTATION);
    return rollover == null ? Map.of() : Map.of(MxCertificates.ROLLOVER_ANNOTATION, rollover);
  }

  /**
   * Controller owner, without blockOwnerDeletion: the fleet domain's own finalizer already holds
   * its deletion until its records are withdrawn, and blocking would need update on
   * mailtransports/finalizers.
   */
  static OwnerReference ownerReference(MailTransport transport) {
    return new OwnerReferenceBuilder().withApiVersion(transport.getApiVersion()).withKind(transport.getKind())
        .withName(transport.getMetadata().getName()).withUid(transport.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(false).build();
  }

  /** Whether {@code domain} is this transport's fleet domain (it is the controller owner). */
  public static boolean ownedBy(SecureMailDomain domain, MailTransport transport) {
    return domain.getMetadata().getOwnerReferences() != null && domain.getMetadata().getOwnerReferences().stream()
        .anyMatch(ref -> Boolean.TRUE.equals(ref.getController())
            && Objects.equals(ref.getUid(), transport.getMetadata().getUid()));
  }

  /** Whether {@code domain} is some transport's fleet domain (by its label). */
  public static boolean isFleet(SecureMailDomain domain) {
    return domain.getMetadata().getLabels() != null && domain.getMetadata().getLabels().containsKey(TRANSPORT_LABEL);
  }
}
