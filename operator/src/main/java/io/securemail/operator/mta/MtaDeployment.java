package io.securemail.operator.mta;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.certs.CertNames;
import io.securemail.operator.certs.CertificateManifests;
import io.securemail.operator.certs.LineageKeys;
import io.securemail.operator.certs.LineageSecrets;
import io.securemail.operator.certs.ServedKeys;
import io.securemail.operator.kube.Backoff;
import io.securemail.operator.kube.AppliedHash;
import io.securemail.operator.kube.OwnerReferences;
import io.securemail.operator.observe.OperatorProbes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The MTA step of a reconcile: applies the domain's MTA objects ({@link MtaManifests}) and says
 * whether the MTA is ready: every replica of the StatefulSet ready and up to date, and every MX
 * endpoint serving the key in the serving Secret (the DANE rollover counts on it).
 */
@ApplicationScoped
public class MtaDeployment {

  static final String FIELD_MANAGER = "securemail-operator";
  /** How often a starting MTA is looked at; no informer watches StatefulSets. */
  static final Duration POLL = Duration.ofSeconds(10);

  private final MtaSettings settings;
  private final ServedKeys probe;

  @Inject
  public MtaDeployment(OperatorProbes probes,
      // Default in application.properties: the project's MTA image, tagged with the project version.
      @ConfigProperty(name = "securemail.mta.image") String image,
      @ConfigProperty(name = "securemail.mta.cluster-domain", defaultValue = "cluster.local") String clusterDomain,
      @ConfigProperty(name = "securemail.mta.cluster-dns-address", defaultValue = "10.96.0.10") String clusterDns) {
    this(new MtaSettings(image, clusterDomain, clusterDns),
        new ServedKeys(probes.dns(), probes.servedChain(), probes.smtpPort()));
  }

  MtaDeployment(MtaSettings settings, ServedKeys probe) {
    this.settings = settings;
    this.probe = probe;
  }

  /**
   * @param notReadySince when MtaReady last turned False (null: it is not False), for the backoff
   */
  public MtaOutcome reconcile(SecureMailDomain domain, KubernetesClient client, Instant notReadySince, Instant now) {
    if (domain.getSpec().getMta() == null) {
      return notManaged(domain, client);
    }
    StatefulSet current;
    try {
      ConfigMap config = MtaManifests.configMap(domain, settings);
      apply(client, config);
      apply(client, MtaManifests.service(domain));
      current = apply(client, MtaManifests.statefulSet(domain, settings, MtaManifests.configHash(config)));
    } catch (KubernetesClientException e) {
      return new MtaOutcome("False", "MtaNotUpdated", "The MTA's objects could not be written: " + explain(e)
          + "; the running MTA stays as it was", Backoff.next(POLL, notReadySince, now));
    }
    String name = MtaManifests.name(domain);
    int wanted = domain.getSpec().getMta().getReplicas();
    StatefulSetStatus status = current.getStatus();
    long generation = Optional.ofNullable(current.getMetadata().getGeneration()).orElse(0L);
    int ready = status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
    int updated = status == null || status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
    boolean observed = status != null && status.getObservedGeneration() != null && status.getObservedGeneration() >= generation;
    if (!observed || ready < wanted || updated < wanted) {
      return new MtaOutcome("False", "Starting", ready + " of " + wanted + " replicas of StatefulSet " + name
          + " ready" + (observed ? ", " + updated + " up to date" : " (the StatefulSet controller has not yet seen the change)"),
          Backoff.next(POLL, notReadySince, now));
    }
    return served(domain, client, name, wanted, notReadySince, now);
  }

  /** All replicas are ready: does every MX endpoint serve the serving Secret's key? */
  private MtaOutcome served(SecureMailDomain domain, KubernetesClient client, String name, int replicas,
      Instant notReadySince, Instant now) {
    Optional<String> expected = servingSpki(client, domain);
    if (expected.isEmpty()) {
      return new MtaOutcome("False", "CertificateNotIssued", "Secret " + CertNames.serving(domain)
          + " holds no certificate and key yet; the MTA has nothing to serve", Backoff.next(POLL, notReadySince, now));
    }
    ServedKeys.Result seen = probe.probe(CertificateManifests.mxHosts(domain));
    if (!seen.failures().isEmpty()) {
      return new MtaOutcome("False", "MxUnreachable", replicas + " replicas ready, but not every MX endpoint answered "
          + "STARTTLS: " + seen.summary(), Backoff.next(POLL, notReadySince, now));
    }
    Set<String> served = seen.servedSpkis();
    if (!served.equals(Set.of(expected.get()))) {
      return new MtaOutcome("False", "StaleCertificate", "MX endpoints serve key(s) " + served + " but Secret "
          + CertNames.serving(domain) + " holds " + expected.get() + ": the MTA has not (yet) reloaded its certificate",
          Backoff.next(POLL, notReadySince, now));
    }
    return new MtaOutcome("True", "Ready", replicas + " replica(s) of StatefulSet " + name + " ready; every MX "
        + "endpoint (" + seen.endpoints().size() + ") serves the current key", null);
  }

  /** spec.mta is not set: nothing of ours runs; an MTA of the operator's from before is removed. */
  private MtaOutcome notManaged(SecureMailDomain domain, KubernetesClient client) {
    String ns = domain.getMetadata().getNamespace();
    String name = MtaManifests.name(domain);
    try {
      for (HasMetadata owned : new HasMetadata[] {
          client.apps().statefulSets().inNamespace(ns).withName(name).get(),
          client.services().inNamespace(ns).withName(name).get(),
          client.configMaps().inNamespace(ns).withName(name).get()}) {
        if (OwnerReferences.ownedBy(owned, domain)) {
          // The queue's PersistentVolumeClaims stay: they may hold mail.
          client.resource(owned).delete();
        }
      }
    } catch (KubernetesClientException e) {
      return new MtaOutcome("False", "MtaNotRemoved", "spec.mta was removed, but the MTA's objects could not be "
          + "deleted: " + explain(e), POLL);
    }
    return new MtaOutcome("True", "NotManaged", "spec.mta is not set: the MX hosts are served by an MTA this "
        + "operator does not run; it must serve Secret " + CertNames.serving(domain) + " and reload it when it changes", null);
  }

  /**
   * Server-side apply, skipped when the object already carries the hash of exactly this desired
   * state: an unchanged domain costs no write.
   */
  private static <T extends HasMetadata> T apply(KubernetesClient client, T desired) {
    String hash = AppliedHash.stamp(client.getKubernetesSerialization(), desired);
    T current = client.resource(desired).get();
    if (AppliedHash.carries(current, hash)) {
      return current;
    }
    return client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
  }

  /** The key of the serving Secret, once it holds that key and a certificate. */
  private static Optional<String> servingSpki(KubernetesClient client, SecureMailDomain domain) {
    LineageKeys serving = LineageKeys.of(LineageSecrets.get(client, domain, CertNames.serving(domain)));
    return serving.hasKey() && serving.certificate() != null ? Optional.of(serving.spki()) : Optional.empty();
  }


  private static String explain(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
  }
}
