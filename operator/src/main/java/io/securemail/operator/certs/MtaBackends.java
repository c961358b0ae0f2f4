package io.securemail.operator.certs;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.Labels;
import io.securemail.operator.kube.ServingPods;
import java.util.List;

/**
 * The Pods behind the MTA's Service when the operator runs the MTA (spec.mta): the Service's ready
 * backends, each with its own address and SMTP container port. A probe through the Service's
 * address reaches one replica per connection, so "every MX serves the new key" is judged per Pod
 * too: the old key's TLSA stays while any replica still serves it. For an MTA the operator does
 * not run, only the MX addresses can be seen (see docs/dane.md).
 */
public final class MtaBackends {

  /** The container port name the MTA's Pods listen for SMTP on. */
  static final String SMTP_PORT_NAME = "smtp";

  private MtaBackends() {}

  public static List<ServedKeys.Backend> of(KubernetesClient client, SecureMailDomain domain) {
    if (domain.getSpec().getMta() == null) {
      return List.of();
    }
    return ServingPods.of(client, domain.getMetadata().getNamespace(), Labels.mtaPods(domain)).stream()
        .map(pod -> new ServedKeys.Backend(pod.getMetadata().getName(), ServingPods.address(pod), smtpPort(pod)))
        .toList();
  }

  private static int smtpPort(Pod pod) {
    return pod.getSpec().getContainers().stream().flatMap(c -> c.getPorts() == null ? java.util.stream.Stream.empty()
            : c.getPorts().stream())
        .filter(p -> SMTP_PORT_NAME.equals(p.getName())).map(ContainerPort::getContainerPort).findFirst().orElse(25);
  }
}
