package io.securemail.lab.certmanager;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.CertificateRequest;
import io.fabric8.certmanager.api.model.v1.ClusterIssuer;
import io.fabric8.certmanager.api.model.v1.Issuer;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CustomResourceInfo;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.model.Scope;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * cert-manager's CRDs (Certificate, CertificateRequest, Issuer, ClusterIssuer; group cert-manager.io,
 * version v1) for the lab's API server.
 *
 * <p>The lab downloads nothing, so rather than cert-manager's published manifests these CRDs are
 * generated at lab start from Fabric8's cert-manager model classes, with Fabric8's CRD generator. That
 * keeps field names and types equal to what a client built on that model sends, and the schema is
 * structural, so the API server prunes unknown fields as it would with the real CRDs. Like the real
 * CRDs they declare the status subresource, which cert-manager's controllers and {@code cmctl renew}
 * write through. What they lack are the real CRDs' printer columns and validation patterns.
 */
final class CertManagerCrds {

  private static final String GROUP = "cert-manager.io";
  private static final String VERSION = "v1";

  /*
   * Described by hand rather than by CustomResourceInfo.fromClass, which instantiates each class and
   * expects metadata the model's plain constructors leave unset. Names, short names and scopes are
   * those of the real CRDs.
   */
  private static final List<CustomResourceInfo> KINDS = List.of(
      kind(Certificate.class, "certificate", "certificates", Scope.NAMESPACED, "cert", "certs"),
      kind(CertificateRequest.class, "certificaterequest", "certificaterequests", Scope.NAMESPACED, "cr", "crs"),
      kind(Issuer.class, "issuer", "issuers", Scope.NAMESPACED),
      kind(ClusterIssuer.class, "clusterissuer", "clusterissuers", Scope.CLUSTER));

  private CertManagerCrds() {}

  /** The four CRDs, generated from the model classes. */
  static List<CustomResourceDefinition> generate() {
    Map<String, ByteArrayOutputStream> outputs = new LinkedHashMap<>();
    new CRDGenerator()
        .forCRDVersions("v1")
        .withOutput(new CRDGenerator.CRDOutput<ByteArrayOutputStream>() {
          @Override
          public ByteArrayOutputStream outputFor(String crdName) {
            return outputs.computeIfAbsent(crdName, n -> new ByteArrayOutputStream());
          }

          @Override
          public void close() {
            // in memory: nothing to close
          }
        })
        .customResources(KINDS)
        .generate();
    List<CustomResourceDefinition> crds = new ArrayList<>();
    for (ByteArrayOutputStream out : outputs.values()) {
      crds.add(new KubernetesSerialization().unmarshal(out.toString(StandardCharsets.UTF_8), CustomResourceDefinition.class));
    }
    if (crds.size() != KINDS.size()) {
      throw new IllegalStateException("expected " + KINDS.size() + " cert-manager CRDs, generated " + crds.size());
    }
    return crds;
  }

  private static CustomResourceInfo kind(Class<? extends HasMetadata> type, String singular, String plural, Scope scope,
      String... shortNames) {
    String name = type.getName();
    return new CustomResourceInfo(GROUP, VERSION, type.getSimpleName(), singular, plural, shortNames,
        new String[] {"cert-manager"}, true, true, false, null, scope, type, name, name + "Spec", name + "Status",
        new String[0], new String[0]);
  }

  /** Installs (or updates) the CRDs and waits until the API server serves each of them. */
  static void install(KubernetesClient client) {
    for (CustomResourceDefinition crd : generate()) {
      client.resource(crd).forceConflicts().serverSideApply();
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream()
              .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
              30, TimeUnit.SECONDS);
    }
  }
}
