package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** An authoritative server that accepts TSIG-signed dynamic updates (RFC 2136, RFC 8945). */
public class Rfc2136Spec {

  /** TSIG algorithms (RFC 8945 section 6); HMAC-SHA256 is the one every server implements. */
  public enum TsigAlgorithm {
    @JsonProperty("hmac-sha256") HMAC_SHA256,
    @JsonProperty("hmac-sha384") HMAC_SHA384,
    @JsonProperty("hmac-sha512") HMAC_SHA512
  }

  @Required
  @Pattern("^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$")
  @JsonPropertyDescription("The primary server, host or host:port (port 53 when left out; IPv6 as [addr]:port).")
  private String server;

  @Required
  @Pattern(DnsNames.ZONE_NAME)
  @Size(max = DnsNames.MAX_NAME_LENGTH + 1)
  @JsonPropertyDescription("The zone the updates are for, e.g. example.com. (trailing dot optional). "
      + "The domain and every MX host must be inside it.")
  private String zone;

  @Required
  @Pattern(DnsNames.ZONE_NAME)
  @JsonPropertyDescription("The TSIG key name the server knows the key by.")
  private String tsigKeyName;

  @Default("hmac-sha256")
  @JsonPropertyDescription("The TSIG algorithm: hmac-sha256, hmac-sha384 or hmac-sha512.")
  private TsigAlgorithm tsigAlgorithm = TsigAlgorithm.HMAC_SHA256;

  @Required
  @JsonPropertyDescription("The Secret (in the resource's namespace) and key holding the base64 TSIG secret.")
  private SecretKeyRef tsigSecretRef;

  public String getServer() { return server; }
  public void setServer(String server) { this.server = server; }
  public String getZone() { return zone; }
  public void setZone(String zone) { this.zone = zone; }
  public String getTsigKeyName() { return tsigKeyName; }
  public void setTsigKeyName(String tsigKeyName) { this.tsigKeyName = tsigKeyName; }
  public TsigAlgorithm getTsigAlgorithm() { return tsigAlgorithm; }
  public void setTsigAlgorithm(TsigAlgorithm tsigAlgorithm) { this.tsigAlgorithm = tsigAlgorithm; }
  public SecretKeyRef getTsigSecretRef() { return tsigSecretRef; }
  public void setTsigSecretRef(SecretKeyRef tsigSecretRef) { this.tsigSecretRef = tsigSecretRef; }
}
