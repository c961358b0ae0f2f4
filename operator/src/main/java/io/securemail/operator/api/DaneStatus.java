package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * DANE key rollover state: which key is served, which is next, since when. The operator resumes
 * from it after a restart, so it holds everything the rollover remembers.
 */
public class DaneStatus {

  @JsonPropertyDescription("Initial (TLSA withheld until the MX serves the key), Stable, Switching, Retiring, or "
      + "Disabled.")
  private String phase;
  @JsonPropertyDescription("The certificate lineage (a or b) the MTA serves; its Secret is <name>-mx-<lineage>.")
  private String servingLineage;
  @JsonPropertyDescription("SHA-256 of the SubjectPublicKeyInfo of the key being served (hex), the 3 1 1 TLSA data.")
  private String currentSpkiSha256;
  @JsonPropertyDescription("SHA-256 of the SubjectPublicKeyInfo of the next key (hex), published ahead of its use.")
  private String nextSpkiSha256;
  @JsonPropertyDescription("The key just taken out of service, whose TLSA stays until no MX serves it (Retiring); "
      + "in Stable, the next key an emergency rollover set aside as possibly compromised.")
  private String retiredSpkiSha256;
  @JsonPropertyDescription("When the next key's TLSA was first observed, DNSSEC secure, for every MX host (RFC 3339).")
  private String nextTlsaObservedSince;
  @JsonPropertyDescription("When the current phase began (RFC 3339).")
  private String since;
  @JsonPropertyDescription("What the rollover waits for, if anything.")
  private String message;
  @JsonPropertyDescription("The value of the securemail.io/dane-rollover annotation last acted on. A rollover is "
      + "started once per distinct value, and the annotation is never removed, so it may be kept in Git.")
  private String lastRequest;
  @JsonPropertyDescription("The highest TLSA TTL in effect since the next key's TLSA record was published: a resolver "
      + "may hold a TLSA set without that key this long, so the switch to it waits for twice this, even after the "
      + "TTL was lowered.")
  private Integer tlsaTtlSeconds;

  public String getPhase() { return phase; }
  public void setPhase(String phase) { this.phase = phase; }
  public String getServingLineage() { return servingLineage; }
  public void setServingLineage(String servingLineage) { this.servingLineage = servingLineage; }
  public String getCurrentSpkiSha256() { return currentSpkiSha256; }
  public void setCurrentSpkiSha256(String currentSpkiSha256) { this.currentSpkiSha256 = currentSpkiSha256; }
  public String getNextSpkiSha256() { return nextSpkiSha256; }
  public void setNextSpkiSha256(String nextSpkiSha256) { this.nextSpkiSha256 = nextSpkiSha256; }
  public String getRetiredSpkiSha256() { return retiredSpkiSha256; }
  public void setRetiredSpkiSha256(String retiredSpkiSha256) { this.retiredSpkiSha256 = retiredSpkiSha256; }
  public String getNextTlsaObservedSince() { return nextTlsaObservedSince; }
  public void setNextTlsaObservedSince(String nextTlsaObservedSince) { this.nextTlsaObservedSince = nextTlsaObservedSince; }
  public String getSince() { return since; }
  public void setSince(String since) { this.since = since; }
  public String getLastRequest() { return lastRequest; }
  public void setLastRequest(String lastRequest) { this.lastRequest = lastRequest; }
  public Integer getTlsaTtlSeconds() { return tlsaTtlSeconds; }
  public void setTlsaTtlSeconds(Integer tlsaTtlSeconds) { this.tlsaTtlSeconds = tlsaTtlSeconds; }
  public String getMessage() { return message; }
  public void setMessage(String message) { this.message = message; }
}
