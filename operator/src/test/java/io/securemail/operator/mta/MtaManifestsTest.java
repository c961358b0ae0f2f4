package io.securemail.operator.mta;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.SecureMailDomain;
import java.util.List;
import org.junit.jupiter.api.Test;

class MtaManifestsTest {

  private static final MtaSettings SETTINGS = new MtaSettings("registry.example/securemail-mta:1", "cluster.local",
      "10.96.0.10");

  @Test
  void theConfigMapHoldsWhatThePodsRead() {
    SecureMailDomain domain = MtaFixtures.domain();
    ConfigMap config = MtaManifests.configMap(domain, SETTINGS);
    assertThat(config.getMetadata().getName()).isEqualTo("example-com-mta");
    assertThat(config.getData()).containsOnlyKeys("main.cf", "master.cf", "outbound_header_checks", "openssl.cnf",
        "unbound.conf", "inbound_domains", "inbound_transport", "inbound_own_mx");
    PostfixFiles files = PostfixConfig.render(domain.getSpec(), PostfixLayout.pod());
    assertThat(config.getData().get("main.cf")).isEqualTo(files.mainCf());
    // The ConfigMap is mounted at the configuration directory: main.cf names openssl.cnf there.
    assertThat(config.getData().get("openssl.cnf")).isEqualTo(files.opensslCnf());
    assertThat(files.mainCf()).contains("tls_config_file = " + PostfixLayout.POD_CONFIG_DIR + "/openssl.cnf\n");
    assertThat(config.getData().get("unbound.conf")).contains("forward-addr: 10.96.0.10")
        .contains("domain-insecure: \"cluster.local.\"").contains("trust-anchor-file");
  }

  @Test
  void mozillaIntermediateNeedsNoOpensslConfiguration() {
    SecureMailDomain domain = MtaFixtures.domain();
    domain.getSpec().getMta().setTlsProfile(MtaSpec.TlsProfile.MOZILLA_INTERMEDIATE);
    assertThat(MtaManifests.configMap(domain, SETTINGS).getData())
        .containsOnlyKeys("main.cf", "master.cf", "outbound_header_checks", "unbound.conf", "inbound_domains",
            "inbound_transport", "inbound_own_mx");
  }

  @Test
  void theQueueLivesOnAVolumePerReplica() {
    SecureMailDomain domain = MtaFixtures.domain();
    domain.getSpec().getMta().getQueueStorage().setSize("5Gi");
    domain.getSpec().getMta().getQueueStorage().setStorageClassName("fast");
    StatefulSet set = MtaManifests.statefulSet(domain, SETTINGS, "h1");
    assertThat(set.getSpec().getReplicas()).isEqualTo(2);
    assertThat(set.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(pvc -> {
      assertThat(pvc.getMetadata().getName()).isEqualTo("queue");
      assertThat(pvc.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("5Gi");
      assertThat(pvc.getSpec().getStorageClassName()).isEqualTo("fast");
    });
    Container postfix = container(set, "postfix");
    assertThat(postfix.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("queue");
      assertThat(m.getMountPath()).isEqualTo(PostfixLayout.POD_QUEUE_DIR);
    });
  }

  @Test
  void thePodMountsTheServingSecretAndTheConfiguration() {
    PodSpec pod = MtaManifests.statefulSet(MtaFixtures.domain(), SETTINGS, "h1").getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes()).extracting(Volume::getName).contains("config", "tls");
    assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("tls")).singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("example-com-mx-tls"));
    assertThat(pod.getContainers()).extracting(Container::getName)
        .containsExactly("postfix", "tls-policy", "mta-sts", "resolver");
    assertThat(pod.getContainers()).allSatisfy(c -> assertThat(c.getImage()).isEqualTo(SETTINGS.image()));
    // Outbound DANE needs the Pod's own validating resolver.
    assertThat(pod.getDnsPolicy()).isEqualTo("None");
    assertThat(pod.getDnsConfig().getNameservers()).containsExactly("127.0.0.1");
    assertThat(pod.getDnsConfig().getSearches()).contains("mail.svc.cluster.local");
  }

  @Test
  void onlyPostfixRunsAsRootAndItKeepsOnlyTheCapabilitiesItNeeds() {
    StatefulSet set = MtaManifests.statefulSet(MtaFixtures.domain(), SETTINGS, "h1");
    PodSpec pod = set.getSpec().getTemplate().getSpec();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    for (Container c : pod.getContainers()) {
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(c.getName()).isTrue();
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
      assertThat(c.getResources().getRequests()).as(c.getName()).containsKeys("cpu", "memory");
      assertThat(c.getResources().getLimits()).as(c.getName()).containsKey("memory");
    }
    Container postfix = container(set, "postfix");
    assertThat(postfix.getSecurityContext().getCapabilities().getAdd())
        .containsExactlyInAnyOrder("CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID", "KILL")
        .doesNotContain("NET_BIND_SERVICE");
    assertThat(pod.getContainers()).filteredOn(c -> !c.getName().equals("postfix"))
        .allSatisfy(c -> assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue());
  }

  @Test
  void theServiceMapsTheMailPortsAndKeepsClientAddresses() {
    SecureMailDomain domain = MtaFixtures.domain();
    Service plain = MtaManifests.service(domain);
    assertThat(plain.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(plain.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
    assertThat(plain.getSpec().getPorts()).extracting(ServicePort::getPort).containsExactly(25);
    assertThat(plain.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(PostfixLayout.SMTP_PORT);

    domain.getSpec().getMta().getInbound().setServiceType("ClusterIP");
    assertThat(MtaManifests.service(domain).getSpec().getExternalTrafficPolicy()).isNull();
  }

  /**
   * Submission is for the organisation's systems: its own ClusterIP Service, not the port-25 load
   * balancer the internet reaches, unless the spec asks for port 587 there too.
   */
  @Test
  void submissionHasItsOwnClusterIpServiceAndStaysOffTheInboundLoadBalancer() {
    SecureMailDomain domain = MtaFixtures.withSubmission(MtaFixtures.domain());
    assertThat(MtaManifests.submission(domain.getSpec().getMta())).isTrue();
    assertThat(MtaManifests.service(domain).getSpec().getPorts()).extracting(ServicePort::getPort).containsExactly(25);
    Service submission = MtaManifests.submissionService(domain);
    assertThat(submission.getMetadata().getName()).isEqualTo("example-com-mta-submission");
    assertThat(submission.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(submission.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getPort()).isEqualTo(587);
      assertThat(p.getTargetPort().getIntVal()).isEqualTo(PostfixLayout.SUBMISSION_PORT);
    });
    assertThat(submission.getSpec().getSelector()).isEqualTo(MtaManifests.service(domain).getSpec().getSelector());
    assertThat(submission.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-1"));

    domain.getSpec().getMta().getSubmission().setOnInboundService(true);
    assertThat(MtaManifests.service(domain).getSpec().getPorts()).extracting(ServicePort::getPort)
        .containsExactly(25, 587);
  }

  /** Networks alone open nothing: without a client key port 587 stays closed, whatever got past validation. */
  @Test
  void submissionStaysClosedWithoutClientKeys() {
    SecureMailDomain domain = MtaFixtures.withSubmission(MtaFixtures.domain());
    domain.getSpec().getMta().getSubmission().getClientCertificates().setSpkiSha256(List.of());
    domain.getSpec().getMta().getSubmission().setOnInboundService(true);
    assertThat(MtaManifests.submission(domain.getSpec().getMta())).isFalse();
    assertThat(MtaManifests.service(domain).getSpec().getPorts()).extracting(ServicePort::getPort).containsExactly(25);
    assertThat(PostfixConfig.render(domain.getSpec(), PostfixLayout.pod()).masterCf())
        .doesNotContain(String.valueOf(PostfixLayout.SUBMISSION_PORT));
  }

  /** What real clouds need of the port-25 Service: their controller's annotations, a class, a fixed address. */
  @Test
  void theServiceCarriesTheLoadBalancersSettingsOnlyWhenAsked() {
    SecureMailDomain domain = MtaFixtures.domain();
    Service plain = MtaManifests.service(domain);
    assertThat(plain.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(plain.getSpec().getLoadBalancerClass()).isNull();
    assertThat(plain.getSpec().getLoadBalancerIP()).isNull();

    var inbound = domain.getSpec().getMta().getInbound();
    inbound.setServiceAnnotations(java.util.Map.of("service.beta.kubernetes.io/aws-load-balancer-type", "external"));
    inbound.setLoadBalancerClass("service.k8s.aws/nlb");
    inbound.setLoadBalancerIP("192.0.2.25");
    Service cloud = MtaManifests.service(domain);
    assertThat(cloud.getMetadata().getAnnotations())
        .containsEntry("service.beta.kubernetes.io/aws-load-balancer-type", "external");
    assertThat(cloud.getSpec().getLoadBalancerClass()).isEqualTo("service.k8s.aws/nlb");
    assertThat(cloud.getSpec().getLoadBalancerIP()).isEqualTo("192.0.2.25");

    inbound.setServiceType("NodePort");
    assertThat(MtaManifests.service(domain).getSpec().getLoadBalancerIP()).as("only a LoadBalancer has one").isNull();
  }

  /** A private registry and a busier MTA: the operator's settings reach the Pods it creates. */
  @Test
  void pullSecretsAndPostfixResourcesComeFromTheOperatorsSettings() {
    PodSpec plain = MtaManifests.statefulSet(MtaFixtures.domain(), SETTINGS, "h").getSpec().getTemplate().getSpec();
    assertThat(plain.getImagePullSecrets()).isEmpty();
    MtaSettings custom = new MtaSettings(SETTINGS.image(), "cluster.local", "10.96.0.10", List.of("registry"),
        new MtaSettings.Resources("500m", "1Gi", "2Gi"));
    PodSpec pod = MtaManifests.statefulSet(MtaFixtures.domain(), custom, "h").getSpec().getTemplate().getSpec();
    assertThat(pod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("registry");
    var postfix = pod.getContainers().stream().filter(c -> c.getName().equals("postfix")).findFirst().orElseThrow();
    assertThat(postfix.getResources().getRequests()).containsEntry("cpu", new io.fabric8.kubernetes.api.model.Quantity("500m"))
        .containsEntry("memory", new io.fabric8.kubernetes.api.model.Quantity("1Gi"));
    assertThat(postfix.getResources().getLimits()).containsEntry("memory", new io.fabric8.kubernetes.api.model.Quantity("2Gi"));
  }

  @Test
  void everyObjectIsOwnedByTheDomain() {
    SecureMailDomain domain = MtaFixtures.domain();
    for (var object : List.of(MtaManifests.configMap(domain, SETTINGS), MtaManifests.service(domain),
        MtaManifests.statefulSet(domain, SETTINGS, "h"))) {
      assertThat(object.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(ref -> assertThat(ref.getUid()).isEqualTo("uid-1"));
      assertThat(object.getMetadata().getLabels()).containsEntry("securemail.io/domain", "example-com");
    }
  }

  @Test
  void aConfigurationChangeChangesThePodTemplatesHash() {
    SecureMailDomain domain = MtaFixtures.domain();
    String before = MtaManifests.configHash(MtaManifests.configMap(domain, SETTINGS));
    domain.getSpec().getMta().getInbound().setRequireTls(true);
    String after = MtaManifests.configHash(MtaManifests.configMap(domain, SETTINGS));
    assertThat(after).isNotEqualTo(before);
    assertThat(MtaManifests.statefulSet(domain, SETTINGS, after).getSpec().getTemplate().getMetadata()
        .getAnnotations()).containsEntry(MtaManifests.CONFIG_HASH, after);
  }

  private static Container container(StatefulSet set, String name) {
    return set.getSpec().getTemplate().getSpec().getContainers().stream().filter(c -> c.getName().equals(name))
        .findFirst().orElseThrow();
  }
}
