package io.securemail.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Leader election, for running more than one replica: the Quarkus Operator SDK uses a
 * {@link LeaderElectionConfiguration} bean when there is one (in the prod profile). Off unless
 * securemail.leader-election.enabled=true (the Helm chart turns it on); the Lease is taken in
 * securemail.leader-election.lease-namespace, or the namespace the operator runs in.
 */
@Dependent
public class LeaderElection {

  @Produces
  @Dependent
  @Unremovable
  LeaderElectionConfiguration leaderElection(
      @ConfigProperty(name = "securemail.leader-election.enabled", defaultValue = "false") boolean enabled,
      @ConfigProperty(name = "securemail.leader-election.lease-name", defaultValue = "securemail-operator")
          String leaseName,
      @ConfigProperty(name = "securemail.leader-election.lease-namespace") Optional<String> leaseNamespace) {
    // A null @Dependent bean is allowed: the SDK then runs without leader election.
    return enabled ? new LeaderElectionConfiguration(leaseName, leaseNamespace.orElse(null)) : null;
  }
}
