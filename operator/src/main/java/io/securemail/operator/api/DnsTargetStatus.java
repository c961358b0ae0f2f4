package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Where the ownership ledger's records were published through RFC 2136. */
public class DnsTargetStatus {

  @JsonPropertyDescription("The server the records were sent to (spec.dns.rfc2136.server when they were).")
  private String server;
  @JsonPropertyDescription("The zone they were published in (spec.dns.rfc2136.zone when they were).")
  private String zone;

  public DnsTargetStatus() {}

  public DnsTargetStatus(String server, String zone) {
    this.server = server;
    this.zone = zone;
  }

  public String getServer() { return server; }
  public void setServer(String server) { this.server = server; }
  public String getZone() { return zone; }
  public void setZone(String zone) { this.zone = zone; }

  @Override
  public boolean equals(Object o) {
    return o instanceof DnsTargetStatus other && Objects.equals(server, other.server) && Objects.equals(zone, other.zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(server, zone);
  }

  @Override
  public String toString() {
    return server + " zone " + zone;
  }
}
