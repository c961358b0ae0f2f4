package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One DNS record the operator wants published. */
public class DnsRecordStatus {

  /** Publication states of a record. */
  public enum State { Pending, Published, Failed }

  @JsonPropertyDescription("Owner name, fully qualified with trailing dot.")
  private String name;
  @JsonPropertyDescription("Record type, e.g. TLSA, TXT, MX.")
  private String type;
  @JsonPropertyDescription("Record data in presentation format.")
  private String value;
  @JsonPropertyDescription("TTL in seconds.")
  private Integer ttl;
  @JsonPropertyDescription("Pending (not yet observed in DNS), Published (observed) or Failed.")
  private State state;
  @JsonPropertyDescription("DNSSEC state of the record set as seen through the validating resolver: "
      + "secure, insecure, bogus or indeterminate (RFC 4035 section 4.3).")
  private String dnssec;

  public DnsRecordStatus() {}

  public DnsRecordStatus(String name, String type, String value, int ttl, State state) {
    this.name = name;
    this.type = type;
    this.value = value;
    this.ttl = ttl;
    this.state = state;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getType() { return type; }
  public void setType(String type) { this.type = type; }
  public String getValue() { return value; }
  public void setValue(String value) { this.value = value; }
  public Integer getTtl() { return ttl; }
  public void setTtl(Integer ttl) { this.ttl = ttl; }
  public State getState() { return state; }
  public void setState(State state) { this.state = state; }
  public String getDnssec() { return dnssec; }
  public void setDnssec(String dnssec) { this.dnssec = dnssec; }
}
