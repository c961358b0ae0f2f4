package io.securemail.lab.certmanager;

import io.fabric8.certmanager.api.model.v1.CAIssuerBuilder;
import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.CertificateCondition;
import io.fabric8.certmanager.api.model.v1.CertificateRequest;
import io.fabric8.certmanager.api.model.v1.CertificateStatus;
import io.fabric8.certmanager.api.model.v1.ClusterIssuer;
import io.fabric8.certmanager.api.model.v1.ClusterIssuerBuilder;
import io.fabric8.certmanager.api.model.v1.Issuer;
import io.fabric8.certmanager.api.model.v1.IssuerCondition;
import io.fabric8.certmanager.api.model.v1.IssuerSpec;
import io.fabric8.certmanager.api.model.v1.IssuerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.securemail.lab.support.LabPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A test-only stand-in for cert-manager's controller, whose image cannot be pulled here. It installs
 * cert-manager's CRDs ({@link CertManagerCrds}), creates a lab CA (ECDSA P-256, Secret
 * {@code cert-manager/lab-ca}) and the ClusterIssuer {@code lab-ca} of type CA using it, and then
 * does what cert-manager's controllers do for Certificates issued by CA issuers:
 * <ul>
 *   <li>trigger: cert-manager's policy checks ({@link IssuancePolicies}) decide when to issue and
 *       set the Issuing condition (True with the failed check's reason and message), backing off
 *       after a failed issuance as cert-manager does (an hour, doubling with each further failure,
 *       unless the spec changed); anyone may also set Issuing=True, as {@code cmctl renew} does
 *       ({@link #renew}).
 *   <li>keys: rotationPolicy Always (cert-manager's default since 1.18) makes a new key for every
 *       issuance; Never reuses the key in the Secret's tls.key, and if that key does not match
 *       spec.privateKey it issues nothing and records a CannotRegenerateKey warning event,
 *       waiting for the user, as cert-manager's key manager does. Keys are written PKCS#1/SEC 1
 *       (encoding PKCS1, the default) or PKCS#8.
 *   <li>requests: one CertificateRequest per revision ({@code <name>-<revision>}, owned by the
 *       Certificate, approved), signed by the issuer's CA, or left Pending with cert-manager's
 *       reasons when the issuer does not exist ("Referenced "Issuer" not found: ...") or is not
 *       Ready, or Failed when the issuer refuses. Older requests are deleted (revisionHistoryLimit 1).
 *   <li>issuing: a failed request sets Issuing=False (reason Failed, "The certificate request has
 *       failed to complete and will be retried: ..."), lastFailureTime and failedIssuanceAttempts;
 *       an issued one is written to the Secret (type kubernetes.io/tls when created, tls.crt with
 *       the leaf and any intermediates, tls.key, ca.crt with the root, cert-manager's annotations
 *       and label, everything else on the Secret kept), the revision is incremented and the
 *       Issuing condition removed.
 *   <li>readiness: the Ready condition from cert-manager's readiness checks, with notBefore,
 *       notAfter and renewalTime from the certificate in the Secret.
 *   <li>issuers: a CA Issuer/ClusterIssuer is Ready (KeyPairVerified) when its CA Secret holds a
 *       usable key pair, as cert-manager's issuer controller reports.
 * </ul>
 * A lab-only annotation, {@link #REFUSE_ANNOTATION}, on an Issuer or ClusterIssuer makes its CA
 * refuse to sign, with the annotation's value as the error.
 *
 * <p>Leaf certificates: DNS names from the spec, subject common name spec.commonName or else the
 * first DNS name, lifetime spec.duration (90 days by default), server authentication usage.
 *
 * <p>Where this follows cert-manager's source (v1.18 and later) and where it departs from it, on
 * purpose: reasons and messages are cert-manager's own (policies in
 * internal/controller/certificates/policies, the controllers in pkg/controller/certificates/
 * trigger, keymanager, issuing and readiness, the request reporter in
 * pkg/controller/certificaterequests, {@code cmctl renew}'s condition). Departures: the key of an
 * issuance in progress is held in memory, not in a temporary "next private key" Secret; without a
 * spec.commonName cert-manager leaves the subject empty where the lab uses the first DNS name; the
 * work of cert-manager's separate controllers happens in one pass, so the intermediate states they
 * write one after another (Issuing=True, then the request, then the Secret) may be written
 * together; there is no admission webhook (no defaulting in the stored object, no validation);
 * only CA issuers sign.
 *
 * <p>The controller is one thread: informers on Certificates, CertificateRequests, Secrets and
 * issuers wake it, and it looks at every Certificate once a second besides. It reads from the
 * informers' caches and acts only on caches that already reflect its own last writes, so a stale
 * cache never makes it issue twice. It writes nothing while nothing needs to change.
 */
public final class LabIssuer implements AutoCloseable {

  /** Set on an Issuer or ClusterIssuer, its CA refuses every request with this value as the reason. */
  public static final String REFUSE_ANNOTATION = "lab.securemail.io/refuse";

  public static final String CA_NAMESPACE = "cert-manager";
  public static final String CA_NAME = "lab-ca";

  /** cert-manager's first delay before retrying a failed issuance; it doubles per further failure, up to 32 h. */
  static final Duration RETRY_AFTER_FAILURE = Duration.ofHours(1);

  static final String ANNOTATION_CERTIFICATE_REVISION = "cert-manager.io/certificate-revision";
  /** The label cert-manager puts on every Secret it writes. */
  static final String LABEL_PART_OF_CERT_MANAGER = "controller.cert-manager.io/fao";

  private final KubernetesClient client;
  private final KeyPair caKey;
  private final X509Certificate caCertificate;
  private final Path caCertificateFile;
  private final ScheduledExecutorService worker;
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final IssuerState state;
  private SharedIndexInformer<Certificate> certificates;
  private volatile boolean started;

  private LabIssuer(KubernetesClient client, KeyPair caKey, X509Certificate caCertificate, Path caCertificateFile) {
    this.client = client;
    this.caKey = caKey;
    this.caCertificate = caCertificate;
    this.caCertificateFile = caCertificateFile;
    this.state = new IssuerState();
    this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "lab-issuer");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Installs the CRDs, creates the lab CA and its ClusterIssuer and starts the controller.
   *
   * @param workDir where the CA certificate is written (lab-ca.crt), for programs that read a file
   */
  public static LabIssuer start(KubernetesClient client, Path workDir) throws IOException {
    long started = System.nanoTime();
    CertManagerCrds.install(client);
    KeyPair caKey = LabPki.generateEcdsa();
    X509Certificate ca = LabPki.selfSignedCa(caKey, "securemail lab CA", Duration.ofDays(3650));
    Files.createDirectories(workDir);
    Path caFile = workDir.resolve("lab-ca.crt");
    Files.writeString(caFile, LabPki.certificatePem(ca));
    LabIssuer issuer = new LabIssuer(client, caKey, ca, caFile);
    issuer.createCa();
    issuer.startController();
    issuer.awaitCaReady();
    System.out.printf("[lab] cert-manager stand-in up in %.1f s: ClusterIssuer %s (CA in Secret %s/%s)%n",
        (System.nanoTime() - started) / 1e9, CA_NAME, CA_NAMESPACE, CA_NAME);
    return issuer;
  }

  private void createCa() {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(CA_NAMESPACE).endMetadata().build())
        .serverSideApply();
    client.secrets().inNamespace(CA_NAMESPACE).resource(new SecretBuilder()
        .withNewMetadata().withName(CA_NAME).withNamespace(CA_NAMESPACE).endMetadata()
        .withType("kubernetes.io/tls")
        .withData(Map.of(
            "tls.crt", IssuancePolicies.encode(LabPki.certificatePem(caCertificate)),
            "tls.key", IssuancePolicies.encode(LabPki.privateKeyPem(caKey.getPrivate(), false)),
            "ca.crt", IssuancePolicies.encode(LabPki.certificatePem(caCertificate))))
        .build()).forceConflicts().serverSideApply();
    client.resources(ClusterIssuer.class).resource(new ClusterIssuerBuilder()
        .withNewMetadata().withName(CA_NAME).endMetadata()
        .withNewSpec().withCa(new CAIssuerBuilder().withSecretName(CA_NAME).build()).endSpec()
        .build()).forceConflicts().serverSideApply();
  }

  private void startController() {
    ResourceEventHandler<HasMetadata> wake = new ResourceEventHandler<>() {
      @Override
      public void onAdd(HasMetadata obj) {
        state.observed(obj, false);
        wake();
      }

      @Override
      public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
        state.observed(newObj, false);
        wake();
      }

      @Override
      public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
        state.observed(obj, true);
        wake();
      }
    };
    certificates = client.resources(Certificate.class).inAnyNamespace().inform(handler(wake));
    informers.add(certificates);
    state.requests = client.resources(CertificateRequest.class).inAnyNamespace().inform(handler(wake));
    state.secrets = client.secrets().inAnyNamespace().inform(handler(wake));
    state.issuers = client.resources(Issuer.class).inAnyNamespace().inform(handler(wake));
    state.clusterIssuers = client.resources(ClusterIssuer.class).inform(handler(wake));
    informers.addAll(List.of(state.requests, state.secrets, state.issuers, state.clusterIssuers));
    started = true;
    worker.scheduleWithFixedDelay(this::syncAll, 0, 1, TimeUnit.SECONDS);
  }

  @SuppressWarnings("unchecked")
  private static <T extends HasMetadata> ResourceEventHandler<T> handler(ResourceEventHandler<HasMetadata> wake) {
    return (ResourceEventHandler<T>) (ResourceEventHandler<?>) wake;
  }

  private void awaitCaReady() {
    client.resources(ClusterIssuer.class).withName(CA_NAME).waitUntilCondition(ci -> ci != null
        && isReady(ci.getStatus()), 30, TimeUnit.SECONDS);
  }

  private void wake() {
    if (wakePending.compareAndSet(false, true)) {
      try {
        worker.execute(() -> {
          wakePending.set(false);
          syncAll();
        });
      } catch (RejectedExecutionException e) {
        // Closed: an informer's last event arrived after the worker stopped; there is nothing to issue.
      }
    }
  }

  private void syncAll() {
    if (!started) {
      return; // informers still being set up; the first scheduled pass follows
    }
    try {
      new IssuerReadiness(client, state).syncAll();
      for (Certificate certificate : certificates.getStore().list()) {
        try {
          new CertificateSync(client, state, certificate).run();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409 && e.getCode() != 404) {
            System.out.printf("[lab] cert-manager stand-in: %s/%s: %s%n", certificate.getMetadata().getNamespace(),
                certificate.getMetadata().getName(), e.getMessage());
          }
          // a conflict or a vanished object: the next pass sees the new state
        }
      }
    } catch (RuntimeException e) {
      System.out.printf("[lab] cert-manager stand-in: %s%n", e);
    }
  }

  static boolean isReady(IssuerStatus status) {
    return status != null && status.getConditions() != null && status.getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  // --- what tests see ---

  /** The lab CA's certificate (PEM), the trust anchor of every certificate issued through lab-ca. */
  public String caCertificatePem() {
    return LabPki.certificatePem(caCertificate);
  }

  public X509Certificate caCertificate() {
    return caCertificate;
  }

  /** The CA certificate as a file, for programs that take a CA file. */
  public Path caCertificateFile() {
    return caCertificateFile;
  }

  /**
   * A server certificate for the key signed directly by the lab CA, outside cert-manager's flow:
   * a destination on the lab's "internet" with a publicly trusted certificate (the lab CA is the
   * lab's only public root, e.g. the MTA's smtp_tls_CAfile). DNS names as subject alternative
   * names, the first also the common name; valid from an hour ago.
   */
  public X509Certificate signServer(PublicKey key, List<String> dnsNames, Duration validity) {
    Instant notBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
    return LabPki.signServer(key, dnsNames.get(0), dnsNames, notBefore, notBefore.plus(validity), caCertificate,
        caKey.getPrivate());
  }

  /** The name of the ClusterIssuer of the lab CA. */
  public String clusterIssuerName() {
    return CA_NAME;
  }

  /**
   * Triggers a new issuance of the Certificate now, as {@code cmctl renew} does: sets its Issuing
   * condition to True with reason ManuallyTriggered. The key is kept under rotationPolicy Never.
   */
  public void renew(String namespace, String name) {
    for (int attempt = 0; ; attempt++) {
      Certificate certificate = client.resources(Certificate.class).inNamespace(namespace).withName(name).get();
      if (certificate == null) {
        throw new IllegalArgumentException("no Certificate " + namespace + "/" + name);
      }
      CertificateStatus status = certificate.getStatus() == null ? new CertificateStatus() : certificate.getStatus();
      certificate.setStatus(status);
      Conditions.set(status, "Issuing", "True", "ManuallyTriggered", "Certificate re-issuance manually triggered",
          certificate.getMetadata().getGeneration());
      try {
        client.resource(certificate).updateStatus();
        wake();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 5) {
          throw e;
        }
      }
    }
  }

  /** How many certificates this issuer has issued for the Certificate so far. */
  public int issuances(String namespace, String name) {
    return state.issuances(namespace, name);
  }

  /**
   * How long after a failed issuance the next automatic attempt waits at first (cert-manager: one
   * hour). Tests of recovery may shorten it; {@link #renew} never waits.
   */
  public void retryAfterFailure(Duration delay) {
    state.retryAfterFailure = Objects.requireNonNull(delay);
    wake();
  }

  /** cert-manager's back-off after failed issuances: 1, 2, 4, 8, 16, then 32 times the first delay. */
  static Duration retryDelay(Duration first, Integer failedAttempts) {
    int failures = failedAttempts == null ? 1 : Math.max(1, failedAttempts);
    return first.multipliedBy(1L << Math.min(failures - 1, 5));
  }

  static CertificateCondition condition(CertificateStatus status, String type) {
    return status == null || status.getConditions() == null ? null
        : status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  @Override
  public void close() {
    // The informers first, so that no new event wakes a worker that is stopping.
    for (SharedIndexInformer<?> informer : informers) {
      informer.close();
    }
    worker.shutdownNow();
    try {
      worker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Condition lists as cert-manager keeps them: one per type, the transition time moves on change only. */
  static final class Conditions {
    private Conditions() {}

    static void set(CertificateStatus status, String type, String value, String reason, String message, Long generation) {
      List<CertificateCondition> conditions = status.getConditions() == null ? new ArrayList<>()
          : new ArrayList<>(status.getConditions());
      CertificateCondition existing = conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
      String transition = existing != null && value.equals(existing.getStatus()) ? existing.getLastTransitionTime()
          : now();
      CertificateCondition condition = new CertificateCondition();
      condition.setType(type);
      condition.setStatus(value);
      condition.setReason(reason);
      condition.setMessage(message);
      condition.setObservedGeneration(generation);
      condition.setLastTransitionTime(transition);
      if (existing == null) {
        conditions.add(condition);
      } else {
        conditions.set(conditions.indexOf(existing), condition);
      }
      status.setConditions(conditions);
    }

    static void remove(CertificateStatus status, String type) {
      if (status.getConditions() != null) {
        List<CertificateCondition> conditions = new ArrayList<>(status.getConditions());
        conditions.removeIf(c -> type.equals(c.getType()));
        status.setConditions(conditions);
      }
    }

    static List<IssuerCondition> setIssuer(List<IssuerCondition> current, String value, String reason, String message,
        Long generation) {
      List<IssuerCondition> conditions = current == null ? new ArrayList<>() : new ArrayList<>(current);
      IssuerCondition existing = conditions.stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
      String transition = existing != null && value.equals(existing.getStatus()) ? existing.getLastTransitionTime()
          : now();
      IssuerCondition condition = new IssuerCondition();
      condition.setType("Ready");
      condition.setStatus(value);
      condition.setReason(reason);
      condition.setMessage(message);
      condition.setObservedGeneration(generation);
      condition.setLastTransitionTime(transition);
      if (existing == null) {
        conditions.add(condition);
      } else {
        conditions.set(conditions.indexOf(existing), condition);
      }
      return conditions;
    }

    static String now() {
      return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }
  }

  /** The spec of an Issuer or ClusterIssuer. */
  static IssuerSpec specOf(HasMetadata issuer) {
    return issuer instanceof ClusterIssuer ci ? ci.getSpec() : ((Issuer) issuer).getSpec();
  }

  static IssuerStatus statusOf(HasMetadata issuer) {
    return issuer instanceof ClusterIssuer ci ? ci.getStatus() : ((Issuer) issuer).getStatus();
  }
}
