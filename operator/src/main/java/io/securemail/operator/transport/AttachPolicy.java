package io.securemail.operator.transport;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.securemail.operator.api.AttachSpec;
import io.securemail.operator.api.MailTransport;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a namespace may attach domains to a transport: the transport owner's choice
 * ({@code spec.attach}), decided the same way by the transport (which routes the domain) and by
 * the domain (which publishes nothing while refused). Pure: the namespace's labels are given.
 */
public final class AttachPolicy {

  private AttachPolicy() {}

  /**
   * Empty when {@code namespace} may attach to {@code transport}; otherwise why not, for a
   * condition message.
   */
  public static Optional<String> refusal(MailTransport transport, String namespace, Map<String, String> labels) {
    String own = transport.getMetadata().getNamespace();
    if (own.equals(namespace)) {
      return Optional.empty();
    }
    AttachSpec attach = transport.getSpec() == null ? null : transport.getSpec().getAttach();
    if (attach != null && attach.getNamespaces() != null && attach.getNamespaces().contains(namespace)) {
      return Optional.empty();
    }
    if (attach != null && attach.getNamespaceSelector() != null
        && matches(attach.getNamespaceSelector(), labels == null ? Map.of() : labels)) {
      return Optional.empty();
    }
    return Optional.of("MailTransport " + own + "/" + transport.getMetadata().getName()
        + " does not allow namespace " + namespace + " to attach (its spec.attach lists "
        + (attach == null ? "no namespace but its own" : describe(attach)) + ")");
  }

  /** Kubernetes label selector semantics: every matchLabels pair and every expression must hold. */
  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector.getMatchLabels() != null) {
      for (var pair : selector.getMatchLabels().entrySet()) {
        if (!pair.getValue().equals(labels.get(pair.getKey()))) {
          return false;
        }
      }
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if (expressions != null) {
      for (LabelSelectorRequirement e : expressions) {
        List<String> values = e.getValues() == null ? List.of() : e.getValues();
        String value = labels.get(e.getKey());
        boolean holds = switch (e.getOperator()) {
          case "In" -> value != null && values.contains(value);
          case "NotIn" -> value == null || !values.contains(value);
          case "Exists" -> labels.containsKey(e.getKey());
          case "DoesNotExist" -> !labels.containsKey(e.getKey());
          default -> false; // an operator Kubernetes does not know selects nothing
        };
        if (!holds) {
          return false;
        }
      }
    }
    return true;
  }

  private static String describe(AttachSpec attach) {
    String names = attach.getNamespaces() == null || attach.getNamespaces().isEmpty() ? "no other namespace"
        : "namespaces " + String.join(", ", attach.getNamespaces());
    return attach.getNamespaceSelector() == null ? names : names + " and a namespaceSelector that does not match";
  }
}
