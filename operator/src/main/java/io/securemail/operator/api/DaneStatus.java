package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** DANE key rollover state: which key is served, which is next, since when. */
public class DaneStatus {

  @JsonPropertyDescription("Stable, PrePublishing, Switching or Retiring.")
  private String phase;
  @JsonPropertyDescription("SHA-256 of the SubjectPublicKeyInfo of the key being served (hex).")
  private String currentSpkiSha256;
  @JsonPropertyDescription("SHA-256 of the SubjectPublicKeyInfo of the next key (hex).")
  private String nextSpkiSha256;
  @JsonPropertyDescription("When the current phase began (RFC 3339).")
  private String since;

  public String getPhase() { return phase; }
  public void setPhase(String phase) { this.phase = phase; }
  public String getCurrentSpkiSha256() { return currentSpkiSha256; }
  public void setCurrentSpkiSha256(String currentSpkiSha256) { this.currentSpkiSha256 = currentSpkiSha256; }
  public String getNextSpkiSha256() { return nextSpkiSha256; }
  public void setNextSpkiSha256(String nextSpkiSha256) { this.nextSpkiSha256 = nextSpkiSha256; }
  public String getSince() { return since; }
  public void setSince(String since) { this.since = since; }
}
