package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.cluster.OperatorProcess;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two replicas with leader election, as the Helm chart runs them: one holds the Lease, the other
 * waits; a leader stopped with SIGTERM (a rolling update, a drained node) exits by itself instead of
 * hanging until it is killed, and the other replica takes over.
 */
@ExtendWith(LabExtension.class)
class LeaderElectionTest {

  static final String NS = "leader-election";
  static final String LEASE = "securemail-operator-test";
  /** A kubelet's default grace period: a JVM still running after it is killed. */
  static final Duration GRACE = Duration.ofSeconds(30);

  @Test
  void aStoppedLeaderExitsByItselfAndTheOtherReplicaTakesOver(Lab lab) throws Exception {
    KubernetesClient client = lab.client();
    Domains.createNamespace(client, NS);
    // Scoped to this test's empty namespace, so they never touch other tests' domains.
    Map<String, String> replica = Map.of(
        "securemail.leader-election.enabled", "true",
        "securemail.leader-election.lease-name", LEASE,
        "securemail.leader-election.lease-namespace", NS,
        "quarkus.operator-sdk.controllers.securemaildomain.namespaces", NS);
    OperatorProcess first = lab.startExtraOperator("leader-1", replica);
    OperatorProcess second = null;
    try {
      String firstHolder = awaitHolder(client, null);
      second = lab.startExtraOperator("leader-2", replica);
      // The second replica waits: the first keeps the Lease.
      assertThat(holder(client)).isEqualTo(firstHolder);

      OptionalInt exit = first.terminate(GRACE);
      assertThat(exit).as("the leader exits by itself after SIGTERM (log " + first.log() + ")").isPresent();
      String secondHolder = awaitHolder(client, firstHolder);
      assertThat(secondHolder).isNotEqualTo(firstHolder);

      OptionalInt secondExit = second.terminate(GRACE);
      assertThat(secondExit).as("the new leader exits by itself after SIGTERM too (log " + second.log() + ")")
          .isPresent();
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  /** Waits until the Lease is held by someone other than {@code not}; returns the holder. */
  private static String awaitHolder(KubernetesClient client, String not) {
    return await("the Lease " + NS + "/" + LEASE + " held by a replica" + (not == null ? "" : " other than " + not))
        .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .until(() -> holder(client), h -> h != null && !h.equals(not));
  }

  private static String holder(KubernetesClient client) {
    Lease lease = client.leases().inNamespace(NS).withName(LEASE).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}
