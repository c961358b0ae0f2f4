package io.securemail.lab.certmanager;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.CertificatePrivateKey;
import io.fabric8.certmanager.api.model.v1.CertificateRequest;
import io.fabric8.certmanager.api.model.v1.CertificateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.securemail.lab.support.LabPki;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * cert-manager's policy checks on a Certificate and its Secret, in cert-manager's order, with its
 * reasons and messages (cert-manager's internal/controller/certificates/policies: checks.go,
 * constants.go, policies.go). The first check that fails decides:
 * <ul>
 *   <li>the trigger chain whether a new certificate must be issued (the Issuing condition's reason
 *       and message when it is set to True);
 *   <li>the readiness chain whether the Certificate is Ready (the Ready condition's reason and
 *       message when False; "Ready" / "Certificate is up to date and has not expired" otherwise).
 * </ul>
 * Not mimicked: the keystore, secretTemplate, additional-output-format and owner-reference checks,
 * which only re-write the Secret's metadata after issuance, and ACME renewal information.
 */
final class IssuancePolicies {

  static final String DEFAULT_GROUP = "cert-manager.io";
  static final String DEFAULT_KIND = "Issuer";
  static final Duration DEFAULT_DURATION = Duration.ofDays(90);

  static final String ANNOTATION_CERTIFICATE_NAME = "cert-manager.io/certificate-name";
  static final String ANNOTATION_ISSUER_NAME = "cert-manager.io/issuer-name";
  static final String ANNOTATION_ISSUER_KIND = "cert-manager.io/issuer-kind";
  static final String ANNOTATION_ISSUER_GROUP = "cert-manager.io/issuer-group";

  /** Go's time.Time String() in UTC, as cert-manager's messages print times. */
  private static final DateTimeFormatter GO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss '+0000 UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  /** Go's time.RFC1123 in UTC. */
  private static final DateTimeFormatter RFC1123 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private IssuancePolicies() {}

  /** A failed check: the condition reason and message cert-manager sets for it. */
  record Violation(String reason, String message) {}

  /**
   * What the checks look at: the Certificate, its Secret (null if missing), the CertificateRequest
   * of the current revision (null if none) and the time.
   */
  record Input(Certificate certificate, Secret secret, CertificateRequest currentRequest, Instant now) {}

  private static final List<Function<Input, Optional<Violation>>> COMMON = List.of(
      IssuancePolicies::secretDoesNotExist,
      IssuancePolicies::secretIsMissingData,
      IssuancePolicies::secretPublicKeysDiffer,
      IssuancePolicies::secretIssuerAnnotationsMismatch,
      IssuancePolicies::secretCertificateNameAnnotationMismatch,
      IssuancePolicies::secretPrivateKeyMismatchesSpec,
      IssuancePolicies::secretPublicKeyDiffersFromCurrentRequest,
      IssuancePolicies::currentRequestMismatchesSpec);

  /** cert-manager's NewTriggerPolicyChain: the common checks, then "nearing expiry". */
  static Optional<Violation> trigger(Input input) {
    return evaluate(input, IssuancePolicies::nearingExpiry);
  }

  /** cert-manager's NewReadinessPolicyChain: the common checks, then "has expired". */
  static Optional<Violation> readiness(Input input) {
    return evaluate(input, IssuancePolicies::hasExpired);
  }

  private static Optional<Violation> evaluate(Input input, Function<Input, Optional<Violation>> last) {
    List<Function<Input, Optional<Violation>>> chain = new ArrayList<>(COMMON);
    chain.add(last);
    for (Function<Input, Optional<Violation>> check : chain) {
      Optional<Violation> violation = check.apply(input);
      if (violation.isPresent()) {
        return violation;
      }
    }
    return Optional.empty();
  }

  // --- the checks ---

  private static Optional<Violation> secretDoesNotExist(Input in) {
    return in.secret() == null
        ? violation("DoesNotExist", "Issuing certificate as Secret does not exist")
        : Optional.empty();
  }

  private static Optional<Violation> secretIsMissingData(Input in) {
    if (in.secret().getData() == null) {
      return violation("MissingData", "Issuing certificate as Secret does not contain any data");
    }
    if (data(in.secret(), "tls.key").isEmpty()) {
      return violation("MissingData", "Issuing certificate as Secret does not contain a private key");
    }
    if (data(in.secret(), "tls.crt").isEmpty()) {
      return violation("MissingData", "Issuing certificate as Secret does not contain a certificate");
    }
    return Optional.empty();
  }

  private static Optional<Violation> secretPublicKeysDiffer(Input in) {
    return withSecretKey(in, key -> withSecretCertificate(in, certificate ->
        LabPki.samePublicKey(certificate.getPublicKey(), key.getPublic())
            ? Optional.empty()
            : violation("InvalidKeyPair", "Issuing certificate as Secret contains a private key that does not match "
                + "the certificate")));
  }

  /** Runs {@code check} on the Secret's private key, or reports the key unreadable as cert-manager does. */
  private static Optional<Violation> withSecretKey(Input in, Function<KeyPair, Optional<Violation>> check) {
    KeyPair key;
    try {
      key = LabPki.parsePrivateKey(data(in.secret(), "tls.key"));
    } catch (IllegalArgumentException e) {
      return violation("InvalidKeyPair", "Issuing certificate as Secret contains invalid private key data: "
          + e.getMessage());
    }
    return check.apply(key);
  }

  /** Runs {@code check} on the Secret's leaf certificate, or reports it unreadable as cert-manager does. */
  private static Optional<Violation> withSecretCertificate(Input in,
      Function<X509Certificate, Optional<Violation>> check) {
    X509Certificate certificate;
    try {
      certificate = LabPki.parseCertificates(data(in.secret(), "tls.crt")).get(0);
    } catch (IllegalArgumentException e) {
      return violation("InvalidCertificate", "Issuing certificate as Secret contains an invalid certificate: "
          + e.getMessage());
    }
    return check.apply(certificate);
  }

  /*
   * Mirrors cert-manager's condition exactly, including its operator precedence: the name is only
   * compared when one of the annotations is present, but kind and group always are, with "" read
   * as Issuer / cert-manager.io. So a Secret without issuer annotations counts as issued by an
   * Issuer, and a Certificate referring to a ClusterIssuer is re-issued into it.
   */
  private static Optional<Violation> secretIssuerAnnotationsMismatch(Input in) {
    Map<String, String> annotations = annotations(in.secret());
    String name = annotations.get(ANNOTATION_ISSUER_NAME);
    String kind = annotations.get(ANNOTATION_ISSUER_KIND);
    String group = annotations.get(ANNOTATION_ISSUER_GROUP);
    var ref = in.certificate().getSpec().getIssuerRef();
    boolean anyPresent = name != null || kind != null || group != null;
    if (anyPresent && !Objects.equals(nullToEmpty(name), ref.getName())
        || !kindOf(kind).equals(kindOf(ref.getKind()))
        || !groupOf(group).equals(groupOf(ref.getGroup()))) {
      return violation("IncorrectIssuer", "Issuing certificate as Secret was previously issued by \""
          + kindOf(kind) + "." + groupOf(group) + "/" + nullToEmpty(name) + "\"");
    }
    return Optional.empty();
  }

  private static Optional<Violation> secretCertificateNameAnnotationMismatch(Input in) {
    String name = annotations(in.secret()).get(ANNOTATION_CERTIFICATE_NAME);
    if (name != null && !name.equals(in.certificate().getMetadata().getName())) {
      return violation("IncorrectCertificate", "Secret was issued for \"" + name + "\". If this message is not "
          + "transient, you might have two conflicting Certificates pointing to the same secret.");
    }
    return Optional.empty();
  }

  private static Optional<Violation> secretPrivateKeyMismatchesSpec(Input in) {
    return withSecretKey(in, key -> {
      List<String> violations = privateKeyViolations(key, in.certificate().getSpec());
      return violations.isEmpty()
          ? Optional.empty()
          : violation("SecretMismatch", "Existing private key is not up to date for spec: " + goList(violations));
    });
  }

  private static Optional<Violation> secretPublicKeyDiffersFromCurrentRequest(Input in) {
    if (in.currentRequest() == null) {
      return Optional.empty();
    }
    return withSecretKey(in, key -> {
      PublicKey requested;
      try {
        requested = LabPki.parseCsr(decode(in.currentRequest().getSpec().getRequest())).publicKey();
      } catch (IllegalArgumentException e) {
        return violation("InvalidCertificateRequest", "Failed to decode current CertificateRequest: "
            + e.getMessage());
      }
      return LabPki.samePublicKey(requested, key.getPublic())
          ? Optional.empty()
          : violation("SecretMismatch", "Secret contains a private key that does not match the current "
              + "CertificateRequest");
    });
  }

  private static Optional<Violation> currentRequestMismatchesSpec(Input in) {
    CertificateSpec spec = in.certificate().getSpec();
    if (in.currentRequest() == null) {
      // cert-manager's fallback when the request is gone: compare the issued certificate's names.
      return withSecretCertificate(in, certificate -> {
        List<String> violations = new ArrayList<>();
        if (!isEmpty(spec.getCommonName()) && !spec.getCommonName().equals(LabPki.commonName(certificate))) {
          violations.add("spec.commonName");
        }
        if (!sameNames(LabPki.dnsNames(certificate), dnsNames(spec))) {
          violations.add("spec.dnsNames");
        }
        return violations.isEmpty()
            ? Optional.empty()
            : violation("SecretMismatch", "Issuing certificate as Existing issued Secret is not up to date for "
                + "spec: " + goList(violations));
      });
    }
    List<String> violations = requestViolations(in.currentRequest(), in.certificate());
    return violations.isEmpty()
        ? Optional.empty()
        : violation("RequestChanged", "Fields on existing CertificateRequest resource not up to date: "
            + goList(violations));
  }

  private static Optional<Violation> nearingExpiry(Input in) {
    return withSecretCertificate(in, certificate -> {
      Instant renewal = renewalTime(certificate, in.certificate().getSpec());
      if (renewal.isAfter(in.now())) {
        return Optional.empty();
      }
      var status = in.certificate().getStatus();
      String scheduled = status == null || status.getRenewalTime() == null
          ? "<nil>" : GO_TIME.format(Instant.parse(status.getRenewalTime()));
      return violation("Renewing", "Renewing certificate as renewal was scheduled at " + scheduled);
    });
  }

  private static Optional<Violation> hasExpired(Input in) {
    return withSecretCertificate(in, certificate -> in.now().isAfter(certificate.getNotAfter().toInstant())
        ? violation("Expired", "Certificate expired on " + RFC1123.format(certificate.getNotAfter().toInstant()))
        : Optional.empty());
  }

  // --- the rules behind them ---

  /**
   * cert-manager's pki.RenewalTime: renew a third of the certificate's lifetime before it ends, or
   * spec.renewBefore before when that is shorter than the lifetime, or else renewBeforePercentage
   * percent of the lifetime before; truncated to the second.
   */
  static Instant renewalTime(X509Certificate certificate, CertificateSpec spec) {
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    Duration lifetime = Duration.between(notBefore, notAfter);
    Duration renewBefore = lifetime.dividedBy(3);
    Duration override = spec.getRenewBefore() == null ? null : spec.getRenewBefore().getDuration();
    if (override != null && override.compareTo(lifetime) < 0) {
      renewBefore = override;
    } else if (spec.getRenewBeforePercentage() != null) {
      renewBefore = lifetime.multipliedBy(spec.getRenewBeforePercentage()).dividedBy(100);
    }
    return notAfter.minus(renewBefore).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  }

  /** cert-manager's pki.PrivateKeyMatchesSpec: the spec.privateKey fields the key does not meet. */
  static List<String> privateKeyViolations(KeyPair key, CertificateSpec spec) {
    CertificatePrivateKey wanted = spec.getPrivateKey();
    LabPki.KeySpec want = LabPki.KeySpec.of(wanted == null ? null : wanted.getAlgorithm(),
        wanted == null ? null : wanted.getSize());
    LabPki.KeySpec have = LabPki.KeySpec.of(key.getPrivate());
    if (!want.algorithm().equals(have.algorithm())) {
      return List.of("spec.privateKey.algorithm");
    }
    return want.size() != have.size() ? List.of("spec.privateKey.size") : List.of();
  }

  /** The fields of cert-manager's pki.RequestMatchesSpec that the lab's requests carry. */
  static List<String> requestViolations(CertificateRequest request, Certificate certificate) {
    CertificateSpec spec = certificate.getSpec();
    List<String> violations = new ArrayList<>();
    var ref = request.getSpec().getIssuerRef();
    var want = spec.getIssuerRef();
    if (ref == null || !Objects.equals(ref.getName(), want.getName()) || !kindOf(ref.getKind()).equals(
        kindOf(want.getKind())) || !groupOf(ref.getGroup()).equals(groupOf(want.getGroup()))) {
      violations.add("spec.issuerRef");
    }
    Duration requested = request.getSpec().getDuration() == null ? DEFAULT_DURATION
        : request.getSpec().getDuration().getDuration();
    if (!requested.equals(duration(spec))) {
      violations.add("spec.duration");
    }
    LabPki.Csr csr;
    try {
      csr = LabPki.parseCsr(decode(request.getSpec().getRequest()));
    } catch (IllegalArgumentException e) {
      return List.of(); // as cert-manager: an unreadable request does not by itself trigger re-issuance
    }
    if (!csr.commonName().equals(commonName(spec))) {
      violations.add("spec.commonName");
    }
    if (!sameNames(csr.dnsNames(), dnsNames(spec))) {
      violations.add("spec.dnsNames");
    }
    return violations;
  }

  // --- helpers shared with LabIssuer ---

  static Duration duration(CertificateSpec spec) {
    return spec.getDuration() == null || spec.getDuration().getDuration() == null ? DEFAULT_DURATION
        : spec.getDuration().getDuration();
  }

  static List<String> dnsNames(CertificateSpec spec) {
    return spec.getDnsNames() == null ? List.of()
        : spec.getDnsNames().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
  }

  /** The subject common name the lab puts in a certificate: spec.commonName, else the first DNS name. */
  static String commonName(CertificateSpec spec) {
    if (!isEmpty(spec.getCommonName())) {
      return spec.getCommonName();
    }
    List<String> names = dnsNames(spec);
    return names.isEmpty() ? "" : names.get(0);
  }

  static String kindOf(String kind) {
    return isEmpty(kind) ? DEFAULT_KIND : kind;
  }

  static String groupOf(String group) {
    return isEmpty(group) ? DEFAULT_GROUP : group;
  }

  static boolean sameNames(List<String> a, List<String> b) {
    return a.size() == b.size() && new HashSet<>(a).equals(new HashSet<>(b));
  }

  /** A Secret data entry, decoded; "" when absent. */
  static String data(Secret secret, String key) {
    Map<String, String> data = secret == null ? null : secret.getData();
    String value = data == null ? null : data.get(key);
    return value == null ? "" : decode(value);
  }

  static String decode(String base64) {
    return base64 == null ? "" : new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> annotations(Secret secret) {
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** A Go slice printed with %v: [a b]. */
  private static String goList(List<String> items) {
    return "[" + String.join(" ", items) + "]";
  }

  private static Optional<Violation> violation(String reason, String message) {
    return Optional.of(new Violation(reason, message));
  }
}
