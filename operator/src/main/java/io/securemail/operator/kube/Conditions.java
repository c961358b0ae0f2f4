package io.securemail.operator.kube;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.securemail.operator.api.SecureMailDomain;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Condition bookkeeping with metav1.Condition semantics: lastTransitionTime moves only when the
 * status of a condition changes, so an unchanged world produces an identical status.
 */
public final class Conditions {

  public static final String READY = "Ready";
  /** True while the operator works towards Ready (kstatus: the resource is in progress). */
  public static final String RECONCILING = "Reconciling";
  /** True while only a person can move the resource on (kstatus: the resource failed). */
  public static final String STALLED = "Stalled";
  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private Conditions() {}

  /**
   * When the domain's condition took {@code status}, from the status the reconcile started with;
   * null when it has another status or none (the state is new).
   */
  public static Instant since(SecureMailDomain domain, String type, String status) {
    return find(domain.getStatus() == null ? null : domain.getStatus().getConditions(), type)
        .filter(c -> status.equals(c.getStatus()))
        .map(c -> Instant.parse(c.getLastTransitionTime()))
        .orElse(null);
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /**
   * Returns a copy of {@code current} with {@code type} set; other conditions are kept as they are.
   */
  public static List<Condition> with(List<Condition> current, String type, String status, String reason,
      String message, long generation, Instant now) {
    List<Condition> result = new ArrayList<>();
    Optional<Condition> previous = find(current, type);
    String since = previous.filter(p -> status.equals(p.getStatus()))
        .map(Condition::getLastTransitionTime)
        .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
    Condition next = new ConditionBuilder()
        .withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withObservedGeneration(generation).withLastTransitionTime(since)
        .build();
    boolean placed = false;
    if (current != null) {
      for (Condition c : current) {
        if (type.equals(c.getType())) {
          result.add(next);
          placed = true;
        } else {
          result.add(c);
        }
      }
    }
    if (!placed) {
      result.add(next);
    }
    return result;
  }
}
