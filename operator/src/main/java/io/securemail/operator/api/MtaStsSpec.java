package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** MTA-STS (RFC 8461) policy settings. */
public class MtaStsSpec {

  /** Policy modes, RFC 8461 section 5. */
  public enum Mode {
    @JsonProperty("none") NONE,
    @JsonProperty("testing") TESTING,
    @JsonProperty("enforce") ENFORCE
  }

  /** Upper bound of max_age, RFC 8461 section 3.2 (about one year). */
  public static final long MAX_AGE_LIMIT = 31_557_600L;
  /**
   * Default lower bound of max_age: RFC 8461 section 3.2 advises weeks; under a day defeats
   * caching. The operator's setting securemail.mtasts.min-max-age moves it (a lab uses seconds).
   */
  public static final long MAX_AGE_FLOOR = 86_400L;

  /** An mx pattern: a host name, or "*." and a domain (RFC 8461 section 4.1). */
  public static final String MX_PATTERN = "^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";

  @Default("testing")
  @JsonPropertyDescription("Policy mode: testing (senders report failures but deliver), enforce (senders "
      + "deliver only over validated TLS to a listed MX), or none: withdraw MTA-STS as RFC 8461 section 8.3 "
      + "describes (a 'none' policy is served under a new id for the previous max_age, then the policy and its "
      + "TXT record are removed).")
  private Mode mode = Mode.TESTING;

  @Min(1)
  @Max(MAX_AGE_LIMIT)
  @Default("604800")
  @JsonPropertyDescription("Policy max_age in seconds, how long senders cache the policy: 86400 (or the "
      + "operator's securemail.mtasts.min-max-age) to 31557600 (RFC 8461 section 3.2).")
  private Long maxAge = 604_800L;

  @Size(max = 16)
  @JsonPropertyDescription("mx patterns for the policy instead of one line per spec.mx host, e.g. "
      + "*.example.com (a wildcard matches exactly one leftmost label, RFC 8461 section 4.1). Every spec.mx "
      + "host must match one.")
  private List<@Pattern(MX_PATTERN) String> mxPatterns = new ArrayList<>();

  @JsonPropertyDescription("Where mta-sts.<domain> is reachable: the operator publishes its A/AAAA or CNAME "
      + "record. Leave out when that record is published otherwise.")
  private PolicyHostSpec policyHost;

  public Mode getMode() { return mode; }
  public void setMode(Mode mode) { this.mode = mode; }
  public Long getMaxAge() { return maxAge; }
  public void setMaxAge(Long maxAge) { this.maxAge = maxAge; }
  @JsonPropertyDescription("Expose the policy through an Ingress (TLS terminated by the Ingress controller "
      + "with the mta-sts certificate) in addition to the policy server's own Service.")
  private PolicyIngressSpec ingress;

  public PolicyIngressSpec getIngress() { return ingress; }
  public void setIngress(PolicyIngressSpec ingress) { this.ingress = ingress; }
  public List<String> getMxPatterns() { return mxPatterns; }
  public void setMxPatterns(List<String> mxPatterns) { this.mxPatterns = mxPatterns; }
  public PolicyHostSpec getPolicyHost() { return policyHost; }
  public void setPolicyHost(PolicyHostSpec policyHost) { this.policyHost = policyHost; }
}
