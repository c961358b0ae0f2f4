package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * Where {@code mta-sts.<domain>} is reachable, so the operator can publish its address (A/AAAA)
 * or CNAME record beside the domain's other records. Exactly one of the two.
 */
public class PolicyHostSpec {

  @Size(max = 8)
  @JsonPropertyDescription("IPv4/IPv6 addresses of the policy server (e.g. its LoadBalancer Service's "
      + "external IP); published as A/AAAA records of mta-sts.<domain>.")
  private List<String> addresses = new ArrayList<>();

  @Pattern(DnsNames.HOST_NAME)
  @Size(max = DnsNames.MAX_NAME_LENGTH)
  @JsonPropertyDescription("A host name that reaches the policy server; published as the CNAME of "
      + "mta-sts.<domain>.")
  private String cname;

  public List<String> getAddresses() { return addresses; }
  public void setAddresses(List<String> addresses) { this.addresses = addresses; }
  public String getCname() { return cname; }
  public void setCname(String cname) { this.cname = cname; }
}
