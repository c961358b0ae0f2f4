package io.securemail.operator.certs;

import io.securemail.operator.dns.Tlsa;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.api.CertificatesSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.Labels;
import io.securemail.operator.kube.OwnerReferences;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Secrets of the MX lineages and the serving Secret the MTA mounts. A lineage Secret is
 * created by the operator holding only its key (type kubernetes.io/tls, as cert-manager writes it:
 * a Secret's type cannot change later); cert-manager adds the certificate for that key.
 */
public final class LineageSecrets {

  /** Which lineage the serving Secret holds; read by people, not by the operator. */
  public static final String LINEAGE_ANNOTATION = "securemail.io/lineage";

  private LineageSecrets() {}

  /**
   * The key Secrets of {@code domain} as one reconcile reads them: made once per reconcile and given
   * to each of its parts that reads them (the certificates step, the MTA's check of the served key).
   */
  public static SecretReads readsFor(KubernetesClient client, SecureMailDomain domain) {
    return new SecretReads(client, domain.getMetadata().getNamespace());
  }

  /**
   * The lineage's keys; a missing Secret (or one without a readable key) gets a fresh key. An
   * existing key is never replaced here: only {@link #regenerate} does that, when the rollover says.
   */
  public static LineageKeys ensure(SecretReads secrets, SecureMailDomain domain, String lineage) {
    LineageKeys keys = LineageKeys.of(secrets.get(CertNames.lineage(domain, lineage)));
    if (keys.hasKey()) {
      return keys;
    }
    return regenerate(secrets, domain, lineage);
  }

  /**
   * Deletes both lineages' Secrets and the serving Secret: the private keys of MX hosts the domain
   * no longer has (it attached to a MailTransport, whose fleet has its own). Whether all three are
   * gone afterwards (one written again meanwhile, by a cert-manager still issuing, is not).
   */
  public static boolean deleteAll(SecretReads secrets, SecureMailDomain domain) {
    List<String> names = List.of(CertNames.lineage(domain, CertNames.LINEAGE_A),
        CertNames.lineage(domain, CertNames.LINEAGE_B), CertNames.serving(domain));
    names.forEach(secrets::delete);
    return names.stream().allMatch(name -> secrets.get(name) == null);
  }

  /** A fresh key in the lineage's Secret, and no certificate, so cert-manager issues one for it. */
  public static LineageKeys regenerate(SecretReads secrets, SecureMailDomain domain, String lineage) {
    CertificatesSpec spec = domain.getSpec().getCertificates();
    var pair = KeyPairs.generate(spec.getKeyAlgorithm(), spec.getRsaKeySize());
    Map<String, String> data = new LinkedHashMap<>();
    data.put(LineageKeys.TLS_KEY, encode(KeyPairs.toPem(pair.getPrivate())));
    data.put(LineageKeys.TLS_CRT, "");
    String name = CertNames.lineage(domain, lineage);
    Secret existing = secrets.get(name);
    if (existing == null) {
      secrets.create(new SecretBuilder()
          .withNewMetadata()
            .withName(name).withNamespace(domain.getMetadata().getNamespace())
            .withLabels(Labels.forDomain(domain))
            .withOwnerReferences(OwnerReferences.to(domain))
          .endMetadata()
          .withType("kubernetes.io/tls")
          .withData(data)
          .build());
    } else {
      existing.setData(data);
      secrets.update(existing);
    }
    return new LineageKeys(Tlsa.spkiSha256(pair.getPublic()), KeyPairs.algorithmOf(pair.getPublic()),
        KeyPairs.bitsOf(pair.getPublic()), null, false);
  }

  /**
   * The lineage whose key the serving Secret holds now (its lineage annotation, confirmed by the
   * key), or null when there is no serving Secret or it holds neither lineage's key.
   */
  static String servedLineage(SecretReads secrets, SecureMailDomain domain, Map<String, LineageKeys> keys) {
    Secret serving = secrets.get(CertNames.serving(domain));
    if (serving == null || serving.getMetadata().getAnnotations() == null) {
      return null;
    }
    String lineage = serving.getMetadata().getAnnotations().get(LINEAGE_ANNOTATION);
    LineageKeys held = LineageKeys.of(serving);
    LineageKeys own = lineage == null ? null : keys.get(lineage);
    return own != null && held.spki() != null && held.spki().equals(own.spki()) ? lineage : null;
  }

  /**
   * Puts the lineage's certificate and key into the serving Secret, if they differ. Only a
   * certificate issued for the lineage's key, and only the key the rollover expects in that lineage,
   * is ever copied, so the MTA never gets a key without
   * its certificate (or the reverse).
   *
   * @return true when the serving Secret was written
   */
  public static boolean serve(SecretReads secrets, SecureMailDomain domain, String lineage, String expectedSpki) {
    Secret source = secrets.get(CertNames.lineage(domain, lineage));
    LineageKeys keys = LineageKeys.of(source);
    if (!keys.certificateMatchesKey() || !keys.spki().equals(expectedSpki)) {
      return false;
    }
    Map<String, String> data = new LinkedHashMap<>();
    for (String key : new String[] {LineageKeys.TLS_CRT, LineageKeys.TLS_KEY, LineageKeys.CA_CRT}) {
      String value = source.getData().get(key);
      if (value != null) {
        data.put(key, value);
      }
    }
    String name = CertNames.serving(domain);
    Secret existing = secrets.get(name);
    if (existing != null && Objects.equals(existing.getData(), data)) {
      return false;
    }
    Secret serving = new SecretBuilder()
        .withNewMetadata()
          .withName(name).withNamespace(domain.getMetadata().getNamespace())
          .withLabels(Labels.forDomain(domain))
          .withAnnotations(Map.of(LINEAGE_ANNOTATION, lineage))
          .withOwnerReferences(OwnerReferences.to(domain))
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(data)
        .build();
    if (existing == null) {
      secrets.create(serving);
    } else {
      existing.setData(data);
      Map<String, String> annotations = new LinkedHashMap<>();
      if (existing.getMetadata().getAnnotations() != null) {
        annotations.putAll(existing.getMetadata().getAnnotations());
      }
      annotations.put(LINEAGE_ANNOTATION, lineage);
      existing.getMetadata().setAnnotations(annotations);
      secrets.update(existing);
    }
    return true;
  }

  static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
