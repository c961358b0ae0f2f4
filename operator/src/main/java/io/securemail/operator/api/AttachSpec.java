package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * Which namespaces may attach domains to a transport: those listed, and those whose labels match
 * the selector. The transport's own namespace always may.
 */
public class AttachSpec {

  @JsonPropertyDescription("Namespaces whose SecureMailDomains may attach, by name.")
  private List<@Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String> namespaces = new ArrayList<>();

  @JsonPropertyDescription("Namespaces whose SecureMailDomains may attach, by their labels (a Kubernetes label "
      + "selector; an empty selector matches every namespace).")
  private LabelSelector namespaceSelector;

  public List<String> getNamespaces() { return namespaces; }
  public void setNamespaces(List<String> namespaces) { this.namespaces = namespaces; }
  public LabelSelector getNamespaceSelector() { return namespaceSelector; }
  public void setNamespaceSelector(LabelSelector namespaceSelector) { this.namespaceSelector = namespaceSelector; }
}
