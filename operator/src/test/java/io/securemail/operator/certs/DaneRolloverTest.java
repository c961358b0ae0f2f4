package io.securemail.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The rollover against a simulated world: TLSA records become visible some time after they are
 * published, MX replicas pick up a new lineage one after another. At every tick the safety
 * invariants of DANE must hold.
 */
class DaneRolloverTest {

  static final Duration TICK = Duration.ofMinutes(1);
  static final Duration TTL = Duration.ofMinutes(5);
  static final Duration PRE_PUBLISH = Duration.ofHours(2);
  static final Duration EVERY = Duration.ofHours(24);
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** A small world: two lineages' keys, published TLSA with propagation delay, three MX replicas. */
  static final class World {
    final Map<String, String> lineageKey = new HashMap<>(Map.of("a", "key-a1", "b", "key-b1"));
    final Map<String, Instant> tlsaPublishedAt = new HashMap<>();
    final String[] replicaLineage = {"a", "a", "a"};
    int generation = 1;
    Duration propagation = Duration.ofMinutes(3);
    boolean certificatesReady = true;

    Set<String> served() {
      Set<String> keys = new HashSet<>();
      for (String lineage : replicaLineage) {
        keys.add(lineageKey.get(lineage));
      }
      return keys;
    }

    boolean visible(String key, Instant now) {
      Instant at = tlsaPublishedAt.get(key);
      return at != null && !now.isBefore(at.plus(propagation));
    }

    void publish(List<String> keys, Instant now) {
      tlsaPublishedAt.keySet().retainAll(keys);
      keys.forEach(k -> tlsaPublishedAt.putIfAbsent(k, now));
    }

    /** One replica per tick moves to the lineage the operator asked for (a rolling reload). */
    void serve(String lineage) {
      for (int i = 0; i < replicaLineage.length; i++) {
        if (!replicaLineage[i].equals(lineage)) {
          replicaLineage[i] = lineage;
          return;
        }
      }
    }

    void regenerate(String lineage) {
      generation++;
      lineageKey.put(lineage, "key-" + lineage + generation);
    }
  }

  record Tick(Instant at, RolloverDecision decision, Set<String> served) {}

  static List<Tick> run(World world, RolloverFacts.Request request, int ticks) {
    List<Tick> history = new ArrayList<>();
    RolloverState state = RolloverState.stable("key-a1", "key-b1", T0);
    Instant now = T0;
    for (int i = 0; i < ticks; i++) {
      String next = world.lineageKey.get(state.nextLineage());
      var facts = new RolloverFacts(next, world.certificatesReady, world.visible(next, now), world.served(),
          request, EVERY, PRE_PUBLISH, TTL);
      RolloverDecision decision = DaneRollover.decide(state, facts, now);
      world.publish(decision.tlsaSpkis(), now);
      if (decision.regenerateLineage() != null
          && world.lineageKey.get(decision.regenerateLineage()).equals(decision.state().retiredSpki())) {
        world.regenerate(decision.regenerateLineage());
      }
      world.serve(decision.serveLineage());
      history.add(new Tick(now, decision, world.served()));
      state = decision.state();
      now = now.plus(TICK);
    }
    return history;
  }

  @Test
  void plannedRolloverCompletesAndNeverServesAKeyWithoutAgedTlsa() {
    World world = new World();
    List<Tick> history = run(world, RolloverFacts.Request.none, (int) (EVERY.toMinutes() + 180));

    List<RolloverPhase> phases = new ArrayList<>();
    for (Tick tick : history) {
      RolloverPhase phase = tick.decision().state().phase();
      if (phases.isEmpty() || phases.get(phases.size() - 1) != phase) {
        phases.add(phase);
      }
    }
    assertThat(phases).containsExactly(RolloverPhase.Stable, RolloverPhase.Switching, RolloverPhase.Retiring,
        RolloverPhase.Stable);
    Tick last = history.get(history.size() - 1);
    assertThat(last.decision().state().servingSpki()).isEqualTo("key-b1");
    assertThat(last.decision().state().nextSpki()).isEqualTo("key-a2");
    assertThat(last.decision().tlsaSpkis()).containsExactly("key-b1", "key-a2");

    for (Tick tick : history) {
      // Invariant 1: every key any replica serves has its TLSA published.
      assertThat(tick.decision().tlsaSpkis()).as("TLSA set at %s", tick.at()).containsAll(tick.served());
    }
    // Invariant 2: the first time key-b1 is served, its TLSA had been visible for prePublish.
    Tick firstServed = history.stream().filter(t -> t.served().contains("key-b1")).findFirst().orElseThrow();
    Instant visibleSince = world.tlsaPublishedAt.get("key-b1").plus(world.propagation);
    assertThat(Duration.between(visibleSince, firstServed.at())).isGreaterThanOrEqualTo(PRE_PUBLISH);
  }

  @Test
  void rolloverWaitsWhileTheNextCertificateIsNotReady() {
    World world = new World();
    world.certificatesReady = false;
    List<Tick> history = run(world, RolloverFacts.Request.requested, 60);
    assertThat(history).allSatisfy(t -> assertThat(t.decision().state().phase()).isEqualTo(RolloverPhase.Stable));
    assertThat(history.get(59).decision().waitingFor()).contains("certificate");
    assertThat(history.get(59).served()).containsExactly("key-a1");
  }

  @Test
  void requestedRolloverStillWaitsForPrePublishButEmergencyOnlyForTwoTtl() {
    var requested = run(new World(), RolloverFacts.Request.requested, 60);
    assertThat(requested.get(59).decision().state().phase()).isEqualTo(RolloverPhase.Stable);
    assertThat(requested.get(59).decision().waitingFor()).contains("visible for PT2H");

    World world = new World();
    var emergency = run(world, RolloverFacts.Request.emergency, 60);
    Tick started = emergency.stream().filter(t -> t.decision().state().phase() == RolloverPhase.Switching)
        .findFirst().orElseThrow();
    // The next key is replaced first (one tick), its TLSA visible after 3 minutes of propagation,
    // then 2 x TTL = 10 minutes of age.
    assertThat(Duration.between(T0, started.at())).isEqualTo(Duration.ofMinutes(14));
    assertThat(started.decision().serveLineage()).isEqualTo("b");
    assertThat(started.decision().state().nextSpki()).as("the fresh key, not the one kept beside the old")
        .isEqualTo("key-b2");
  }

  @Test
  void emergencyRolloverReplacesTheStoredNextKeyBeforeSwitching() {
    World world = new World();
    var emergency = run(world, RolloverFacts.Request.emergency, 30);

    RolloverDecision first = emergency.get(0).decision();
    assertThat(first.regenerateLineage()).isEqualTo("b");
    assertThat(first.tlsaSpkis()).as("the set-aside key's TLSA goes at once").containsExactly("key-a1");
    assertThat(first.event()).contains("Emergency rollover", "key-b1");
    assertThat(first.state().retiredSpki()).isEqualTo("key-b1");
    assertThat(emergency).allSatisfy(t -> {
      assertThat(t.served()).as("key-b1 is never served").doesNotContain("key-b1");
      assertThat(t.decision().tlsaSpkis()).containsAll(t.served());
    });
    assertThat(emergency.subList(1, emergency.size())).allSatisfy(
        t -> assertThat(t.decision().tlsaSpkis()).doesNotContain("key-b1"));
    assertThat(world.lineageKey.get("b")).as("regenerated once").isEqualTo("key-b2");
    assertThat(emergency.get(29).served()).containsExactly("key-b2");

    // An emergency asked while a next key already replaced by an earlier one waits: no second replacement.
    RolloverState replaced = new RolloverState(RolloverPhase.Stable, "a", "key-a1", null, "key-b1", null, T0);
    var fresh = new RolloverFacts("key-b2", true, false, Set.of("key-a1"), RolloverFacts.Request.emergency,
        EVERY, PRE_PUBLISH, TTL);
    RolloverDecision waiting = DaneRollover.decide(replaced, fresh, T0);
    assertThat(waiting.regenerateLineage()).isNull();
    assertThat(waiting.tlsaSpkis()).containsExactly("key-a1", "key-b2");
    assertThat(waiting.state().retiredSpki()).isEqualTo("key-b1");
  }

  @Test
  void oldTlsaStaysWhileAnyMxStillServesTheOldKey() {
    RolloverState switching = new RolloverState(RolloverPhase.Switching, "a", "key-a1", "key-b1", null, T0, T0);
    var facts = new RolloverFacts("key-b1", true, true, Set.of("key-a1", "key-b1"), RolloverFacts.Request.none,
        EVERY, PRE_PUBLISH, TTL);
    RolloverDecision stillSwitching = DaneRollover.decide(switching, facts, T0.plus(Duration.ofHours(1)));
    assertThat(stillSwitching.state().phase()).isEqualTo(RolloverPhase.Switching);
    assertThat(stillSwitching.tlsaSpkis()).containsExactly("key-a1", "key-b1");
    assertThat(stillSwitching.waitingFor()).contains("stuck since").contains("key-a1");

    RolloverState retiring = new RolloverState(RolloverPhase.Retiring, "b", "key-b1", null, "key-a1", null, T0);
    var regressed = new RolloverFacts("key-a2", true, true, Set.of("key-a1", "key-b1"), RolloverFacts.Request.none,
        EVERY, PRE_PUBLISH, TTL);
    assertThat(DaneRollover.decide(retiring, regressed, T0).tlsaSpkis()).contains("key-a1");
    var unprobed = new RolloverFacts("key-a2", true, false, Set.of(), RolloverFacts.Request.none,
        EVERY, PRE_PUBLISH, TTL);
    assertThat(DaneRollover.decide(retiring, unprobed, T0).tlsaSpkis()).as("no probe, no withdrawal").contains("key-a1");
  }

  @Test
  void switchingNeverStartsWithoutProbedMx() {
    RolloverState switching = new RolloverState(RolloverPhase.Switching, "a", "key-a1", "key-b1", null, T0, T0);
    var facts = new RolloverFacts("key-b1", true, true, Set.of(), RolloverFacts.Request.none, EVERY, PRE_PUBLISH, TTL);
    RolloverDecision d = DaneRollover.decide(switching, facts, T0);
    assertThat(d.state().phase()).isEqualTo(RolloverPhase.Switching);
    assertThat(d.waitingFor()).contains("no MX endpoint could be probed");
  }

  @Test
  void initialPhaseWithholdsTlsaUntilEveryMxServesTheServingKey() {
    RolloverState initial = new RolloverState(RolloverPhase.Initial, "a", "key-a1", "key-b1", null, null, T0);
    var nobody = new RolloverFacts("key-b1", true, false, Set.of(), RolloverFacts.Request.none, EVERY, PRE_PUBLISH, TTL);
    RolloverDecision waiting = DaneRollover.decide(initial, nobody, T0);
    assertThat(waiting.state().phase()).isEqualTo(RolloverPhase.Initial);
    assertThat(waiting.tlsaSpkis()).as("no TLSA before the MX serves the key").isEmpty();
    assertThat(waiting.serveLineage()).isEqualTo("a");
    assertThat(waiting.waitingFor()).contains("withheld").contains("no MX endpoint could be probed");

    var oldCertificate = new RolloverFacts("key-b1", true, false, Set.of("key-a1", "key-other"),
        RolloverFacts.Request.none, EVERY, PRE_PUBLISH, TTL);
    assertThat(DaneRollover.decide(initial, oldCertificate, T0).tlsaSpkis()).isEmpty();

    var served = new RolloverFacts("key-b1", true, false, Set.of("key-a1"), RolloverFacts.Request.none, EVERY,
        PRE_PUBLISH, TTL);
    RolloverDecision published = DaneRollover.decide(initial, served, T0.plus(TICK));
    assertThat(published.state().phase()).isEqualTo(RolloverPhase.Stable);
    assertThat(published.state().phaseSince()).isEqualTo(T0.plus(TICK));
    assertThat(published.tlsaSpkis()).containsExactly("key-a1", "key-b1");
    assertThat(published.event()).contains("publishing");
  }

  @Test
  void retiredKeyComesBackIntoTheTlsaSetWhenAProbeFailsBeforeTheRolloverCompletes() {
    RolloverState retiring = new RolloverState(RolloverPhase.Retiring, "b", "key-b1", null, "key-a1", null, T0);
    var noneServesOld = new RolloverFacts("key-a1", false, false, Set.of("key-b1"), RolloverFacts.Request.none,
        EVERY, PRE_PUBLISH, TTL);
    RolloverDecision first = DaneRollover.decide(retiring, noneServesOld, T0);
    assertThat(first.tlsaSpkis()).containsExactly("key-b1");
    assertThat(first.regenerateLineage()).as("the old lineage still holds the retired key").isEqualTo("a");
    assertThat(first.state().retiredSpki()).as("remembered until Stable").isEqualTo("key-a1");

    var unprobed = new RolloverFacts("key-a1", false, false, Set.of(), RolloverFacts.Request.none, EVERY,
        PRE_PUBLISH, TTL);
    RolloverDecision second = DaneRollover.decide(first.state(), unprobed, T0.plus(TICK));
    assertThat(second.tlsaSpkis()).contains("key-a1");
    assertThat(second.state().nextSpki()).as("the retired key never becomes next again").isNull();
  }
}
