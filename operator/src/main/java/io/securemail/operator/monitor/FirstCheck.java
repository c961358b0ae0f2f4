package io.securemail.operator.monitor;

import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.TransportStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a domain's first compliance check waits. Checked from the outside before the records the
 * operator itself publishes are visible, a new domain would fail on records that are merely on their
 * way (an MX, a TLSA, the {@code _mta-sts} TXT), then pass a minute later: a verdict and an event
 * each time, for nothing a person could act on, a thousand times over when a provider attaches a
 * thousand domains. So the first check runs once the operator's DNS step sees its records through
 * the resolver and, for a domain on a fleet, once the fleet is Ready (its TLSA records and its MTA
 * are the fleet's). Records a person publishes ({@code manual}) do not hold it: the check is how
 * that person learns what is missing. Later checks never wait.
 */
public final class FirstCheck {

  /** Compliant's reason while the first check waits. */
  public static final String AWAITING = "AwaitingPublication";

  private FirstCheck() {}

  /**
   * The outcome of a reconcile whose first check waits, or empty when the check may run.
   *
   * @param recordsOnTheirWay the operator's DNS step published its records but does not see them all yet
   * @param transport the fleet the domain is attached to, as its status shows it (null: none)
   */
  public static Optional<ComplianceOutcome> waiting(SecureMailDomain domain, boolean recordsOnTheirWay,
      TransportStatus transport) {
    boolean checkedBefore = domain.getStatus() != null && domain.getStatus().getCompliance() != null;
    if (checkedBefore) {
      return Optional.empty();
    }
    DnsSpec dns = domain.getSpec().getDns();
    boolean publishing = dns != null && dns.getProvider() != DnsSpec.Provider.MANUAL;
    boolean waits = publishing && recordsOnTheirWay || transport != null && !Boolean.TRUE.equals(transport.getReady());
    if (!waits) {
      return Optional.empty();
    }
    // One message for the whole wait, whichever of the two it is at: each change of it would be a
    // status write, for every domain attached with it.
    List<String> until = new ArrayList<>();
    if (publishing) {
      until.add("the records the operator publishes are visible through the resolver (see DnsPublished)");
    }
    if (transport != null) {
      until.add("MailTransport " + transport.getName() + ", whose MX hosts serve this domain, is Ready");
    }
    return Optional.of(new ComplianceOutcome(null, "Unknown", AWAITING, "Not checked yet: the first check runs once "
        + String.join(" and ", until) + ", so that it does not fail on what is still on its way", List.of(), null));
  }
}
