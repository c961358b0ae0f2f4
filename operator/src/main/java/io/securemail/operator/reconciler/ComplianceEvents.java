package io.securemail.operator.reconciler;

import io.securemail.operator.kube.DomainEvents;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.monitor.CheckTransition;

/** One event per check that went from pass to fail (Warning) or back (Normal). */
final class ComplianceEvents {

  private ComplianceEvents() {}

  static void record(KubernetesClient client, SecureMailDomain domain, CheckTransition t) {
    String message = t.id() + " " + t.subject() + ": " + t.from() + " -> " + t.to() + ": " + t.message();
    if (t.failed()) {
      DomainEvents.warning(client, domain, "ComplianceCheckFailed", message);
    } else {
      DomainEvents.normal(client, domain, "ComplianceCheckPassed", message);
    }
  }
}
