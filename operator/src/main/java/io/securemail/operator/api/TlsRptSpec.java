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

  @JsonPropertyDescription("Reports the operator receives and reads itself (docs/tls-reports.md).")
  private TlsRptReceiveSpec receive;

  public TlsRptSpec() {}

  public TlsRptSpec(List<String> rua) {
    this.rua = rua;
  }

  public List<String> getRua() { return rua; }
  public void setRua(List<String> rua) { this.rua = rua; }
  public TlsRptReceiveSpec getReceive() { return receive; }
  public void setReceive(TlsRptReceiveSpec receive) { this.receive = receive; }

  /** Whether the operator receives this domain's reports over HTTPS on its policy host. */
  public boolean receivesHttps() {
    return receive != null && Boolean.TRUE.equals(receive.getHttps());
  }

  /**
   * The rua as published (RFC 8460 section 3): the listed URIs, then the operator's own https: URI
   * when it receives over HTTPS and the list does not name it already.
   */
  public List<String> publishedRua(String domain) {
    List<String> published = new ArrayList<>(rua);
    String name = domain.toLowerCase(java.util.Locale.ROOT);
    String own = TlsRptReceiveSpec.httpsUri(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
    if (receivesHttps() && published.stream().noneMatch(own::equalsIgnoreCase)) {
      published.add(own);
    }
    return published;
  }
}
