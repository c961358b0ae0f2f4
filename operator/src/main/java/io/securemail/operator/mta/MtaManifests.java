package io.securemail.operator.mta;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.certs.CertNames;
import io.securemail.operator.kube.ContentDigest;
import io.securemail.operator.kube.Labels;
import io.securemail.operator.kube.OwnerReferences;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes objects of a domain's MTA, as pure functions of the domain and the operator's
 * settings: a ConfigMap with the rendered configuration, a StatefulSet (the queue is data: each
 * replica keeps it on its own PersistentVolumeClaim across restarts and rescheduling), a Service
 * for port 25, and, while submission is open, a ClusterIP Service for port 587.
 *
 * <p>One Pod has four containers of the same image: Postfix; the DANE-first TLS policy daemon and
 * mta-sts-daemon (MTA-STS for outbound mail); Unbound, the Pod's validating resolver.
 */
public final class MtaManifests {

  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String CONFIG_HASH = "securemail.io/config-hash";
  static final String UNBOUND_CONF = "unbound.conf";
  /** The image's non-root user (securemail, see the Dockerfile) for the helper containers. */
  static final long HELPER_USER = 10100L;

  private MtaManifests() {}

  /** Name of the StatefulSet, its Service and its ConfigMap. */
  public static String name(SecureMailDomain domain) {
    return domain.getMetadata().getName() + "-mta";
  }

  public static ConfigMap configMap(SecureMailDomain domain, MtaSettings settings) {
    Map<String, String> data = new HashMap<>(PostfixConfig.render(domain.getSpec(), PostfixLayout.pod(),
        settings.reportReceiver()).byName());
    data.put(UNBOUND_CONF, PodResolverConfig.render(settings.clusterDomain(), settings.clusterDnsAddress()));
    return new ConfigMapBuilder().withMetadata(metadata(domain)).withData(data).build();
  }

  public static Service service(SecureMailDomain domain) {
    MtaSpec mta = domain.getSpec().getMta();
    List<ServicePort> ports = new ArrayList<>();
    ports.add(port("smtp", 25, PostfixLayout.SMTP_PORT));
    if (submission(mta) && Boolean.TRUE.equals(mta.getSubmission().getOnInboundService())) {
      ports.add(port("submission", 587, PostfixLayout.SUBMISSION_PORT));
    }
    var inbound = mta.getInbound();
    String type = inbound.getServiceType();
    ObjectMeta metadata = metadata(domain);
    if (inbound.getServiceAnnotations() != null && !inbound.getServiceAnnotations().isEmpty()) {
      metadata.setAnnotations(new java.util.TreeMap<>(inbound.getServiceAnnotations()));
    }
    var spec = new ServiceBuilder().withMetadata(metadata).withNewSpec().withType(type)
        .withSelector(selector(domain)).withPorts(ports);
    if (!"ClusterIP".equals(type)) {
      // Keeps the sending server's address (no SNAT to a node's address): mail servers judge and
      // log their peers by it, and allowedNetworks on port 587 means nothing without it.
      spec.withExternalTrafficPolicy("Local");
    }
    if ("LoadBalancer".equals(type)) {
      // Set only when asked for: an API server before 1.22 knows no loadBalancerClass field.
      spec.withLoadBalancerClass(inbound.getLoadBalancerClass()).withLoadBalancerIP(inbound.getLoadBalancerIP());
    }
    return spec.endSpec().build();
  }

  /** Name of the submission Service. */
  public static String submissionName(SecureMailDomain domain) {
    return name(domain) + "-submission";
  }

  /**
   * The Service for port 587 while submission is open: ClusterIP, so the organisation's systems in
   * the cluster (or behind whatever the cluster admin routes to it) reach it, and the port-25
   * load balancer does not publish it (unless spec.mta.submission.onInboundService asks for that).
   */
  public static Service submissionService(SecureMailDomain domain) {
    ObjectMeta metadata = metadata(domain);
    metadata.setName(submissionName(domain));
    return new ServiceBuilder().withMetadata(metadata).withNewSpec().withType("ClusterIP")
        .withSelector(selector(domain)).withPorts(port("submission", 587, PostfixLayout.SUBMISSION_PORT))
        .endSpec().build();
  }

  public static StatefulSet statefulSet(SecureMailDomain domain, MtaSettings settings, String configHash) {
    MtaSpec mta = domain.getSpec().getMta();
    Map<String, String> podLabels = new HashMap<>(selector(domain));
    podLabels.putAll(Labels.forDomain(domain));
    var queue = new PersistentVolumeClaimBuilder().withNewMetadata().withName("queue").endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(mta.getQueueStorage().getStorageClassName())
        .withNewResources().addToRequests("storage", new Quantity(mta.getQueueStorage().getSize())).endResources()
        .endSpec().build();
    return new StatefulSetBuilder().withMetadata(metadata(domain))
        .withNewSpec()
          .withReplicas(mta.getReplicas())
          .withServiceName(name(domain))
          .withPodManagementPolicy("Parallel")
          .withNewSelector().withMatchLabels(selector(domain)).endSelector()
          .withVolumeClaimTemplates(queue)
          .withNewTemplate()
            .withNewMetadata().withLabels(podLabels)
              // The configuration reaches running Pods by reload (the entrypoint watches the mounted
              // ConfigMap); the hash only makes a change visible on the Pod template.
              .withAnnotations(Map.of(CONFIG_HASH, configHash)).endMetadata()
            .withNewSpec()
              .withAutomountServiceAccountToken(false)
              .withImagePullSecrets(settings.imagePullSecrets().stream()
                  .map(name -> new io.fabric8.kubernetes.api.model.LocalObjectReference(name)).toList())
              // Long enough for Postfix to finish the deliveries it has started; queued mail stays
              // on the volume either way.
              .withTerminationGracePeriodSeconds(60L)
              .withNewSecurityContext()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .addNewSysctl().withName("net.ipv4.ip_unprivileged_port_start").withValue("53").endSysctl()
              .endSecurityContext()
              // The Pod's resolver is its own validating Unbound (see PodResolverConfig).
              .withDnsPolicy("None")
              .withNewDnsConfig().withNameservers("127.0.0.1")
                .withSearches(domain.getMetadata().getNamespace() + ".svc." + settings.clusterDomain(),
                    "svc." + settings.clusterDomain(), settings.clusterDomain())
              .endDnsConfig()
              .withContainers(postfix(settings), tlsPolicy(settings), mtaStsDaemon(settings), resolver(settings))
              .addNewVolume().withName("config").withNewConfigMap().withName(name(domain)).endConfigMap().endVolume()
              .addNewVolume().withName("tls").withNewSecret().withSecretName(CertNames.serving(domain))
                .withDefaultMode(0400).endSecret().endVolume()
              // Bounded scratch space (the kubelet evicts a Pod that outgrows it). The limits also
              // make each emptyDir a field the operator owns: an empty emptyDir leaves no trace in
              // the object's managed fields, and the SDK's matcher would then see a difference on
              // every reconcile and write the StatefulSet again.
              .addNewVolume().withName("data").withNewEmptyDir().withSizeLimit(new Quantity("64Mi")).endEmptyDir()
                .endVolume()
              .addNewVolume().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity("64Mi")).endEmptyDir()
                .endVolume()
              .addNewVolume().withName("resolver-tmp").withNewEmptyDir().withSizeLimit(new Quantity("16Mi"))
                .endEmptyDir().endVolume()
            .endSpec()
          .endTemplate()
        .endSpec().build();
  }

  /**
   * Whether the submission port is open: only when some network may send through it and some
   * client certificate may authenticate there (the SpecValidator refuses networks without
   * certificates; this keeps port 587 closed even if a spec got past it).
   */
  public static boolean submission(MtaSpec mta) {
    return mta.getOutbound().getAllowedNetworks() != null && !mta.getOutbound().getAllowedNetworks().isEmpty()
        && !SubmissionTables.digests(mta).isEmpty();
  }

  /**
   * The hash of what the Pods read from the ConfigMap, except the routing tables of
   * spec.mta.inbound.routes ({@link InboundRoutes#RELOAD_ONLY}): a route added or removed reaches
   * the running Postfix by reload alone and must not roll the Pods (a fleet's routes change with
   * every domain attached or detached). Everything else changes the Pod template as before.
   */
  public static String configHash(ConfigMap configMap) {
    java.util.TreeMap<String, String> hashed = new java.util.TreeMap<>(configMap.getData());
    hashed.keySet().removeAll(InboundRoutes.RELOAD_ONLY);
    return ContentDigest.of(hashed.toString());
  }

  private static Container postfix(MtaSettings settings) {
    return new ContainerBuilder().withName("postfix").withImage(settings.image())
        .addNewEnv().withName("SECUREMAIL_POSTFIX_CONFIG").withValue(PostfixLayout.POD_CONFIG_DIR).endEnv()
        .addNewEnv().withName("SECUREMAIL_TLS_DIR").withValue(PostfixLayout.POD_TLS_DIR).endEnv()
        .addNewPort().withName("smtp").withContainerPort(PostfixLayout.SMTP_PORT).withProtocol("TCP").endPort()
        .addNewPort().withName("submission").withContainerPort(PostfixLayout.SUBMISSION_PORT).withProtocol("TCP").endPort()
        .addNewVolumeMount().withName("config").withMountPath(PostfixLayout.POD_CONFIG_DIR).withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName("tls").withMountPath(PostfixLayout.POD_TLS_DIR).withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName("queue").withMountPath(PostfixLayout.POD_QUEUE_DIR).endVolumeMount()
        .addNewVolumeMount().withName("data").withMountPath(PostfixLayout.POD_DATA_DIR).endVolumeMount()
        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
        .withNewReadinessProbe().withNewTcpSocket().withNewPort(PostfixLayout.SMTP_PORT).endTcpSocket()
          .withPeriodSeconds(10).endReadinessProbe()
        .withNewLivenessProbe().withNewTcpSocket().withNewPort(PostfixLayout.SMTP_PORT).endTcpSocket()
          .withInitialDelaySeconds(30).withPeriodSeconds(30).endLivenessProbe()
        .withResources(resources(settings.postfix().cpuRequest(), settings.postfix().memoryRequest(),
            settings.postfix().memoryLimit()))
        .withSecurityContext(postfixSecurity())
        .build();
  }

  /**
   * Postfix's master must start as root: it creates the queue's directories, owns them by the
   * postfix user and starts each daemon as that user. It keeps only the capabilities this needs:
   * CHOWN and FOWNER (queue ownership and modes), DAC_OVERRIDE (root reading the postfix-owned
   * queue), SETUID/SETGID (dropping to the postfix user), KILL (stopping the processes of a service
   * a reload removes, which run as postfix). No NET_BIND_SERVICE: it listens on 2525/5587; the
   * Service maps 25/587. Each is shown necessary by the MTA capability test (docs/mta.md).
   */
  private static SecurityContext postfixSecurity() {
    Capabilities caps = new CapabilitiesBuilder().withDrop("ALL")
        .withAdd("CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID", "KILL").build();
    return new SecurityContextBuilder().withRunAsUser(0L).withRunAsNonRoot(false).withReadOnlyRootFilesystem(true)
        .withAllowPrivilegeEscalation(false).withCapabilities(caps).build();
  }

  private static Container tlsPolicy(MtaSettings settings) {
    return helper("tls-policy", settings, List.of("securemail-tls-policy"))
        .withResources(resources("10m", "32Mi", "128Mi")).build();
  }

  private static Container mtaStsDaemon(MtaSettings settings) {
    return helper("mta-sts", settings, List.of("mta-sts-daemon", "-c", "/etc/mta-sts-daemon.yml"))
        .withResources(resources("10m", "48Mi", "256Mi")).build();
  }

  private static Container resolver(MtaSettings settings) {
    return helper("resolver", settings, List.of("unbound", "-d", "-p", "-c", "/etc/securemail/unbound/" + UNBOUND_CONF))
        .addNewVolumeMount().withName("config").withMountPath("/etc/securemail/unbound").withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName("resolver-tmp").withMountPath("/tmp").endVolumeMount()
        .withResources(resources("20m", "32Mi", "256Mi")).build();
  }

  private static ContainerBuilder helper(String name, MtaSettings settings, List<String> command) {
    return new ContainerBuilder().withName(name).withImage(settings.image()).withCommand(command)
        .withSecurityContext(new SecurityContextBuilder().withRunAsUser(HELPER_USER).withRunAsGroup(HELPER_USER)
            .withRunAsNonRoot(true).withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false)
            .withCapabilities(new CapabilitiesBuilder().withDrop("ALL").build()).build());
  }

  private static ResourceRequirements resources(String cpu, String memory, String memoryLimit) {
    return new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity(cpu))
        .addToRequests("memory", new Quantity(memory)).addToLimits("memory", new Quantity(memoryLimit)).build();
  }

  private static ServicePort port(String name, int port, int target) {
    return new ServicePortBuilder().withName(name).withPort(port).withNewTargetPort(target).withProtocol("TCP").build();
  }

  private static Map<String, String> selector(SecureMailDomain domain) {
    return Labels.mtaPods(domain);
  }

  private static ObjectMeta metadata(SecureMailDomain domain) {
    Map<String, String> labels = new HashMap<>(Labels.forDomain(domain));
    labels.putAll(selector(domain));
    labels.put(COMPONENT, "mta");
    return new ObjectMetaBuilder().withName(name(domain)).withNamespace(domain.getMetadata().getNamespace())
        .withLabels(labels).withOwnerReferences(OwnerReferences.to(domain)).build();
  }
}
