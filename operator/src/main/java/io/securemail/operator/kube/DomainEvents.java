package io.securemail.operator.kube;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Records Kubernetes events on a SecureMailDomain or MailTransport (core/v1 Event, shown by kubectl describe). */
public final class DomainEvents {

  private static final Logger LOG = Logger.getLogger(DomainEvents.class);

  private DomainEvents() {}

  /** Best effort: an event that cannot be written is logged, never fails the reconcile. */
  public static void warning(KubernetesClient client, HasMetadata domain, String reason, String message) {
    record(client, domain, "Warning", reason, message);
  }

  /** A Normal event: a step worth seeing in kubectl describe (a DANE rollover transition). */
  public static void normal(KubernetesClient client, HasMetadata domain, String reason, String message) {
    record(client, domain, "Normal", reason, message);
  }

  private static void record(KubernetesClient client, HasMetadata domain, String type, String reason,
      String message) {
    var meta = domain.getMetadata();
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    var event = new EventBuilder()
        .withNewMetadata()
          .withName(meta.getName() + "." + UUID.randomUUID().toString().substring(0, 8))
          .withNamespace(meta.getNamespace())
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(domain.getApiVersion()).withKind(domain.getKind())
            .withName(meta.getName()).withNamespace(meta.getNamespace()).withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion()).build())
        .withType(type).withReason(reason).withMessage(message)
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .withNewSource().withComponent(Labels.OPERATOR).endSource()
        .withReportingComponent(Labels.OPERATOR)
        .build();
    try {
      client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warnf("could not record event %s on %s/%s: %s", reason, meta.getNamespace(), meta.getName(), e.getMessage());
    }
  }
}
