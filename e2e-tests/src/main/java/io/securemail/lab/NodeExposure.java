package io.securemail.lab;

import io.fabric8.kubernetes.api.model.Service;
import io.securemail.lab.cluster.PodNetwork;
import io.securemail.lab.dns.ZoneUpdates;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.PolicyHostSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.mtasts.PolicyServer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a user does after applying a domain whose MTA and policy server run on a cluster, done for
 * the local lab's node: point each MX host's address record at the MTA's Service, point
 * spec.mtaSts.policyHost at the policy server's Service, and run the mail store the MTA delivers to
 * (on the node address, where Pods reach the machine).
 */
final class NodeExposure {

  private NodeExposure() {}

  static void expose(Lab lab, SecureMailDomain domain, List<AutoCloseable> started) throws IOException {
    if (domain.getSpec().getMta() != null) {
      // Pods reach the machine only at the node address.
      String deliverTo = domain.getSpec().getMta().getInbound().getDeliverTo();
      if (!deliverTo.contains("[" + PodNetwork.NODE_ADDRESS + "]") || !LocalLab.startMailStore(deliverTo, started)) {
        LocalLab.step("spec.mta.inbound.deliverTo is not on the node address %s: no mail store for it",
            PodNetwork.NODE_ADDRESS);
      }
    }
    LocalLab.daemon("exposure of " + domain.getMetadata().getName(), () -> {
      if (domain.getSpec().getMta() != null) {
        String mta = awaitClusterIp(lab, domain.getMetadata().getNamespace(), domain.getMetadata().getName() + "-mta");
        for (MxHost mx : domain.getSpec().getMx()) {
          String zone = Lab.ZONES.stream().filter(z -> mx.getHost().endsWith("." + z)).findFirst().orElse(null);
          if (zone != null) {
            ZoneUpdates.add(lab.dns(), zone, mx.getHost() + ". 60 IN A " + mta);
            LocalLab.step("MX %s: A %s (the MTA's Service)", mx.getHost(), mta);
          }
        }
      }
      String policy = awaitClusterIp(lab, domain.getMetadata().getNamespace(), PolicyServer.NAME);
      lab.client().resources(SecureMailDomain.class).inNamespace(domain.getMetadata().getNamespace())
          .withName(domain.getMetadata().getName()).edit(smd -> {
            PolicyHostSpec host = new PolicyHostSpec();
            host.setAddresses(List.of(policy));
            smd.getSpec().getMtaSts().setPolicyHost(host);
            return smd;
          });
      LocalLab.step("spec.mtaSts.policyHost.addresses: [%s] (the policy server's Service)", policy);
      return null;
    });
  }

  /** The MTA Service's address, once the operator has made it. */
  static String mtaAddress(Lab lab, SecureMailDomain domain) throws InterruptedException {
    return awaitClusterIp(lab, domain.getMetadata().getNamespace(), domain.getMetadata().getName() + "-mta");
  }

  private static String awaitClusterIp(Lab lab, String namespace, String name) throws InterruptedException {
    while (true) {
      Service service = lab.client().services().inNamespace(namespace).withName(name).get();
      if (service != null && service.getSpec().getClusterIP() != null) {
        return service.getSpec().getClusterIP();
      }
      TimeUnit.SECONDS.sleep(1);
    }
  }
}
