package io.securemail.operator;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Leader election, for running more than one replica: the Quarkus Operator SDK uses a
 * {@link LeaderElectionConfiguration} bean when there is one (in the prod profile). Off unless
 * securemail.leader-election.enabled=true (the Helm chart turns it on); the Lease is taken in
 * securemail.leader-election.lease-namespace, or the namespace the operator runs in.
 *
 * <p>Losing the lease ends the process, so two replicas never reconcile at once. The SDK's own
 * exit-on-stop-leading calls {@code System.exit} also when the SDK itself cancels the election
 * while the JVM shuts down (SIGTERM): that call then waits forever for the shutdown already in
 * progress, and the Pod hangs until it is killed (java-operator-sdk issues 1614 and 3376). So the
 * exit is done here, and only when the lease was lost while the JVM was not already stopping.
 *
 * <p>{@link LeaderRole} hears of both: only the leader receives TLS reports.
 */
@Dependent
public class LeaderElection {

  private static final Logger LOG = Logger.getLogger(LeaderElection.class);

  @Produces
  @Dependent
  @Unremovable
  LeaderElectionConfiguration leaderElection(
      @ConfigProperty(name = "securemail.leader-election.enabled", defaultValue = "false") boolean enabled,
      @ConfigProperty(name = "securemail.leader-election.lease-name", defaultValue = "securemail-operator")
          String leaseName,
      @ConfigProperty(name = "securemail.leader-election.lease-namespace") Optional<String> leaseNamespace,
      LeaderRole role) {
    // A null @Dependent bean is allowed: the SDK then runs without leader election.
    if (!enabled) {
      return null;
    }
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(leaseName)
        .withLeaseNamespace(leaseNamespace.orElse(null))
        .withExitOnStopLeading(false)
        .withLeaderCallbacks(new LeaderCallbacks(role::startedLeading, () -> stoppedLeading(role), leader -> {}))
        .build();
  }

  private static void stoppedLeading(LeaderRole role) {
    role.stoppedLeading();
    if (shuttingDown()) {
      LOG.info("Stopped leading because the operator is shutting down");
      return;
    }
    LOG.error("Lost the leader election lease: exiting so that only the new leader reconciles");
    System.exit(1);
  }

  /** Whether the JVM is already running its shutdown hooks. */
  static boolean shuttingDown() {
    return io.securemail.operator.observe.ShutdownSignal.jvmStopping();
  }
}
