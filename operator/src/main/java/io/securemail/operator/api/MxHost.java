package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One host that receives mail for the domain. */
public class MxHost {

  @Required
  @Pattern(DnsNames.HOST_NAME)
  @Size(max = DnsNames.MAX_NAME_LENGTH)
  @JsonPropertyDescription("The MX host name, a lowercase DNS name without trailing dot, e.g. mx1.example.com.")
  private String host;

  @Min(0)
  @Max(65535)
  @Default("10")
  @JsonPropertyDescription("The MX preference (RFC 5321 section 5.1): lower is tried first.")
  private Integer priority = 10;

  public MxHost() {}

  public MxHost(String host, int priority) {
    this.host = host;
    this.priority = priority;
  }

  public String getHost() { return host; }
  public void setHost(String host) { this.host = host; }
  public Integer getPriority() { return priority; }
  public void setPriority(Integer priority) { this.priority = priority; }
}
