package io.securemail.operator.mtasts;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.AppliedHash;
import io.securemail.operator.kube.ContentDigest;
import io.securemail.operator.kube.Labels;
import io.securemail.operator.kube.RecentReads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MTA-STS policy server of a namespace: one nginx Deployment and its Services, shared by every
 * SecureMailDomain in the namespace, serving each domain's policy with its certificate by host name.
 *
 * <p>One server per namespace, not per domain (a thousand domains would be a thousand web servers)
 * and not per operator (a Pod mounts Secrets only from its own namespace, so a cluster-wide server
 * would need every domain's private key copied into the operator's namespace).
 *
 * <p>What a domain costs is constant, however many share the namespace:
 * <ul>
 *   <li>The server's objects do not depend on the domains. They are written once per namespace
 *       under one field manager, and a write is skipped while the live object carries the digest of
 *       the wanted state ({@link AppliedHash}); a namespace checked within {@link #VERIFIED_FOR} is
 *       not read again.</li>
 *   <li>Each domain's policy, certificate and key are three keys of one site Secret
 *       ({@link PolicySite}), written as a merge patch of those keys only, so domains never
 *       overwrite each other's keys; when many domains change at once, one write carries the
 *       changes of several ({@link SiteWrites}).</li>
 *   <li>The configuration ConfigMap is the owner of everything else: the operator deletes it when the
 *       namespace's last domain goes, and the garbage collector removes the rest. No object carries
 *       one owner reference per domain.</li>
 * </ul>
 */
public final class PolicyServer {

  public static final String NAME = "securemail-mta-sts";
  /** ConfigMap holding nginx.conf; the owner of the server's other objects. */
  public static final String CONFIG = NAME + "-config";
  /** ClusterIP Service with the plain-HTTP port, the backend of policy Ingresses. */
  public static final String INTERNAL = NAME + "-http";
  /** The policies ConfigMap of versions before the site Secrets. */
  static final String LEGACY_POLICIES = NAME + "-policies";
  /** The certificates Secret of versions before the site Secrets. */
  static final String LEGACY_TLS = NAME + "-tls";

  static final String CONFIG_MOUNT = "/etc/securemail/nginx";
  static final String SITE_MOUNT = "/etc/securemail/site";
  /** The field manager of the objects every domain of the namespace shares. */
  static final String FIELD_MANAGER = "securemail-operator";
  /** How long a namespace's server, once read and found as wanted, is not read again. */
  static final Duration VERIFIED_FOR = Duration.ofSeconds(30);
  /** The policy server image's nginx user (uid 101, group 101), which the Pod runs as. */
  static final long NGINX_UID = 101L;

  /**
   * Operator-wide settings of the server (one per namespace, so not per domain).
   *
   * @param imagePullSecrets Secrets of these names in each namespace pull the image (a private registry)
   */
  public record Settings(String image, int replicas, String serviceType, List<String> imagePullSecrets,
      PolicyServerConfig.ReportProxy reports) {
    public Settings {
      Objects.requireNonNull(image);
      Objects.requireNonNull(serviceType);
      imagePullSecrets = List.copyOf(imagePullSecrets);
    }

    /** Without TLS reports over HTTPS. */
    public Settings(String image, int replicas, String serviceType, List<String> imagePullSecrets) {
      this(image, replicas, serviceType, imagePullSecrets, null);
    }

    String nginxConf() {
      return PolicyServerConfig.nginxConf(PolicyServerConfig.Layout.container(), reports);
    }
  }

  /** A certificate and key in PEM, as cert-manager wrote them into the domain's Secret. */
  public record TlsPair(String certificate, String key) {}

  /** A namespace whose server was found as wanted, when, and the owner reference of its objects. */
  private record Verified(OwnerReference owner, Instant at) {}

  private final Settings settings;
  private final Clock clock;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  /** Per domain (namespace/name): the last change of its entries handed to the server, and when. */
  private final Map<String, Handed> entriesChanged = new ConcurrentHashMap<>();

  private record Handed(Map<String, String> changes, Instant at) {}
  private final SiteWrites siteWrites;

  /** The reconciles' client (one for the operator), which the background writes of the site Secrets use too. */
  private volatile KubernetesClient client;

  public PolicyServer(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.siteWrites = new SiteWrites((shard, data, owner) -> writeShard(client, shard, data, owner),
        SiteWrites.daemonScheduler(), clock, SiteWrites.SPACING);
  }

  /** Called with a domain's namespace/name when a background write of its site entries failed. */
  public void onSiteWriteFailed(java.util.function.Consumer<String> listener) {
    siteWrites.onFailure(listener);
  }

  /**
   * Makes the namespace's server serve {@code policy} (null: none) for the domain with {@code tls}
   * (null: keep what it has, e.g. while cert-manager renews; a withdrawn policy removes both).
   * Nothing is written that is already as desired.
   *
   * @return whether the server's entries held a certificate and key for the domain before this call:
   *     {@code tls} itself when given, any when not
   */
  public boolean apply(KubernetesClient client, SecureMailDomain domain, PolicyDocument policy, TlsPair tls) {
    this.client = client;
    OwnerReference owner = server(client, domain.getMetadata().getNamespace());
    return applyEntries(client, domain, policy == null ? null : policy.text(), tls, owner);
  }

  /**
   * When this process last handed the server a change of the domain's entries (its policy or its
   * certificate), or null when it has not.
   */
  public Instant entriesChangedAt(SecureMailDomain domain) {
    Handed last = entriesChanged.get(domain.getMetadata().getNamespace() + "/" + domain.getMetadata().getName());
    return last == null ? null : last.at();
  }

  /** Removes the domain's policy and certificate from the server (the domain is being deleted). */
  public void forget(KubernetesClient client, SecureMailDomain domain) {
    this.client = client;
    applyEntries(client, domain, null, null, null);
  }

  /** Deletes the namespace's server (its last domain is gone): its owner, and with it everything else. */
  public void remove(KubernetesClient client, String namespace) {
    verified.remove(namespace);
    siteWrites.forgetNamespace(namespace);
    client.configMaps().inNamespace(namespace).withName(CONFIG).delete();
  }

  /**
   * Makes the namespace's server objects as wanted (at most one read each, skipped within
   * {@link #VERIFIED_FOR} of the last check) and returns the owner reference of its dependents.
   */
  private OwnerReference server(KubernetesClient client, String namespace) {
    OwnerReference known = recentlyVerified(namespace);
    if (known != null) {
      return known;
    }
    // One reconcile of the namespace checks and writes the server; the others wait and take its
    // result, rather than all creating the same objects at once (409 AlreadyExists for all but one).
    synchronized (locks.computeIfAbsent(namespace, k -> new Object())) {
      known = recentlyVerified(namespace);
      return known != null ? known : verify(client, namespace);
    }
  }

  /** The owner reference of the namespace's server if it was verified within {@link #VERIFIED_FOR}, else null. */
  private OwnerReference recentlyVerified(String namespace) {
    Verified known = verified.get(namespace);
    return known != null && clock.instant().isBefore(known.at().plus(VERIFIED_FOR)) ? known.owner() : null;
  }

  private OwnerReference verify(KubernetesClient client, String namespace) {
    Instant now = clock.instant();
    ConfigMap config = configMap(namespace);
    String hash = AppliedHash.stamp(client.getKubernetesSerialization(), config);
    ConfigMap live = client.configMaps().inNamespace(namespace).withName(CONFIG).get();
    // A server of a version that made every domain an owner: the takeover drops those references.
    boolean legacy = live != null && !live.getMetadata().getOwnerReferences().isEmpty();
    if (legacy) {
      release(client, live);
    }
    if (legacy || !AppliedHash.carries(live, hash)) {
      live = (ConfigMap) apply(client, config, FIELD_MANAGER);
    }
    OwnerReference owner = new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap").withName(CONFIG)
        .withUid(live.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(false).build();
    for (HasMetadata desired : List.of(deployment(namespace), service(namespace), internalService(namespace))) {
      String digest = AppliedHash.stamp(client.getKubernetesSerialization(), desired);
      desired.getMetadata().setOwnerReferences(List.of(owner));
      HasMetadata current = client.resource(desired).get();
      if (current != null && !ownedOnlyBy(current, owner)) {
        release(client, current);
      } else if (AppliedHash.carries(current, digest)) {
        continue;
      }
      apply(client, desired, FIELD_MANAGER);
    }
    if (legacy) {
      // Last: the old objects are emptied only once the server they fed is the new one.
      retireLegacy(client, namespace, owner);
    }
    verified.put(namespace, new Verified(owner, now));
    return owner;
  }

  /**
   * Writes the domain's keys of its site Secret: the policy, and the certificate and key (kept as
   * they are when {@code tls} is null and the policy stays). Untouched when already as wanted; with
   * other domains' changes of the same shard when several come at once ({@link SiteWrites}).
   */
  private boolean applyEntries(KubernetesClient client, SecureMailDomain domain, String policy, TlsPair tls,
      OwnerReference owner) {
    String namespace = domain.getMetadata().getNamespace();
    String id = namespace + "/" + domain.getMetadata().getName();
    String host = domain.getSpec().getDomain();
    SiteWrites.Shard shard = new SiteWrites.Shard(namespace, PolicySite.secretName(host));
    String failed = siteWrites.takeFailure(id);
    // Shared for a moment by the namespace's domains (a shard holds many domains' entries, and each
    // reconcile of each of them read it whole); forgotten when the operator writes it.
    Secret live = RecentReads.secret(client, namespace, shard.name());
    Map<String, String> present = new LinkedHashMap<>();
    if (live != null && live.getData() != null) {
      live.getData().forEach((key, value) -> {
        if (PolicySite.isEntryOf(key, host)) {
          present.put(key, value);
        }
      });
    }
    boolean certificateHeld = PolicySite.holdsCertificate(present, host, tls);
    Map<String, String> changes = new LinkedHashMap<>();
    if (owner == null) {
      // The domain is being deleted: its keys go, whoever wrote them (an earlier object of the same
      // domain name, a hand edit), and so do any of its changes still waiting to be written.
      List.of(PolicyServerConfig.policyFile(host), PolicyServerConfig.certificateFile(host),
          PolicyServerConfig.keyFile(host)).forEach(key -> changes.put(key, null));
      try {
        siteWrites.writeNow(shard, id, changes, !present.isEmpty());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KubernetesClientException("interrupted before the policy server's entries were removed");
      }
      entriesChanged.remove(id);
      return false;
    }
    if (policy == null) {
      present.keySet().forEach(key -> changes.put(key, null));
    } else {
      PolicySite.entries(host, policy, tls).forEach((key, value) -> {
        if (!value.equals(present.get(key))) {
          changes.put(key, value);
        }
      });
    }
    // A shard of an earlier server (another owner): it goes with this one.
    boolean reown = policy != null && live != null && !ownedOnlyBy(live, owner);
    if (changes.isEmpty() && !reown) {
      return certificateHeld;
    }
    siteWrites.submit(shard, id, changes, owner);
    // The same changes again (a write still waiting, or failing) are no news: the wait goes on.
    // A plain copy: a null value is a removed key (the merge patch's), and must compare as one.
    Map<String, String> handed = new LinkedHashMap<>(changes);
    entriesChanged.compute(id, (k, last) -> last != null && last.changes().equals(handed) ? last
        : new Handed(handed, clock.instant()));
    if (failed != null) {
      throw new KubernetesClientException("Secret " + shard.name() + ": " + failed);
    }
    return certificateHeld && policy != null;
  }

  /** Writes a shard's changed keys (RFC 7386 merge patch: null removes) and its sole owner; creates it when missing. */
  private static void writeShard(KubernetesClient client, SiteWrites.Shard shard, Map<String, String> data,
      OwnerReference owner) {
    try {
      patchOrCreateShard(client, shard, data, owner);
    } finally {
      // The next reconcile reads what was written.
      RecentReads.SHARED.forget(RecentReads.secretKey(shard.namespace(), shard.name()));
    }
  }

  private static void patchOrCreateShard(KubernetesClient client, SiteWrites.Shard shard, Map<String, String> data,
      OwnerReference owner) {
    var serialization = client.getKubernetesSerialization();
    Map<String, Object> metadata = new LinkedHashMap<>();
    if (owner != null) {
      metadata.put("ownerReferences", List.of(owner));
    }
    Map<String, Object> patch = new LinkedHashMap<>();
    if (!metadata.isEmpty()) {
      patch.put("metadata", metadata);
    }
    patch.put("data", data);
    var secret = client.secrets().inNamespace(shard.namespace()).withName(shard.name());
    PatchContext merge = new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE)
        .withFieldManager(FIELD_MANAGER).build();
    try {
      secret.patch(merge, serialization.asJson(patch));
      return;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    Map<String, String> kept = new LinkedHashMap<>();
    data.forEach((key, value) -> {
      if (value != null) {
        kept.put(key, value);
      }
    });
    if (kept.isEmpty() || owner == null) {
      return;
    }
    Secret created = new SecretBuilder().withNewMetadata().withName(shard.name()).withNamespace(shard.namespace())
        .withLabels(serverLabels()).withOwnerReferences(owner).endMetadata()
        .withType("Opaque").withData(kept).build();
    try {
      client.secrets().inNamespace(shard.namespace()).resource(created).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Created meanwhile (a write of an earlier process): the keys go in by patch after all.
      secret.patch(merge, serialization.asJson(patch));
    }
  }

  private static boolean ownedOnlyBy(HasMetadata object, OwnerReference owner) {
    var refs = object.getMetadata().getOwnerReferences();
    return refs.size() == 1 && refs.get(0).getUid().equals(owner.getUid());
  }

  /**
   * Drops an object's owner references and every field manager's claims (RFC 7386 merge patch;
   * {@code managedFields: [{}]} is the API server's way to clear them), so that the next apply
   * states its owners alone.
   */
  private static void release(KubernetesClient client, HasMetadata object) {
    client.resource(object).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"ownerReferences\":null,\"managedFields\":[{}]}}");
  }

  /**
   * Empties the objects that held every domain's policy and key before the site Secrets, and hands
   * them to the server's owner, so they go with the server. Emptied rather than deleted: the
   * operator needs no right to delete Secrets for it.
   */
  private static void retireLegacy(KubernetesClient client, String namespace, OwnerReference owner) {
    String patch = "{\"metadata\":{\"ownerReferences\":[" + client.getKubernetesSerialization().asJson(owner)
        + "],\"managedFields\":[{}]},\"data\":null}";
    var policies = client.configMaps().inNamespace(namespace).withName(LEGACY_POLICIES);
    if (policies.get() != null) {
      policies.patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }
    var tls = client.secrets().inNamespace(namespace).withName(LEGACY_TLS);
    if (tls.get() != null) {
      tls.patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }
  }

  private static HasMetadata apply(KubernetesClient client, HasMetadata desired, String manager) {
    return client.resource(desired).fieldManager(manager).forceConflicts().serverSideApply();
  }

  private ConfigMap configMap(String namespace) {
    return new ConfigMapBuilder().withNewMetadata().withName(CONFIG)
        .withNamespace(namespace).withLabels(serverLabels()).endMetadata()
        .withData(Map.of("nginx.conf", settings.nginxConf()))
        .build();
  }

  Deployment deployment(String namespace) {
    Map<String, String> selector = Map.of("app.kubernetes.io/name", NAME);
    return new DeploymentBuilder()
        .withNewMetadata().withName(NAME).withNamespace(namespace)
          .withLabels(serverLabels()).endMetadata()
        .withNewSpec()
          .withReplicas(settings.replicas())
          .withNewSelector().withMatchLabels(selector).endSelector()
          .withNewTemplate()
            .withNewMetadata().withLabels(serverLabels())
              // nginx.conf is read only at start: a new configuration rolls the Pods.
              .withAnnotations(Map.of("securemail.io/config-hash",
                  ContentDigest.of(settings.nginxConf())))
            .endMetadata()
            .withNewSpec()
              .withAutomountServiceAccountToken(false)
              .withImagePullSecrets(settings.imagePullSecrets().stream()
                  .map(name -> new LocalObjectReference(name)).toList())
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
                .addNewVolumeMount().withName("site").withMountPath(SITE_MOUNT).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
              .endContainer()
              .addNewVolume().withName("config").withNewConfigMap().withName(CONFIG).endConfigMap().endVolume()
              // Every shard, optional: a shard no domain writes to does not exist.
              .addNewVolume().withName("site").withNewProjected().withDefaultMode(0440)
                .withSources(PolicySite.secretNames().stream().map(PolicyServer::siteSource).toList())
              .endProjected().endVolume()
              .addNewVolume().withName("tmp").withNewEmptyDir().withMedium("Memory")
                .withSizeLimit(new Quantity("16Mi")).endEmptyDir().endVolume()
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  Service service(String namespace) {
    return new ServiceBuilder()
        .withNewMetadata().withName(NAME).withNamespace(namespace)
          .withLabels(serverLabels()).endMetadata()
        .withNewSpec()
          .withType(settings.serviceType())
          .withSelector(podSelector())
          .addNewPort().withName("https").withPort(443).withTargetPort(new IntOrString("https"))
            .withProtocol("TCP").endPort()
        .endSpec()
        .build();
  }

  /** Plain HTTP inside the cluster only: what an Ingress controller that terminated TLS talks to. */
  Service internalService(String namespace) {
    return new ServiceBuilder()
        .withNewMetadata().withName(INTERNAL).withNamespace(namespace)
          .withLabels(serverLabels()).endMetadata()
        .withNewSpec()
          .withType("ClusterIP")
          .withSelector(podSelector())
          .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("http"))
            .withProtocol("TCP").endPort()
        .endSpec()
        .build();
  }

  /** What selects the policy server's Pods: its Service's selector. */
  static Map<String, String> podSelector() {
    return Map.of("app.kubernetes.io/name", NAME);
  }

  private static Map<String, String> serverLabels() {
    return Map.of(Labels.MANAGED_BY, Labels.OPERATOR, "app.kubernetes.io/name", NAME);
  }

  private static VolumeProjection siteSource(String secret) {
    return new VolumeProjectionBuilder().withNewSecret().withName(secret).withOptional(true).endSecret().build();
  }
}
