package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A domain served by a {@link MailTransport}: the fleet's MX hosts receive its mail and hand it to
 * the domain's own next hop.
 */
public class TransportRef {

  @Required
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("The MailTransport's name.")
  private String name;

  @Size(max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("The MailTransport's namespace; default: the domain's own. The transport's "
      + "spec.attach decides whether this namespace may attach.")
  private String namespace;

  @Pattern(MtaSpec.InboundSpec.NEXT_HOP)
  @JsonPropertyDescription("Where the fleet hands the domain's mail, in Postfix next-hop form (e.g. "
      + "lmtp:[dovecot.customer-a.svc.cluster.local]:24); default: the transport's spec.mta.inbound.deliverTo.")
  private String deliverTo;

  @Default("encrypt")
  @JsonPropertyDescription("TLS towards deliverTo: encrypt (default; no mail to it in the clear) or may.")
  private MtaSpec.HopTls deliverToTls = MtaSpec.HopTls.ENCRYPT;

  public TransportRef() {}

  public TransportRef(String name, String namespace) {
    this.name = name;
    this.namespace = namespace;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getNamespace() { return namespace; }
  public void setNamespace(String namespace) { this.namespace = namespace; }
  public String getDeliverTo() { return deliverTo; }
  public void setDeliverTo(String deliverTo) { this.deliverTo = deliverTo; }
  public MtaSpec.HopTls getDeliverToTls() { return deliverToTls; }
  public void setDeliverToTls(MtaSpec.HopTls deliverToTls) { this.deliverToTls = deliverToTls; }

  /** The transport's namespace, the domain's own when the reference names none. */
  public String namespaceOr(String own) {
    return namespace == null || namespace.isBlank() ? own : namespace;
  }
}
