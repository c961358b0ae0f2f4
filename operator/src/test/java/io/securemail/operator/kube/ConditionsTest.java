package io.securemail.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00.789Z");
  private static final Instant T1 = Instant.parse("2024-05-01T11:30:15.250Z");

  private static Condition condition(String type, String status, String time) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason("R").withMessage("m")
        .withObservedGeneration(1L).withLastTransitionTime(time).build();
  }

  @Test
  void newConditionStartsNowInRfc3339Seconds() {
    List<Condition> result = Conditions.with(null, Conditions.READY, Conditions.TRUE, "Ready", "all good", 3, T0);

    assertThat(result).singleElement().satisfies(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo("Ready");
      assertThat(c.getMessage()).isEqualTo("all good");
      assertThat(c.getObservedGeneration()).isEqualTo(3L);
      assertThat(c.getLastTransitionTime()).isEqualTo("2024-05-01T10:00:00Z");
    });
  }

  @Test
  void newConditionIsAppendedAfterOthers() {
    List<Condition> current = List.of(condition("Dns", "True", "2024-01-01T00:00:00Z"));

    List<Condition> result = Conditions.with(current, Conditions.READY, Conditions.FALSE, "Invalid", "bad", 1, T0);

    assertThat(result).extracting(Condition::getType).containsExactly("Dns", "Ready");
    assertThat(result.get(1).getLastTransitionTime()).isEqualTo("2024-05-01T10:00:00Z");
  }

  @Test
  void sameStatusKeepsTransitionTimeButUpdatesTheRest() {
    List<Condition> first = Conditions.with(List.of(), Conditions.READY, Conditions.FALSE, "Progressing", "waiting", 1, T0);

    List<Condition> second = Conditions.with(first, Conditions.READY, Conditions.FALSE, "InvalidSpec", "spec.domain: bad", 2, T1);

    assertThat(second).singleElement().satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getLastTransitionTime()).isEqualTo("2024-05-01T10:00:00Z");
      assertThat(c.getReason()).isEqualTo("InvalidSpec");
      assertThat(c.getMessage()).isEqualTo("spec.domain: bad");
      assertThat(c.getObservedGeneration()).isEqualTo(2L);
    });
  }

  @Test
  void changedStatusMovesTransitionTime() {
    List<Condition> first = Conditions.with(List.of(), Conditions.READY, Conditions.FALSE, "Progressing", "waiting", 1, T0);

    List<Condition> second = Conditions.with(first, Conditions.READY, Conditions.TRUE, "Ready", "done", 1, T1);

    assertThat(second).singleElement().satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getLastTransitionTime()).isEqualTo("2024-05-01T11:30:15Z");
    });
  }

  @Test
  void otherConditionsAreKeptUntouchedAndInOrder() {
    Condition a = condition("A", "True", "2024-01-01T00:00:00Z");
    Condition ready = condition("Ready", "False", "2024-02-01T00:00:00Z");
    Condition b = condition("B", "Unknown", "2024-03-01T00:00:00Z");
    Condition aCopy = new ConditionBuilder(a).build();
    Condition bCopy = new ConditionBuilder(b).build();
    List<Condition> current = new ArrayList<>(List.of(a, ready, b));

    List<Condition> result = Conditions.with(current, Conditions.READY, Conditions.TRUE, "Ready", "ok", 4, T1);

    assertThat(result).extracting(Condition::getType).containsExactly("A", "Ready", "B");
    assertThat(result.get(0)).isEqualTo(aCopy);
    assertThat(result.get(2)).isEqualTo(bCopy);
    assertThat(result.get(1).getStatus()).isEqualTo("True");
    assertThat(current).containsExactly(a, ready, b);
    assertThat(ready.getStatus()).isEqualTo("False");
  }

  @Test
  void findLooksUpByType() {
    Condition a = condition("A", "True", "2024-01-01T00:00:00Z");
    Condition ready = condition("Ready", "False", "2024-02-01T00:00:00Z");

    assertThat(Conditions.find(List.of(a, ready), "Ready")).containsSame(ready);
    assertThat(Conditions.find(List.of(a), "Ready")).isEmpty();
    assertThat(Conditions.find(null, "Ready")).isEmpty();
  }
}
