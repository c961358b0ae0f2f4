package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

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
  /** Lower bound of max_age: RFC 8461 section 3.2 advises weeks; under a day defeats caching. */
  public static final long MAX_AGE_FLOOR = 86_400L;

  @Default("testing")
  @JsonPropertyDescription("Policy mode: none, testing (report only) or enforce.")
  private Mode mode = Mode.TESTING;

  @Min(MAX_AGE_FLOOR)
  @Max(MAX_AGE_LIMIT)
  @Default("604800")
  @JsonPropertyDescription("Policy max_age in seconds, 86400 to 31557600 (RFC 8461 section 3.2).")
  private Long maxAge = 604_800L;

  public Mode getMode() { return mode; }
  public void setMode(Mode mode) { this.mode = mode; }
  public Long getMaxAge() { return maxAge; }
  public void setMaxAge(Long maxAge) { this.maxAge = maxAge; }
}
