package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The fleet: a SecureMailDomain's description of its MX hosts, certificates, DANE, DNS and MTA,
 * for the fleet's own mail domain (whose zone names the MX hosts), plus which namespaces may
 * attach their domains to it. The transport runs its own domain as a SecureMailDomain of the same
 * name that it owns; that resource's MX side serves every attached domain.
 */
public class MailTransportSpec extends SecureMailDomainSpec {

  @JsonPropertyDescription("Which namespaces may attach SecureMailDomains to this transport (spec.transport of "
      + "the domain). Left out: only the transport's own namespace.")
  private AttachSpec attach;

  public AttachSpec getAttach() { return attach; }
  public void setAttach(AttachSpec attach) { this.attach = attach; }
}
