package io.securemail.operator.fleet;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.SecureMailDomain;

/**
 * A domain as its parts act on it. A domain with its own MX hosts is itself. A domain attached to
 * a MailTransport is seen with the fleet's MX hosts as its spec.mx (its MX records and its MTA-STS
 * policy list them), the fleet's DANE settings as its spec.dane (whether the MX RRset must be
 * DNSSEC-secure, RFC 7672 section 2.2.1, is the fleet's DANE's concern) and no spec.mta (the fleet's
 * MTA receives its mail); spec.transport stays, by which the certificates, DNS and MTA parts know
 * that the MX hosts' keys, TLSA records and MTA are the transport's, not the domain's.
 *
 * <p>A copy: the resource itself, whose status is written, is never changed.
 */
public final class EffectiveDomain {

  private EffectiveDomain() {}

  /** The domain as served by {@code transport}. */
  public static SecureMailDomain of(SecureMailDomain domain, MailTransport transport,
      KubernetesSerialization serialization) {
    SecureMailDomain effective = serialization.clone(domain);
    var fleet = serialization.clone(transport.getSpec());
    effective.getSpec().setMx(fleet.getMx());
    effective.getSpec().setDane(fleet.getDane());
    effective.getSpec().setMta(null);
    return effective;
  }

  /** Whether the domain's MX hosts are a transport's (spec.transport is set). */
  public static boolean attached(SecureMailDomain domain) {
    return domain.getSpec().getTransport() != null;
  }
}
