package io.securemail.operator.mtasts;

import io.securemail.operator.kube.ContentDigest;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.Labels;
import io.securemail.operator.kube.AppliedHash;
import io.securemail.operator.kube.OwnerReferences;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The MTA-STS policy server of a namespace: one nginx Deployment and Service shared by every
 * SecureMailDomain in the namespace, serving each domain's policy with its certificate by host name.
 *
 * <p>One server per namespace, not per domain (a thousand domains would be a thousand web servers)
 * and not per operator (a Pod mounts Secrets only from its own namespace, so a cluster-wide server
 * would need every domain's private key copied into the operator's namespace).
 *
 * <p>The shared objects are written with server-side apply, one field manager per domain: each
 * domain owns its own keys of the policies ConfigMap and the certificates Secret, so two domains
 * reconciling at once cannot overwrite each other's entries. Each domain adds a (non-controller)
 * owner reference, so the garbage collector removes the server with the last domain.
 */
public final class PolicyServer {

  public static final String NAME = "securemail-mta-sts";
  /** ConfigMap holding nginx.conf. */
  public static final String CONFIG = NAME + "-config";
  /** ConfigMap holding one policy file per domain. */
  public static final String POLICIES = NAME + "-policies";
  /** ClusterIP Service with the plain-HTTP port, the backend of policy Ingresses. */
  public static final String INTERNAL = NAME + "-http";
  /** Secret holding one certificate and key per domain. */
  public static final String TLS = NAME + "-tls";

  static final String CONFIG_MOUNT = "/etc/securemail/nginx";
  static final String POLICIES_MOUNT = "/etc/securemail/policies";
  static final String TLS_MOUNT = "/etc/securemail/tls";
  /** Hash of what this operator applied to the Deployment/Service/config: unchanged means no write. */
  static final String FIELD_MANAGER_PREFIX = "securemail-operator/";
  /** The policy server image's nginx user (uid 101, group 101), which the Pod runs as. */
  static final long NGINX_UID = 101L;

  /**
   * Operator-wide settings of the server (one per namespace, so not per domain).
   *
   * @param imagePullSecrets Secrets of these names in each namespace pull the image (a private registry)
   */
  public record Settings(String image, int replicas, String serviceType, java.util.List<String> imagePullSecrets) {
    public Settings {
      Objects.requireNonNull(image);
      Objects.requireNonNull(serviceType);
      imagePullSecrets = java.util.List.copyOf(imagePullSecrets);
    }
  }

  /** A certificate and key in PEM, as cert-manager wrote them into the domain's Secret. */
  public record TlsPair(String certificate, String key) {}

  private final KubernetesClient client;
  private final Settings settings;

  public PolicyServer(KubernetesClient client, Settings settings) {
    this.client = client;
    this.settings = settings;
  }

  /**
   * Makes the namespace's server serve {@code policy} (null: none) for the domain with {@code tls}
   * (null: keep what it has, e.g. while cert-manager renews; a withdrawn policy removes both).
   *
   * @return the number of objects written (zero when everything was already as desired)
   */
  public int apply(SecureMailDomain domain, PolicyDocument policy, TlsPair tls) {
    int writes = 0;
    writes += applyShared(domain, configMap(domain));
    writes += applyShared(domain, deployment(domain));
    writes += applyShared(domain, service(domain));
    writes += applyShared(domain, internalService(domain));
    writes += applyPolicy(domain, policy == null ? null : policy.text());
    if (policy == null || tls != null) {
      writes += applyTls(domain, policy == null ? null : tls);
    }
    return writes;
  }

  /** Removes the domain's policy and certificate from the server (the domain is being deleted). */
  public void forget(SecureMailDomain domain) {
    applyPolicy(domain, null);
    applyTls(domain, null);
  }

  private int applyPolicy(SecureMailDomain domain, String text) {
    String ns = domain.getMetadata().getNamespace();
    String key = PolicyServerConfig.policyFile(domain.getSpec().getDomain());
    ConfigMap current = client.configMaps().inNamespace(ns).withName(POLICIES).get();
    Map<String, String> data = text == null ? Map.of() : Map.of(key, text);
    String present = current == null || current.getData() == null ? null : current.getData().get(key);
    boolean upToDate = current == null ? text == null
        : Objects.equals(present, text) && (text == null || OwnerReferences.ownedBy(current, domain));
    if (upToDate) {
      return 0;
    }
    ConfigMap desired = new ConfigMapBuilder().withNewMetadata().withName(POLICIES).withNamespace(ns)
        .withLabels(serverLabels()).withOwnerReferences(OwnerReferences.shared(domain)).endMetadata()
        .withData(data).build();
    serverSideApply(domain, desired);
    return 1;
  }

  private int applyTls(SecureMailDomain domain, TlsPair tls) {
    String ns = domain.getMetadata().getNamespace();
    String host = domain.getSpec().getDomain();
    Secret current = client.secrets().inNamespace(ns).withName(TLS).get();
    Map<String, String> data = new LinkedHashMap<>();
    if (tls != null) {
      data.put(PolicyServerConfig.certificateFile(host), encode(tls.certificate()));
      data.put(PolicyServerConfig.keyFile(host), encode(tls.key()));
    }
    Map<String, String> present = current == null || current.getData() == null ? Map.of() : current.getData();
    boolean upToDate = tls == null
        ? !present.containsKey(PolicyServerConfig.certificateFile(host))
        : current != null && OwnerReferences.ownedBy(current, domain)
            && data.entrySet().stream().allMatch(e -> e.getValue().equals(present.get(e.getKey())));
    if (upToDate) {
      return 0;
    }
    Secret desired = new SecretBuilder().withNewMetadata().withName(TLS).withNamespace(ns)
        .withLabels(serverLabels()).withOwnerReferences(OwnerReferences.shared(domain)).endMetadata()
        .withType("Opaque").withData(data).build();
    serverSideApply(domain, desired);
    return 1;
  }

  /**
   * Applies an object every domain describes identically, when it is missing, differs from what
   * this operator last applied, or does not yet name this domain as an owner.
   */
  private int applyShared(SecureMailDomain domain, HasMetadata desired) {
    // Stamped before the owner reference is added: every domain describes the object identically.
    String hash = AppliedHash.stamp(client.getKubernetesSerialization(), desired);
    HasMetadata current = client.resource(desired).get();
    if (AppliedHash.carries(current, hash) && OwnerReferences.ownedBy(current, domain)) {
      return 0;
    }
    desired.getMetadata().setOwnerReferences(List.of(OwnerReferences.shared(domain)));
    serverSideApply(domain, desired);
    return 1;
  }

  private void serverSideApply(SecureMailDomain domain, HasMetadata desired) {
    client.resource(desired).fieldManager(FIELD_MANAGER_PREFIX + domain.getMetadata().getName())
        .forceConflicts().serverSideApply();
  }

  private ConfigMap configMap(SecureMailDomain domain) {
    return new ConfigMapBuilder().withNewMetadata().withName(CONFIG)
        .withNamespace(domain.getMetadata().getNamespace()).withLabels(serverLabels()).endMetadata()
        .withData(Map.of("nginx.conf", PolicyServerConfig.nginxConf(PolicyServerConfig.Layout.container())))
        .build();
  }

  Deployment deployment(SecureMailDomain domain) {
    Map<String, String> selector = Map.of("app.kubernetes.io/name", NAME);
    return new DeploymentBuilder()
        .withNewMetadata().withName(NAME).withNamespace(domain.getMetadata().getNamespace())
          .withLabels(serverLabels()).endMetadata()
        .withNewSpec()
          .withReplicas(settings.replicas())
          .withNewSelector().withMatchLabels(selector).endSelector()
          .withNewTemplate()
            .withNewMetadata().withLabels(serverLabels())
              // nginx.conf is read only at start: a new configuration rolls the Pods.
              .withAnnotations(Map.of("securemail.io/config-hash",
                  ContentDigest.of(PolicyServerConfig.nginxConf(PolicyServerConfig.Layout.container()))))
            .endMetadata()
            .withNewSpec()
              .withAutomountServiceAccountToken(false)
              .withImagePullSecrets(settings.imagePullSecrets().stream()
                  .map(name -> new io.fabric8.kubernetes.api.model.LocalObjectReference(name)).toList())
              .withEnableServiceLinks(false)
              .withNewSecurityContext()
                .withRunAsNonRoot(true).withRunAsUser(NGINX_UID).withRunAsGroup(NGINX_UID).withFsGroup(NGINX_UID)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
              .endSecurityContext()
              .addNewContainer()
                .withName("nginx").withImage(settings.image())
                .withCommand("nginx", "-c", CONFIG_MOUNT + "/nginx.conf")
                .addNewPort().withName("https").withContainerPort(PolicyServerConfig.HTTPS_PORT)
                  .withProtocol("TCP").endPort()
                .addNewPort().withName("http").withContainerPort(PolicyServerConfig.HTTP_PORT)
                  .withProtocol("TCP").endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath(PolicyServerConfig.HEALTH_PATH)
                  .withPort(new IntOrString("http")).endHttpGet().withPeriodSeconds(10).endReadinessProbe()
                .withNewLivenessProbe().withNewHttpGet().withPath(PolicyServerConfig.HEALTH_PATH)
                  .withPort(new IntOrString("http")).endHttpGet().withPeriodSeconds(30).endLivenessProbe()
                .withNewResources()
                  .withRequests(Map.of("cpu", new Quantity("10m"), "memory", new Quantity("16Mi")))
                  .withLimits(Map.of("memory", new Quantity("64Mi")))
                .endResources()
                .withNewSecurityContext()
                  .withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                  .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .addNewVolumeMount().withName("config").withMountPath(CONFIG_MOUNT).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("policies").withMountPath(POLICIES_MOUNT).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("tls").withMountPath(TLS_MOUNT).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
              .endContainer()
              .addNewVolume().withName("config").withNewConfigMap().withName(CONFIG).endConfigMap().endVolume()
              // Optional: a namespace whose domains have no policy yet still gets a running server.
              .addNewVolume().withName("policies").withNewConfigMap().withName(POLICIES).withOptional(true)
                .endConfigMap().endVolume()
              .addNewVolume().withName("tls").withNewSecret().withSecretName(TLS).withOptional(true)
                .withDefaultMode(0440).endSecret().endVolume()
              .addNewVolume().withName("tmp").withNewEmptyDir().withMedium("Memory")
                .withSizeLimit(new Quantity("16Mi")).endEmptyDir().endVolume()
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  Service service(SecureMailDomain domain) {
    return new ServiceBuilder()
        .withNewMetadata().withName(NAME).withNamespace(domain.getMetadata().getNamespace())
          .withLabels(serverLabels()).endMetadata()
        .withNewSpec()
          .withType(settings.serviceType())
          .withSelector(Map.of("app.kubernetes.io/name", NAME))
          .addNewPort().withName("https").withPort(443).withTargetPort(new IntOrString("https"))
            .withProtocol("TCP").endPort()
        .endSpec()
        .build();
  }

  /** Plain HTTP inside the cluster only: what an Ingress controller that terminated TLS talks to. */
  Service internalService(SecureMailDomain domain) {
    return new ServiceBuilder()
        .withNewMetadata().withName(INTERNAL).withNamespace(domain.getMetadata().getNamespace())
          .withLabels(serverLabels()).endMetadata()
        .withNewSpec()
          .withType("ClusterIP")
          .withSelector(Map.of("app.kubernetes.io/name", NAME))
          .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("http"))
            .withProtocol("TCP").endPort()
        .endSpec()
        .build();
  }

  private static Map<String, String> serverLabels() {
    return Map.of(Labels.MANAGED_BY, Labels.OPERATOR, "app.kubernetes.io/name", NAME);
  }

  private static String encode(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }
}
