package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exposure of the policy through an Ingress: the Ingress controller terminates TLS with the
 * domain's mta-sts certificate and passes the request to the namespace's policy server.
 */
public class PolicyIngressSpec {

  @JsonPropertyDescription("The IngressClass to use; the cluster's default class when left out.")
  private String className;

  @JsonPropertyDescription("Annotations for the Ingress (controller-specific settings). The policy must be "
      + "answered directly: do not add redirects (RFC 8461 section 3.3).")
  private Map<String, String> annotations = new LinkedHashMap<>();

  public String getClassName() { return className; }
  public void setClassName(String className) { this.className = className; }
  public Map<String, String> getAnnotations() { return annotations; }
  public void setAnnotations(Map<String, String> annotations) { this.annotations = annotations; }
}
