package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** SMTP TLS Reporting (RFC 8460). */
public class TlsRptSpec {

  @Required
  @Size(min = 1, max = 8)
  @JsonPropertyDescription("Report destinations, each a mailto: or https: URI (RFC 8460 section 3), "
      + "e.g. mailto:tls-reports@example.com.")
  private List<String> rua = new ArrayList<>();

  @JsonPropertyDescription("Reports the operator receives itself at the rua destinations (off unless set).")
  private TlsRptReceiveSpec receive;

  public TlsRptSpec() {}

  public TlsRptSpec(List<String> rua) {
    this.rua = rua;
  }

  public List<String> getRua() { return rua; }
  public void setRua(List<String> rua) { this.rua = rua; }
  public TlsRptReceiveSpec getReceive() { return receive; }
  public void setReceive(TlsRptReceiveSpec receive) { this.receive = receive; }
}
