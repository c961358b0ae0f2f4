package io.securemail.operator.dns;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/**
 * external-dns' DNSEndpoint (group externaldns.k8s.io, v1alpha1), the part of it the operator
 * writes. The CRD is external-dns' own: this type is excluded from the build's CRD generation.
 */
@Group(DnsEndpoint.GROUP)
@Version("v1alpha1")
@Kind("DNSEndpoint")
@Plural("dnsendpoints")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class DnsEndpoint extends CustomResource<DnsEndpoint.Spec, DnsEndpoint.Status> implements Namespaced {

  public static final String GROUP = "externaldns.k8s.io";
  /** The CRD external-dns installs with its CRD source. */
  public static final String CRD = "dnsendpoints." + GROUP;

  /** The records, one endpoint per name and type. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Spec(List<Endpoint> endpoints) {}

  /**
   * One name and type with its values, in external-dns' format: no trailing dot, TXT values
   * unquoted (external-dns quotes them).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Endpoint(String dnsName, String recordType, Long recordTTL, List<String> targets) {}

  /** What external-dns reports: the generation it has processed. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Status(Long observedGeneration) {}
}
