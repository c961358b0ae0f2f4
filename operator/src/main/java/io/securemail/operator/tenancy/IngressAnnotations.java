package io.securemail.operator.tenancy;

import io.securemail.operator.api.MtaStsSpec;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.validation.SpecProblem;
import java.util.List;

/**
 * Which annotations of {@code spec.mtaSts.ingress.annotations} the operator passes on to the
 * policy Ingress ({@value #PROPERTY}, set by the Helm chart's
 * {@code operator.tenancy.ingressAnnotations}). The operator creates the Ingress with its own
 * rights, and some controllers' annotations carry configuration snippets or auth settings that
 * reach every host of the controller; a cluster shared by tenants lists the few it wants.
 * Entries are annotation names, or a prefix ending in {@code *}; {@code *} alone allows all (the
 * default, as before the list existed).
 */
public final class IngressAnnotations {

  /** The operator setting holding the allow-list. */
  public static final String PROPERTY = "securemail.tenancy.ingress-annotations";

  private final List<String> allowed;

  public IngressAnnotations(List<String> allowed) {
    this.allowed = allowed.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** Every annotation passes. */
  public static IngressAnnotations any() {
    return new IngressAnnotations(List.of("*"));
  }

  /** One problem per annotation of the spec's Ingress that the list does not allow, in the spec's order. */
  public List<SpecProblem> problems(SecureMailDomainSpec spec) {
    MtaStsSpec sts = spec.getMtaSts();
    if (sts == null || sts.getIngress() == null || sts.getIngress().getAnnotations() == null) {
      return List.of();
    }
    return sts.getIngress().getAnnotations().keySet().stream().filter(key -> !allows(key))
        .map(key -> new SpecProblem("spec.mtaSts.ingress.annotations", "\"" + key + "\" is not an annotation "
            + "this operator sets on Ingresses (" + PROPERTY + " allows " + (allowed.isEmpty() ? "none"
            : String.join(", ", allowed)) + "); ask a cluster administrator, or leave it out"))
        .toList();
  }

  boolean allows(String key) {
    return allowed.stream().anyMatch(pattern -> pattern.endsWith("*")
        ? key.startsWith(pattern.substring(0, pattern.length() - 1)) : key.equals(pattern));
  }
}
