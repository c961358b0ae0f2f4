package io.securemail.operator.transport;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.MailTransportSpec;
import io.securemail.operator.validation.SecretLookup;
import io.securemail.operator.validation.SpecProblem;
import io.securemail.operator.validation.SpecValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a transport's schema cannot say: a fleet has MX hosts and runs an MTA, is not itself
 * attached to another transport, leaves its inbound routes to the operator, and selects namespaces
 * with a selector Kubernetes would understand. The rest is the SecureMailDomain validation of the
 * spec its fleet domain gets, so a transport is held to exactly what that domain will be.
 */
public final class TransportValidator {

  private static final Set<String> SET_OPERATORS = Set.of("In", "NotIn");
  private static final Set<String> EXISTS_OPERATORS = Set.of("Exists", "DoesNotExist");

  private TransportValidator() {}

  /** Every problem found; empty when the transport can be acted on. */
  public static List<SpecProblem> validate(MailTransport transport, KubernetesSerialization serialization,
      SecretLookup secrets, long minMaxAge) {
    List<SpecProblem> problems = new ArrayList<>();
    MailTransportSpec spec = transport.getSpec();
    if (spec == null) {
      problems.add(new SpecProblem("spec", "required"));
      return problems;
    }
    if (spec.getTransport() != null) {
      problems.add(new SpecProblem("spec.transport", "a MailTransport is a fleet and cannot itself be attached "
          + "to a transport; leave it out"));
    }
    if (spec.getMx() == null || spec.getMx().isEmpty()) {
      problems.add(new SpecProblem("spec.mx", "a MailTransport needs at least one MX host: the fleet's, which "
          + "serve every attached domain"));
    }
    if (spec.getMta() == null) {
      problems.add(new SpecProblem("spec.mta", "required for a MailTransport: the MTA its MX hosts run for every "
          + "attached domain"));
    } else if (spec.getMta().getInbound() != null && spec.getMta().getInbound().getRoutes() != null
        && !spec.getMta().getInbound().getRoutes().isEmpty()) {
      problems.add(new SpecProblem("spec.mta.inbound.routes", "set by the operator, one per attached domain "
          + "(its spec.transport); leave it out"));
    }
    if (spec.getAttach() != null && spec.getAttach().getNamespaceSelector() != null) {
      checkSelector(spec.getAttach().getNamespaceSelector(), problems);
    }
    if (problems.isEmpty()) {
      problems.addAll(SpecValidator.validate(FleetDomain.specOf(transport, serialization, List.of()), secrets,
          minMaxAge));
    }
    return problems;
  }

  /** Kubernetes' own rules for a label selector's expressions (In and NotIn need values, the others none). */
  private static void checkSelector(LabelSelector selector, List<SpecProblem> problems) {
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if (expressions == null) {
      return;
    }
    for (int i = 0; i < expressions.size(); i++) {
      LabelSelectorRequirement e = expressions.get(i);
      String field = "spec.attach.namespaceSelector.matchExpressions[" + i + "]";
      boolean hasValues = e.getValues() != null && !e.getValues().isEmpty();
      if (e.getKey() == null || e.getKey().isBlank()) {
        problems.add(new SpecProblem(field + ".key", "required"));
      }
      if (SET_OPERATORS.contains(e.getOperator())) {
        if (!hasValues) {
          problems.add(new SpecProblem(field + ".values", "required with operator " + e.getOperator()));
        }
      } else if (EXISTS_OPERATORS.contains(e.getOperator())) {
        if (hasValues) {
          problems.add(new SpecProblem(field + ".values", "must be empty with operator " + e.getOperator()));
        }
      } else {
        problems.add(new SpecProblem(field + ".operator", "\"" + e.getOperator()
            + "\" is not one of In, NotIn, Exists, DoesNotExist"));
      }
    }
  }
}
