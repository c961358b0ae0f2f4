package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Nullable;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed and did, written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecureMailDomainStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready, CertificatesReady, DnsPublished, MtaStsPolicyServed, MtaReady, Compliant "
      + "(metav1.Condition shape).")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Every DNS record the operator wants published, with its state.")
  private List<DnsRecordStatus> records = new ArrayList<>();

  @JsonPropertyDescription("The ownership ledger: records this resource has written to DNS itself (rfc2136). "
      + "Only these are ever changed or withdrawn; deleting the resource withdraws them.")
  private List<DnsRecordStatus> publishedRecords = new ArrayList<>();

  @JsonPropertyDescription("Where publishedRecords were published (rfc2136): when spec.dns.rfc2136.server or zone "
      + "changes, they are withdrawn from here before anything is published to the new target.")
  // Nullable: a server-side apply that drops every field of the object leaves null behind.
  @Nullable
  private DnsTargetStatus publishedTo;

  @JsonPropertyDescription("DANE key rollover state.")
  // Nullable: a server-side apply that drops every field of the object leaves null behind.
  @Nullable
  private DaneStatus dane;

  @JsonPropertyDescription("The MTA-STS policy being served.")
  // Nullable: a server-side apply that drops every field of the object leaves null behind.
  @Nullable
  private MtaStsStatus mtaSts;

  @JsonPropertyDescription("The latest compliance verdict.")
  // Nullable: a server-side apply that drops every field of the object leaves null behind.
  @Nullable
  private ComplianceStatus compliance;

  @JsonPropertyDescription("What received TLS reports (RFC 8460) say about the domain: set once a report "
      + "about it was kept (docs/tls-reports.md).")
  // Nullable: a server-side apply that drops every field of the object leaves null behind.
  @Nullable
  private TlsReportsStatus tlsReports;

  @JsonPropertyDescription("The MailTransport this domain is attached to (spec.transport), and its state.")
  // Nullable: a server-side apply that drops every field of the object leaves null behind.
  @Nullable
  private TransportStatus transport;

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
  public List<DnsRecordStatus> getRecords() { return records; }
  public void setRecords(List<DnsRecordStatus> records) { this.records = records; }
  public List<DnsRecordStatus> getPublishedRecords() { return publishedRecords; }
  public void setPublishedRecords(List<DnsRecordStatus> publishedRecords) { this.publishedRecords = publishedRecords; }
  public DnsTargetStatus getPublishedTo() { return publishedTo; }
  public void setPublishedTo(DnsTargetStatus publishedTo) { this.publishedTo = publishedTo; }
  public DaneStatus getDane() { return dane; }
  public void setDane(DaneStatus dane) { this.dane = dane; }
  public MtaStsStatus getMtaSts() { return mtaSts; }
  public void setMtaSts(MtaStsStatus mtaSts) { this.mtaSts = mtaSts; }
  public ComplianceStatus getCompliance() { return compliance; }
  public void setCompliance(ComplianceStatus compliance) { this.compliance = compliance; }
  public TlsReportsStatus getTlsReports() { return tlsReports; }
  public void setTlsReports(TlsReportsStatus tlsReports) { this.tlsReports = tlsReports; }
  public TransportStatus getTransport() { return transport; }
  public void setTransport(TransportStatus transport) { this.transport = transport; }
}
