package io.securemail.lab.certmanager;

import io.fabric8.certmanager.api.model.meta.v1.ObjectReference;
import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.CertificateCondition;
import io.fabric8.certmanager.api.model.v1.CertificatePrivateKey;
import io.fabric8.certmanager.api.model.v1.CertificateRequest;
import io.fabric8.certmanager.api.model.v1.CertificateRequestBuilder;
import io.fabric8.certmanager.api.model.v1.CertificateRequestCondition;
import io.fabric8.certmanager.api.model.v1.CertificateRequestStatus;
import io.fabric8.certmanager.api.model.v1.CertificateSpec;
import io.fabric8.certmanager.api.model.v1.CertificateStatus;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.securemail.lab.support.LabPki;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One pass of the lab's cert-manager stand-in over one Certificate: what cert-manager's trigger,
 * key manager, request manager, CA request signer, issuing and readiness controllers would each do
 * to it, in that order, in one go (see {@link LabIssuer} for the behaviour). Every write is the
 * same write cert-manager makes (status subresource updates, the CertificateRequest, the Secret);
 * when nothing has to change, nothing is written.
 */
final class CertificateSync {

  private static final String APPROVED_MESSAGE = "Certificate request has been approved by cert-manager.io";

  private final KubernetesClient client;
  private final KubernetesSerialization json;
  private final IssuerState state;
  private final Certificate certificate;
  private final CertificateSpec spec;
  private final String namespace;
  private final String name;
  private final String uid;
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  /** What an issuance attempt came to in this pass. */
  private enum Outcome { WAITING, FAILED, ISSUED }

  private Secret secret;
  private CertificateRequest issuedRequest;

  CertificateSync(KubernetesClient client, IssuerState state, Certificate cached) {
    this.client = client;
    this.json = client.getKubernetesSerialization();
    this.state = state;
    this.certificate = json.clone(cached); // the informer's copy is shared: never changed in place
    this.spec = certificate.getSpec();
    this.namespace = certificate.getMetadata().getNamespace();
    this.name = certificate.getMetadata().getName();
    this.uid = certificate.getMetadata().getUid();
  }

  void run() {
    if (spec == null || isEmpty(spec.getSecretName()) || spec.getIssuerRef() == null
        || certificate.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    secret = state.secret(namespace, spec.getSecretName());
    CertificateStatus original = certificate.getStatus();
    CertificateStatus status = original == null ? new CertificateStatus() : json.clone(original);
    int revision = status.getRevision() == null ? 0 : status.getRevision();
    CertificateRequest current = revision > 0 ? ownedRequest(revision) : null;
    CertificateRequest next = ownedRequest(revision + 1);
    if (!state.current("Certificate", namespace, name, certificate)
        || !state.current("Secret", namespace, spec.getSecretName(), secret)
        || !state.current("CertificateRequest", namespace, requestName(revision + 1), next)) {
      return; // the caches have not yet seen this controller's last writes; the next pass will
    }
    Long generation = certificate.getMetadata().getGeneration();

    // certificates-trigger
    if (!isTrue(LabIssuer.condition(status, "Issuing")) && !backingOff(status, next)) {
      Optional<IssuancePolicies.Violation> trigger = IssuancePolicies.trigger(
          new IssuancePolicies.Input(certificate, secret, current, now));
      if (trigger.isPresent()) {
        LabIssuer.Conditions.set(status, "Issuing", "True", trigger.get().reason(), trigger.get().message(), generation);
        event(certificate, "Normal", "Issuing", trigger.get().message());
      }
    }

    // key manager, request manager, the CA issuer's request signer and certificates-issuing
    Outcome outcome = Outcome.WAITING;
    if (isTrue(LabIssuer.condition(status, "Issuing"))) {
      outcome = issue(status, revision + 1, next);
    }
    if (outcome == Outcome.ISSUED) {
      status.setRevision(revision + 1);
      LabIssuer.Conditions.remove(status, "Issuing");
      status.setLastFailureTime(null);
      status.setFailedIssuanceAttempts(null);
      current = issuedRequest;
    }

    // certificates-readiness
    Optional<IssuancePolicies.Violation> notReady = IssuancePolicies.readiness(
        new IssuancePolicies.Input(certificate, secret, current, now));
    if (notReady.isPresent()) {
      LabIssuer.Conditions.set(status, "Ready", "False", notReady.get().reason(), notReady.get().message(), generation);
    } else {
      LabIssuer.Conditions.set(status, "Ready", "True", "Ready", "Certificate is up to date and has not expired",
          generation);
    }
    setValidity(status);

    if (!json.asJson(status).equals(original == null ? "" : json.asJson(original))) {
      certificate.setStatus(status);
      state.wrote(client.resource(certificate).updateStatus());
    }
    if (outcome == Outcome.FAILED) {
      // Only once the failure is on the Certificate: until then the request must stay usable.
      state.forgetPendingKeys(uid);
    }
    if (outcome == Outcome.ISSUED) {
      state.issued(namespace, name);
      state.forgetPendingKeys(uid);
      event(certificate, "Normal", "Issuing", "The certificate has been successfully issued");
      deleteOldRequests(revision + 1);
    }
  }

  // --- issuance ---

  private Outcome issue(CertificateStatus status, int nextRevision, CertificateRequest request) {
    KeyPair key = state.pendingKey(uid, nextRevision);
    if (request != null && obsolete(request, status, key)) {
      delete(request);
      return Outcome.WAITING;
    }
    if (request == null) {
      if (key == null) {
        key = chooseKey();
        if (key == null) {
          return Outcome.WAITING;
        }
        state.pendingKey(uid, nextRevision, key);
      }
      request = createRequest(nextRevision, key);
      event(certificate, "Normal", "Requested", "Created new CertificateRequest resource \""
          + request.getMetadata().getName() + "\"");
    }
    CertificateRequestCondition ready = requestCondition(request, "Ready");
    if (ready == null || !List.of("Issued", "Failed").contains(ready.getReason())) {
      request = sign(request);
      ready = requestCondition(request, "Ready");
    }
    if (ready != null && "Failed".equals(ready.getReason())) {
      status.setLastFailureTime(now.toString());
      status.setFailedIssuanceAttempts(status.getFailedIssuanceAttempts() == null ? 1
          : status.getFailedIssuanceAttempts() + 1);
      String message = "The certificate request has failed to complete and will be retried: " + ready.getMessage();
      LabIssuer.Conditions.set(status, "Issuing", "False", ready.getReason(), message,
          certificate.getMetadata().getGeneration());
      event(certificate, "Warning", ready.getReason(), message);
      return Outcome.FAILED;
    }
    if (ready != null && "Issued".equals(ready.getReason())) {
      writeSecret(request, key);
      issuedRequest = request;
      return Outcome.ISSUED;
    }
    return Outcome.WAITING;
  }

  /**
   * A request for the next revision that cannot complete this issuance: it failed in an earlier
   * attempt (its failure is already on the Certificate), asks for what the spec no longer says, or
   * was made for a key this controller does not hold. cert-manager's request manager deletes such
   * requests and makes a new one.
   */
  private boolean obsolete(CertificateRequest request, CertificateStatus status, KeyPair key) {
    CertificateRequestCondition ready = requestCondition(request, "Ready");
    if (ready != null && "Failed".equals(ready.getReason()) && status.getLastFailureTime() != null
        && request.getStatus().getFailureTime() != null
        && !Instant.parse(status.getLastFailureTime()).isBefore(Instant.parse(request.getStatus().getFailureTime()))) {
      return true;
    }
    if (!IssuancePolicies.requestViolations(request, certificate).isEmpty()) {
      return true;
    }
    if (ready != null && "Failed".equals(ready.getReason())) {
      return false; // a failure of this attempt, still to be recorded on the Certificate: no key needed
    }
    try {
      return key == null || !LabPki.samePublicKey(key.getPublic(),
          LabPki.parseCsr(IssuancePolicies.decode(request.getSpec().getRequest())).publicKey());
    } catch (IllegalArgumentException e) {
      return true;
    }
  }

  /**
   * cert-manager's key manager: rotationPolicy Never reuses the Secret's key unless it does not
   * meet spec.privateKey (then a warning, and nothing is issued until someone intervenes);
   * Always, the default, makes a new key. Null when there is no key to issue with.
   */
  private KeyPair chooseKey() {
    CertificatePrivateKey wanted = spec.getPrivateKey();
    String policy = wanted == null || isEmpty(wanted.getRotationPolicy()) ? "Always" : wanted.getRotationPolicy();
    LabPki.KeySpec keySpec = LabPki.KeySpec.of(wanted == null ? null : wanted.getAlgorithm(),
        wanted == null ? null : wanted.getSize());
    switch (policy) {
      case "Never" -> {
        String existing = IssuancePolicies.data(secret, "tls.key");
        if (!existing.isEmpty()) {
          try {
            KeyPair key = LabPki.parsePrivateKey(existing);
            List<String> violations = IssuancePolicies.privateKeyViolations(key, spec);
            if (!violations.isEmpty()) {
              if (state.firstWarning(uid + "/" + secret.getMetadata().getResourceVersion() + "/" + violations)) {
                event(certificate, "Warning", "CannotRegenerateKey", "User intervention required: existing private "
                    + "key in Secret \"" + spec.getSecretName() + "\" does not match requirements on Certificate "
                    + "resource, mismatching fields: [" + String.join(" ", violations) + "], but cert-manager cannot "
                    + "create new private key as the Certificate's .spec.privateKey.rotationPolicy is unset or set "
                    + "to Never. To allow cert-manager to create a new private key you can set "
                    + ".spec.privateKey.rotationPolicy to 'Always' (this will result in the private key being "
                    + "regenerated every time a cert is renewed) ");
              }
              return null;
            }
            event(certificate, "Normal", "Reused", "Reusing private key stored in existing Secret resource \""
                + spec.getSecretName() + "\"");
            return key;
          } catch (IllegalArgumentException e) {
            event(certificate, "Warning", "DecodeFailed", "Failed to decode private key stored in Secret \""
                + spec.getSecretName() + "\" - generating new key");
          }
        }
        return LabPki.generate(keySpec);
      }
      case "Always" -> {
        return LabPki.generate(keySpec);
      }
      default -> {
        return null; // cert-manager logs an unknown policy and does nothing
      }
    }
  }

  private CertificateRequest createRequest(int revision, KeyPair key) {
    String csr = LabPki.csrPem(key, IssuancePolicies.commonName(spec), IssuancePolicies.dnsNames(spec));
    ObjectReference ref = spec.getIssuerRef();
    CertificateRequest request = new CertificateRequestBuilder()
        .withNewMetadata()
          .withName(requestName(revision))
          .withNamespace(namespace)
          .addToAnnotations(IssuancePolicies.ANNOTATION_CERTIFICATE_NAME, name)
          .addToAnnotations(LabIssuer.ANNOTATION_CERTIFICATE_REVISION, Integer.toString(revision))
          .withOwnerReferences(new OwnerReferenceBuilder()
              .withApiVersion("cert-manager.io/v1").withKind("Certificate").withName(name).withUid(uid)
              .withController(true).withBlockOwnerDeletion(true).build())
        .endMetadata()
        .withNewSpec()
          .withNewIssuerRef().withGroup(ref.getGroup()).withKind(ref.getKind()).withName(ref.getName()).endIssuerRef()
          .withDuration(spec.getDuration())
          .withRequest(IssuancePolicies.encode(csr))
          .withUsages(spec.getUsages() == null || spec.getUsages().isEmpty()
              ? List.of("digital signature", "key encipherment") : spec.getUsages())
        .endSpec()
        .build();
    CertificateRequest created = client.resource(request).create();
    // cert-manager's built-in approver approves every request for cert-manager.io issuers.
    CertificateRequestStatus status = new CertificateRequestStatus();
    status.setConditions(List.of(requestCondition("Approved", "True", "cert-manager.io", APPROVED_MESSAGE)));
    created.setStatus(status);
    CertificateRequest approved = client.resource(created).updateStatus();
    state.wrote(approved);
    return approved;
  }

  /**
   * cert-manager's request controller for CA issuers: leaves the request Pending while the issuer
   * does not exist or is not Ready, fails it when the CA refuses, signs it otherwise.
   */
  private CertificateRequest sign(CertificateRequest request) {
    ObjectReference ref = request.getSpec().getIssuerRef();
    if (!IssuancePolicies.DEFAULT_GROUP.equals(IssuancePolicies.groupOf(ref.getGroup()))) {
      return request; // an external issuer's: not for this controller
    }
    String kind = IssuancePolicies.kindOf(ref.getKind());
    HasMetadata issuer = state.issuer(kind, namespace, ref.getName());
    if (issuer == null) {
      return pending(request, "IssuerNotFound", "Referenced \"" + kind + "\" not found: "
          + kind.toLowerCase(Locale.ROOT) + ".cert-manager.io \"" + ref.getName() + "\" not found");
    }
    if (!LabIssuer.isReady(LabIssuer.statusOf(issuer))) {
      return pending(request, "IssuerNotReady", "Referenced issuer does not have a Ready status condition");
    }
    var issuerSpec = LabIssuer.specOf(issuer);
    if (issuerSpec == null || issuerSpec.getCa() == null) {
      return request; // not a CA issuer: nothing here signs for it
    }
    Map<String, String> annotations = issuer.getMetadata().getAnnotations();
    String refusal = annotations == null ? null : annotations.get(LabIssuer.REFUSE_ANNOTATION);
    if (refusal != null) {
      return failed(request, "ErrorSigning", refusal);
    }
    String caNamespace = issuer instanceof io.fabric8.certmanager.api.model.v1.ClusterIssuer ? LabIssuer.CA_NAMESPACE
        : namespace;
    IssuerReadiness.CaKeyPair ca;
    try {
      ca = IssuerReadiness.keyPair(state.secret(caNamespace, issuerSpec.getCa().getSecretName()),
          issuerSpec.getCa().getSecretName());
    } catch (IssuerReadiness.KeyPairException e) {
      return pending(request, "Pending", "Error getting keypair for CA issuer: " + e.getMessage());
    }
    LabPki.Csr csr;
    try {
      csr = LabPki.parseCsr(IssuancePolicies.decode(request.getSpec().getRequest()));
    } catch (IllegalArgumentException e) {
      return failed(request, "ErrorParsingCSR", "Failed to decode CSR in spec.request: " + e.getMessage());
    }
    java.time.Duration duration = request.getSpec().getDuration() == null ? IssuancePolicies.DEFAULT_DURATION
        : request.getSpec().getDuration().getDuration();
    X509Certificate leaf = LabPki.signServer(csr.publicKey(), csr.commonName(), csr.dnsNames(), now, now.plus(duration),
        ca.chain().get(0), ca.key().getPrivate());
    // As cert-manager's CA issuer: the chain without a self-signed root in tls.crt, the root (or
    // else the last certificate of the chain) as the CA.
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    chain.addAll(ca.chain());
    X509Certificate root = chain.get(chain.size() - 1);
    if (LabPki.isSelfSigned(root)) {
      chain.remove(chain.size() - 1);
    }
    CertificateRequest signed = withStatus(json.clone(request));
    signed.getStatus().setCertificate(IssuancePolicies.encode(LabPki.certificatePem(chain)));
    signed.getStatus().setCa(IssuancePolicies.encode(LabPki.certificatePem(root)));
    setRequestCondition(signed, requestCondition("Ready", "True", "Issued", "Certificate fetched from issuer successfully"));
    CertificateRequest updated = client.resource(signed).updateStatus();
    state.wrote(updated);
    event(updated, "Normal", "CertificateIssued", "Certificate fetched from issuer successfully");
    return updated;
  }

  private CertificateRequest pending(CertificateRequest request, String reason, String message) {
    CertificateRequestCondition ready = requestCondition(request, "Ready");
    if (ready != null && "Pending".equals(ready.getReason()) && message.equals(ready.getMessage())) {
      return request;
    }
    CertificateRequest pending = json.clone(request);
    setRequestCondition(pending, requestCondition("Ready", "False", "Pending", message));
    CertificateRequest updated = client.resource(pending).updateStatus();
    state.wrote(updated);
    event(updated, "Normal", reason, message);
    return updated;
  }

  private CertificateRequest failed(CertificateRequest request, String reason, String message) {
    CertificateRequest failed = withStatus(json.clone(request));
    failed.getStatus().setFailureTime(now.toString());
    setRequestCondition(failed, requestCondition("Ready", "False", "Failed", message));
    CertificateRequest updated = client.resource(failed).updateStatus();
    state.wrote(updated);
    event(updated, "Warning", reason, message);
    return updated;
  }

  /**
   * cert-manager's issuing controller's Secret: the signed chain, the key (PKCS#1/SEC 1 unless
   * spec.privateKey.encoding is PKCS8), the CA, its annotations and label; the Secret's type and
   * everything else on it are kept.
   */
  private void writeSecret(CertificateRequest request, KeyPair key) {
    boolean pkcs8 = spec.getPrivateKey() != null && "PKCS8".equals(spec.getPrivateKey().getEncoding());
    String chainPem = IssuancePolicies.decode(request.getStatus().getCertificate());
    X509Certificate leaf = LabPki.parseCertificates(chainPem).get(0);
    Map<String, String> data = new LinkedHashMap<>();
    data.put("tls.crt", request.getStatus().getCertificate());
    data.put("tls.key", IssuancePolicies.encode(LabPki.privateKeyPem(key.getPrivate(), pkcs8)));
    if (!isEmpty(request.getStatus().getCa())) {
      data.put("ca.crt", request.getStatus().getCa());
    }
    ObjectReference ref = request.getSpec().getIssuerRef();
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("cert-manager.io/common-name", LabPki.commonName(leaf));
    annotations.put("cert-manager.io/alt-names", String.join(",", LabPki.dnsNames(leaf)));
    annotations.put("cert-manager.io/ip-sans", "");
    annotations.put("cert-manager.io/uri-sans", "");
    annotations.put(IssuancePolicies.ANNOTATION_CERTIFICATE_NAME, name);
    annotations.put(IssuancePolicies.ANNOTATION_ISSUER_NAME, nullToEmpty(ref.getName()));
    annotations.put(IssuancePolicies.ANNOTATION_ISSUER_KIND, nullToEmpty(ref.getKind()));
    annotations.put(IssuancePolicies.ANNOTATION_ISSUER_GROUP, nullToEmpty(ref.getGroup()));
    if (spec.getSecretTemplate() != null) {
      if (spec.getSecretTemplate().getAnnotations() != null) {
        annotations.putAll(spec.getSecretTemplate().getAnnotations());
      }
    }
    Secret written;
    if (secret == null) {
      Map<String, String> labels = new HashMap<>();
      if (spec.getSecretTemplate() != null && spec.getSecretTemplate().getLabels() != null) {
        labels.putAll(spec.getSecretTemplate().getLabels());
      }
      labels.put(LabIssuer.LABEL_PART_OF_CERT_MANAGER, "true");
      written = client.resource(new SecretBuilder()
          .withNewMetadata().withName(spec.getSecretName()).withNamespace(namespace)
            .withAnnotations(annotations).withLabels(labels).endMetadata()
          .withType("kubernetes.io/tls")
          .withData(data)
          .build()).create();
    } else {
      Secret updated = json.clone(secret);
      Map<String, String> allData = updated.getData() == null ? new HashMap<>() : new HashMap<>(updated.getData());
      allData.putAll(data);
      updated.setData(allData);
      Map<String, String> allAnnotations = updated.getMetadata().getAnnotations() == null ? new HashMap<>()
          : new HashMap<>(updated.getMetadata().getAnnotations());
      allAnnotations.putAll(annotations);
      updated.getMetadata().setAnnotations(allAnnotations);
      Map<String, String> labels = updated.getMetadata().getLabels() == null ? new HashMap<>()
          : new HashMap<>(updated.getMetadata().getLabels());
      if (spec.getSecretTemplate() != null && spec.getSecretTemplate().getLabels() != null) {
        labels.putAll(spec.getSecretTemplate().getLabels());
      }
      labels.put(LabIssuer.LABEL_PART_OF_CERT_MANAGER, "true");
      updated.getMetadata().setLabels(labels);
      if (json.asJson(updated).equals(json.asJson(secret))) {
        return; // written in an earlier pass whose status update did not go through
      }
      written = client.resource(updated).update();
    }
    state.wrote(written);
    secret = written;
  }

  private void deleteOldRequests(int latestRevision) {
    int keep = spec.getRevisionHistoryLimit() == null ? 1 : Math.max(1, spec.getRevisionHistoryLimit());
    for (CertificateRequest request : state.requests.getStore().list()) {
      if (!namespace.equals(request.getMetadata().getNamespace()) || !ownedByThis(request)) {
        continue;
      }
      String revision = request.getMetadata().getAnnotations() == null ? null
          : request.getMetadata().getAnnotations().get(LabIssuer.ANNOTATION_CERTIFICATE_REVISION);
      if (revision != null && Integer.parseInt(revision) <= latestRevision - keep) {
        delete(request);
      }
    }
  }

  // --- the Certificate's status ---

  private boolean backingOff(CertificateStatus status, CertificateRequest next) {
    if (status.getLastFailureTime() == null) {
      return false;
    }
    if (next != null && !IssuancePolicies.requestViolations(next, certificate).isEmpty()) {
      return false; // the spec changed since the failed attempt: retry at once
    }
    Instant retryAt = Instant.parse(status.getLastFailureTime())
        .plus(LabIssuer.retryDelay(state.retryAfterFailure, status.getFailedIssuanceAttempts()));
    return now.isBefore(retryAt);
  }

  private void setValidity(CertificateStatus status) {
    try {
      X509Certificate leaf = LabPki.parseCertificates(IssuancePolicies.data(secret, "tls.crt")).get(0);
      status.setNotBefore(leaf.getNotBefore().toInstant().toString());
      status.setNotAfter(leaf.getNotAfter().toInstant().toString());
      status.setRenewalTime(IssuancePolicies.renewalTime(leaf, spec).toString());
    } catch (IllegalArgumentException e) {
      status.setNotBefore(null);
      status.setNotAfter(null);
      status.setRenewalTime(null);
    }
  }

  // --- helpers ---

  private String requestName(int revision) {
    return name + "-" + revision;
  }

  private CertificateRequest ownedRequest(int revision) {
    CertificateRequest request = state.request(namespace, requestName(revision));
    return request != null && ownedByThis(request) ? request : null;
  }

  private boolean ownedByThis(CertificateRequest request) {
    return request.getMetadata().getOwnerReferences() != null && request.getMetadata().getOwnerReferences().stream()
        .anyMatch(o -> uid.equals(o.getUid()));
  }

  private void delete(CertificateRequest request) {
    try {
      client.resource(request).delete();
    } catch (KubernetesClientException e) {
      // already gone
    }
  }

  private static CertificateRequest withStatus(CertificateRequest request) {
    if (request.getStatus() == null) {
      request.setStatus(new CertificateRequestStatus());
    }
    return request;
  }

  private static CertificateRequestCondition requestCondition(CertificateRequest request, String type) {
    return request.getStatus() == null || request.getStatus().getConditions() == null ? null
        : request.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private CertificateRequestCondition requestCondition(String type, String value, String reason, String message) {
    CertificateRequestCondition condition = new CertificateRequestCondition();
    condition.setType(type);
    condition.setStatus(value);
    condition.setReason(reason);
    condition.setMessage(message);
    condition.setLastTransitionTime(now.toString());
    return condition;
  }

  private static void setRequestCondition(CertificateRequest request, CertificateRequestCondition condition) {
    if (request.getStatus() == null) {
      request.setStatus(new CertificateRequestStatus());
    }
    List<CertificateRequestCondition> conditions = request.getStatus().getConditions() == null ? new ArrayList<>()
        : new ArrayList<>(request.getStatus().getConditions());
    CertificateRequestCondition existing = conditions.stream().filter(c -> condition.getType().equals(c.getType()))
        .findFirst().orElse(null);
    if (existing == null) {
      conditions.add(condition);
    } else {
      if (Objects.equals(existing.getStatus(), condition.getStatus())) {
        condition.setLastTransitionTime(existing.getLastTransitionTime());
      }
      conditions.set(conditions.indexOf(existing), condition);
    }
    request.getStatus().setConditions(conditions);
  }

  private static boolean isTrue(CertificateCondition condition) {
    return condition != null && "True".equals(condition.getStatus());
  }

  /** A Kubernetes Event about the object, as cert-manager's controllers record them. */
  private void event(HasMetadata about, String type, String reason, String message) {
    try {
      client.v1().events().inNamespace(namespace).resource(new EventBuilder()
          .withNewMetadata().withName(about.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
            .withNamespace(namespace).endMetadata()
          .withInvolvedObject(new ObjectReferenceBuilder()
              .withApiVersion(about.getApiVersion()).withKind(about.getKind())
              .withNamespace(namespace).withName(about.getMetadata().getName()).withUid(about.getMetadata().getUid())
              .build())
          .withType(type).withReason(reason).withMessage(message)
          .withFirstTimestamp(now.toString()).withLastTimestamp(now.toString()).withCount(1)
          .withNewSource().withComponent("cert-manager").endSource()
          .build()).create();
    } catch (KubernetesClientException e) {
      // events are informational only
    }
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
