package io.securemail.operator.api;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One MX fleet serving many mail domains, the way mail providers host: its MX hosts' keys, their
 * DANE TLSA records and rollover, and the MTA, once for every {@link SecureMailDomain} that
 * references it ({@code spec.transport}). Its kubectl columns and descriptions are set by
 * {@link CrdPresentation} when the CRD is generated.
 */
@Group(SecureMailDomain.GROUP)
@Version(SecureMailDomain.VERSION)
@ShortNames("mtr")
public class MailTransport extends CustomResource<MailTransportSpec, MailTransportStatus> implements Namespaced {

  @Override
  protected MailTransportStatus initStatus() {
    return new MailTransportStatus();
  }
}
