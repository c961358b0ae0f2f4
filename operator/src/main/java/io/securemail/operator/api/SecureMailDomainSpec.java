package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** The desired secure mail transport of one domain. */
public class SecureMailDomainSpec {

  @Required
  @Pattern(DnsNames.HOST_NAME)
  @Size(max = DnsNames.MAX_NAME_LENGTH)
  @JsonPropertyDescription("The mail domain (the right-hand side of the addresses), a lowercase DNS name "
      + "without trailing dot, e.g. example.com.")
  private String domain;

  @Size(max = 16)
  @JsonPropertyDescription("The hosts that receive mail for the domain, served by the operator's MTA. "
      + "Each gets a certificate and a DANE TLSA record and is listed in the MTA-STS policy. Required unless "
      + "spec.transport is set, and then left out: the transport's MX hosts serve the domain.")
  private List<MxHost> mx = new ArrayList<>();

  @JsonPropertyDescription("Attach the domain to a MailTransport (one MX fleet for many domains) instead of "
      + "describing its own MX hosts: the fleet's MX hosts, their TLSA records and its MTA serve the domain, "
      + "which keeps its own MX records, MTA-STS policy, TLS-RPT record and next hop. Excludes spec.mx and "
      + "spec.mta.")
  private TransportRef transport;

  @JsonPropertyDescription("Certificates for the MX hosts and the mta-sts host, issued by cert-manager.")
  private CertificatesSpec certificates = new CertificatesSpec();

  @JsonPropertyDescription("DANE (RFC 7672): TLSA records for every MX host and the key rollover schedule.")
  private DaneSpec dane = new DaneSpec();

  @JsonPropertyDescription("MTA-STS (RFC 8461): the policy served at https://mta-sts.<domain>/.well-known/mta-sts.txt.")
  private MtaStsSpec mtaSts = new MtaStsSpec();

  @JsonPropertyDescription("SMTP TLS Reporting (RFC 8460): where sending servers report TLS failures. "
      + "Leave out to publish no TLS-RPT record.")
  private TlsRptSpec tlsRpt;

  @JsonPropertyDescription("How the domain's DNS records are published.")
  private DnsSpec dns = new DnsSpec();

  @JsonPropertyDescription("The TLS-enforcing MTA (Postfix) the operator runs for the MX hosts. Leave it out "
      + "when the MX hosts are served by an MTA you run yourself: it must then serve the Secret NAME-mx-tls.")
  private MtaSpec mta;

  @JsonPropertyDescription("Continuous outside-in compliance checking of the domain.")
  private ComplianceSpec compliance = new ComplianceSpec();

  public String getDomain() { return domain; }
  public void setDomain(String domain) { this.domain = domain; }
  public List<MxHost> getMx() { return mx; }
  public TransportRef getTransport() { return transport; }
  public void setTransport(TransportRef transport) { this.transport = transport; }
  public void setMx(List<MxHost> mx) { this.mx = mx; }
  public CertificatesSpec getCertificates() { return certificates; }
  public void setCertificates(CertificatesSpec certificates) { this.certificates = certificates; }
  public DaneSpec getDane() { return dane; }
  public void setDane(DaneSpec dane) { this.dane = dane; }
  public MtaStsSpec getMtaSts() { return mtaSts; }
  public void setMtaSts(MtaStsSpec mtaSts) { this.mtaSts = mtaSts; }
  public TlsRptSpec getTlsRpt() { return tlsRpt; }
  public void setTlsRpt(TlsRptSpec tlsRpt) { this.tlsRpt = tlsRpt; }
  public DnsSpec getDns() { return dns; }
  public void setDns(DnsSpec dns) { this.dns = dns; }
  public MtaSpec getMta() { return mta; }
  public void setMta(MtaSpec mta) { this.mta = mta; }
  public ComplianceSpec getCompliance() { return compliance; }
  public void setCompliance(ComplianceSpec compliance) { this.compliance = compliance; }
}
