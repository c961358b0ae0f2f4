package io.securemail.operator.api;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.List;

/**
 * How the SecureMailDomain CRD presents itself to kubectl, applied when the build generates it:
 *
 * <ul>
 *   <li>{@code kubectl get smd} shows Domain, Ready, Compliant, Age, in that order (the
 *       generator sorts columns by JSON path), and {@code -o wide} adds Ready's reason and
 *       message, as cert-manager does for its Certificates;
 *   <li>the category {@code securemail} ({@code kubectl get securemail});
 *   <li>descriptions for {@code kubectl explain} of the kind, its spec and its status, which the
 *       generator cannot take from the class (spec and status are fields of its superclass).
 * </ul>
 */
public class CrdPresentation implements CRDPostProcessor {

  static final String DESCRIPTION = "A mail domain whose transport security the operator owns and keeps "
      + "verified from the outside: certificates for its MX hosts and mta-sts host, DANE TLSA records with "
      + "key rollovers that never break DANE, an MTA-STS policy and its hosting, the TLS-RPT record, "
      + "optionally a TLS-enforcing MTA, and continuous compliance checks.";

  @Override
  public HasMetadata process(HasMetadata resource, String crdSpecVersion) {
    if (!(resource instanceof CustomResourceDefinition crd)) {
      return resource;
    }
    if (crd.getSpec().getNames().getKind().equals("MailTransport")) {
      return presentTransport(crd);
    }
    if (!crd.getSpec().getNames().getKind().equals("SecureMailDomain")) {
      return resource;
    }
    crd.getSpec().getNames().setCategories(List.of("securemail"));
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      version.setAdditionalPrinterColumns(List.of(
          column("Domain", ".spec.domain", "string", 0, "The mail domain."),
          column("Ready", condition("Ready", "status"), "string", 0, "Whether what the spec asks for is in effect."),
          column("Compliant", condition("Compliant", "status"), "string", 0,
              "The latest outside-in check under the domain's profile."),
          column("Age", ".metadata.creationTimestamp", "date", 0, null),
          column("Reason", condition("Ready", "reason"), "string", 1, "Why Ready is what it is."),
          column("Message", condition("Ready", "message"), "string", 1, "What Ready says.")));
      JSONSchemaProps schema = version.getSchema().getOpenAPIV3Schema();
      schema.setDescription(DESCRIPTION);
      describe(schema, "spec", "What the domain should have: its MX hosts, certificates, DNS publication, DANE, "
          + "MTA-STS, TLS-RPT, the MTA the operator runs, and the compliance profile.");
      describe(schema, "status", "What the operator did and observed: conditions (Ready, Reconciling, Stalled and "
          + "one per part), the records and their state, the DANE rollover, the MTA-STS policy and the latest "
          + "compliance results. Written only by the operator.");
    }
    return crd;
  }

  static final String TRANSPORT_DESCRIPTION = "One MX fleet serving many mail domains: its MX hosts' "
      + "certificates, DANE TLSA records and key rollover, and the TLS-enforcing MTA, once for every "
      + "SecureMailDomain that references it (spec.transport). The transport runs its own mail domain as a "
      + "SecureMailDomain of the same name that it owns.";

  /** {@code kubectl get mtr}: Domain, MX hosts' DANE phase, attached domains, Ready, Age. */
  private static HasMetadata presentTransport(CustomResourceDefinition crd) {
    crd.getSpec().getNames().setCategories(List.of("securemail"));
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      version.setAdditionalPrinterColumns(List.of(
          column("Domain", ".spec.domain", "string", 0, "The fleet's own mail domain."),
          column("Attached", ".status.attachedDomains", "integer", 0, "SecureMailDomains attached and routed."),
          column("DANE", ".status.dane.phase", "string", 0, "The fleet's DANE rollover phase."),
          column("Ready", condition("Ready", "status"), "string", 0, "Whether the fleet serves its domains."),
          column("Age", ".metadata.creationTimestamp", "date", 0, null),
          column("Reason", condition("Ready", "reason"), "string", 1, "Why Ready is what it is."),
          column("Message", condition("Ready", "message"), "string", 1, "What Ready says.")));
      JSONSchemaProps schema = version.getSchema().getOpenAPIV3Schema();
      schema.setDescription(TRANSPORT_DESCRIPTION);
      describe(schema, "spec", "The fleet: its own mail domain and MX hosts, certificates, DNS publication for its "
          + "zone, DANE, the MTA it runs, and which namespaces may attach domains (attach).");
      describe(schema, "status", "The fleet's Ready condition and DANE rollover, and its attached, not ready and "
          + "refused domains. Written only by the operator.");
    }
    return crd;
  }

  private static String condition(String type, String field) {
    return ".status.conditions[?(@.type==\"" + type + "\")]." + field;
  }

  private static CustomResourceColumnDefinition column(String name, String jsonPath, String type, int priority,
      String description) {
    return new CustomResourceColumnDefinitionBuilder().withName(name).withJsonPath(jsonPath).withType(type)
        .withPriority(priority).withDescription(description).build();
  }

  private static void describe(JSONSchemaProps schema, String property, String description) {
    JSONSchemaProps props = schema.getProperties().get(property);
    if (props != null) {
      props.setDescription(description);
    }
  }
}
