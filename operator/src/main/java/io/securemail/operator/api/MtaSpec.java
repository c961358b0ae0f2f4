package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * The TLS-enforcing MTA (Postfix) the operator runs for the domain: the secure edge that receives
 * the domain's mail on port 25 and hands it to the mail store, and sends the organisation's mail
 * with DANE and MTA-STS enforced. Absent: the MX hosts are served by an MTA the operator does not
 * run, which must serve the Secret {@code NAME-mx-tls}.
 */
public class MtaSpec {

  /** TLS configurations the MTA can run with. */
  public enum TlsProfile {
    /** BSI TR-03108 with TR-02102-2: TLS 1.2+, forward-secret AEAD suites only. */
    @JsonProperty("bsi-tr-03108") BSI_TR_03108,
    /** Mozilla's intermediate configuration. */
    @JsonProperty("mozilla-intermediate") MOZILLA_INTERMEDIATE
  }

  /** How a hop is protected. */
  public enum HopTls {
    /** STARTTLS offered or used when the peer supports it (RFC 3207 opportunistic TLS). */
    @JsonProperty("may") MAY,
    /** TLS is required: no mail moves over this hop in the clear. */
    @JsonProperty("encrypt") ENCRYPT
  }

  @Min(1)
  @Max(20)
  @Default("2")
  @JsonPropertyDescription("Number of MTA replicas (1 to 20), each with its own queue volume.")
  private Integer replicas = 2;

  @Default("bsi-tr-03108")
  @JsonPropertyDescription("TLS profile of the MTA, inbound and outbound: bsi-tr-03108 or mozilla-intermediate.")
  private TlsProfile tlsProfile = TlsProfile.BSI_TR_03108;

  @Pattern(DnsNames.HOST_NAME)
  @JsonPropertyDescription("The name the MTA greets with (Postfix myhostname); default: the first MX host.")
  private String hostname;

  @Required
  @JsonPropertyDescription("Inbound: mail for the domain, received on port 25 and handed to the mail store.")
  private InboundSpec inbound = new InboundSpec();

  @JsonPropertyDescription("Outbound security: what the MTA enforces when it sends mail.")
  private OutboundSpec outbound = new OutboundSpec();

  @JsonPropertyDescription("Submission (port 587): how the hosts of outbound.allowedNetworks prove who they "
      + "are, and where the port is reachable.")
  private SubmissionSpec submission = new SubmissionSpec();

  @JsonPropertyDescription("The mail queue's volume, one per replica: queued mail survives restarts and rescheduling.")
  private QueueStorageSpec queueStorage = new QueueStorageSpec();

  public Integer getReplicas() { return replicas; }
  public void setReplicas(Integer replicas) { this.replicas = replicas; }
  public TlsProfile getTlsProfile() { return tlsProfile; }
  public void setTlsProfile(TlsProfile tlsProfile) { this.tlsProfile = tlsProfile; }
  public String getHostname() { return hostname; }
  public void setHostname(String hostname) { this.hostname = hostname; }
  public InboundSpec getInbound() { return inbound; }
  public void setInbound(InboundSpec inbound) { this.inbound = inbound; }
  public OutboundSpec getOutbound() { return outbound; }
  public void setOutbound(OutboundSpec outbound) { this.outbound = outbound; }
  public SubmissionSpec getSubmission() { return submission; }
  public void setSubmission(SubmissionSpec submission) { this.submission = submission; }
  public QueueStorageSpec getQueueStorage() { return queueStorage; }
  public void setQueueStorage(QueueStorageSpec queueStorage) { this.queueStorage = queueStorage; }

  /** Where received mail goes, and how port 25 treats senders. */
  public static class InboundSpec {

    /** Postfix next-hop syntax: transport, then a bracketed host (no MX lookup), then an optional port. */
    public static final String NEXT_HOP = "^(smtp|lmtp):\\[[A-Za-z0-9.:-]+\\](:[0-9]{1,5})?$";

    @Required
    @Pattern(NEXT_HOP)
    @JsonPropertyDescription("The mail store's SMTP or LMTP endpoint, in Postfix next-hop form, e.g. "
        + "lmtp:[dovecot.mail.svc.cluster.local]:24 or smtp:[mailstore.internal]:25.")
    private String deliverTo;

    @Default("encrypt")
    @JsonPropertyDescription("TLS towards the mail store: encrypt (default; no mail to it in the clear) or may.")
    private HopTls deliverToTls = HopTls.ENCRYPT;

    @Default("false")
    @JsonPropertyDescription("Refuse mail on port 25 from senders that do not use STARTTLS. Off by default: "
        + "RFC 3207 section 4 says a publicly-referenced MX must not require TLS; see docs/mta.md.")
    private Boolean requireTls = false;

    @Default("LoadBalancer")
    @Pattern("^(LoadBalancer|NodePort|ClusterIP)$")
    @JsonPropertyDescription("Type of the Service for port 25: LoadBalancer (default), NodePort or ClusterIP.")
    private String serviceType = "LoadBalancer";

    @JsonPropertyDescription("Annotations for the port-25 Service, e.g. what a cloud's load balancer "
        + "controller reads (its type, an address pool, health checks).")
    private java.util.Map<String, String> serviceAnnotations;

    @JsonPropertyDescription("The load balancer implementation of a LoadBalancer Service (Service "
        + "spec.loadBalancerClass; Kubernetes 1.22 or later).")
    private String loadBalancerClass;

    @Pattern("^[0-9a-fA-F:.]+$")
    @JsonPropertyDescription("A fixed address for a LoadBalancer Service, where the load balancer supports "
        + "it (Service spec.loadBalancerIP): an MX host's A/AAAA record and PTR should not change.")
    private String loadBalancerIP;

    @Default("false")
    @JsonPropertyDescription("The load balancer in front of the MTA sends the PROXY protocol (v1 or v2) "
        + "header with each connection (Postfix smtpd_upstream_proxy_protocol = haproxy). Needed where the "
        + "load balancer hides the client's address: without it allowedNetworks and every sender check see "
        + "the balancer. A connection without the header is then refused: enable it only together with the "
        + "load balancer's own setting.")
    private Boolean proxyProtocol = false;

    @JsonPropertyDescription("Further mail domains this MTA receives mail for, each with its own next hop. "
        + "Set by a MailTransport on its fleet domain, one per attached SecureMailDomain; a change reaches the "
        + "running MTA by reload.")
    private java.util.List<InboundRoute> routes = new java.util.ArrayList<>();

    public java.util.List<InboundRoute> getRoutes() { return routes; }
    public void setRoutes(java.util.List<InboundRoute> routes) { this.routes = routes; }

    public java.util.Map<String, String> getServiceAnnotations() { return serviceAnnotations; }
    public void setServiceAnnotations(java.util.Map<String, String> serviceAnnotations) {
      this.serviceAnnotations = serviceAnnotations;
    }
    public String getLoadBalancerClass() { return loadBalancerClass; }
    public void setLoadBalancerClass(String loadBalancerClass) { this.loadBalancerClass = loadBalancerClass; }
    public String getLoadBalancerIP() { return loadBalancerIP; }
    public void setLoadBalancerIP(String loadBalancerIP) { this.loadBalancerIP = loadBalancerIP; }
    public Boolean getProxyProtocol() { return proxyProtocol; }
    public void setProxyProtocol(Boolean proxyProtocol) { this.proxyProtocol = proxyProtocol; }
    public String getDeliverTo() { return deliverTo; }
    public void setDeliverTo(String deliverTo) { this.deliverTo = deliverTo; }
    public HopTls getDeliverToTls() { return deliverToTls; }
    public void setDeliverToTls(HopTls deliverToTls) { this.deliverToTls = deliverToTls; }
    public Boolean getRequireTls() { return requireTls; }
    public void setRequireTls(Boolean requireTls) { this.requireTls = requireTls; }
    public String getServiceType() { return serviceType; }
    public void setServiceType(String serviceType) { this.serviceType = serviceType; }
  }

  /** What outbound delivery enforces, and who may send through the MTA. */
  public static class OutboundSpec {

    @Default("true")
    @JsonPropertyDescription("Enforce DANE (RFC 7672) towards destinations that publish usable TLSA records.")
    private Boolean dane = true;

    @Default("true")
    @JsonPropertyDescription("Enforce MTA-STS (RFC 8461) towards destinations with an enforce policy; DANE, "
        + "where a destination has it, takes precedence (RFC 8461 section 2).")
    private Boolean mtaSts = true;

    @Size(max = 32)
    @JsonPropertyDescription("Networks (CIDR) whose hosts may send mail to the internet through the submission "
        + "port 587, which accepts mail only over TLS and only from a client presenting a certificate whose key "
        + "spec.mta.submission.clientCertificates lists. Empty: the MTA relays nothing outbound. A prefix of 0 "
        + "(0.0.0.0/0, ::/0) is refused.")
    private List<@Pattern("^[0-9a-fA-F:.]+/[1-9][0-9]{0,2}$") String> allowedNetworks = new ArrayList<>();

    @Default("true")
    @JsonPropertyDescription("Remove the internal hops' Received headers and client addresses from outbound mail.")
    private Boolean stripInternalHeaders = true;

    public Boolean getDane() { return dane; }
    public void setDane(Boolean dane) { this.dane = dane; }
    public Boolean getMtaSts() { return mtaSts; }
    public void setMtaSts(Boolean mtaSts) { this.mtaSts = mtaSts; }
    public List<String> getAllowedNetworks() { return allowedNetworks; }
    public void setAllowedNetworks(List<String> allowedNetworks) { this.allowedNetworks = allowedNetworks; }
    public Boolean getStripInternalHeaders() { return stripInternalHeaders; }
    public void setStripInternalHeaders(Boolean stripInternalHeaders) { this.stripInternalHeaders = stripInternalHeaders; }
  }

  /**
   * Submission (port 587, RFC 6409) for the organisation's systems: from allowedNetworks only, over
   * TLS only, and only for a client that authenticates with a TLS client certificate. Postfix checks
   * the certificate's key itself (check_ccert_access), so no SASL daemon runs beside it.
   */
  public static class SubmissionSpec {

    @JsonPropertyDescription("The TLS client certificates that may submit; required when "
        + "spec.mta.outbound.allowedNetworks is set.")
    private ClientCertificatesSpec clientCertificates = new ClientCertificatesSpec();

    @Default("false")
    @JsonPropertyDescription("Also offer port 587 on the port-25 Service (NAME-mta, by default a LoadBalancer). Off "
        + "by default: submission is reachable only through its own ClusterIP Service NAME-mta-submission.")
    private Boolean onInboundService = false;

    public ClientCertificatesSpec getClientCertificates() { return clientCertificates; }
    public void setClientCertificates(ClientCertificatesSpec clientCertificates) {
      this.clientCertificates = clientCertificates;
    }
    public Boolean getOnInboundService() { return onInboundService; }
    public void setOnInboundService(Boolean onInboundService) { this.onInboundService = onInboundService; }
  }

  /** Which client certificates authenticate a submission client. */
  public static class ClientCertificatesSpec {

    /** A SHA-256 digest in hex: 64 digits, or 32 pairs separated by colons (as openssl prints it). */
    public static final String SHA256_HEX = "^([0-9a-fA-F]{64}|([0-9a-fA-F]{2}:){31}[0-9a-fA-F]{2})$";

    @Size(max = 64)
    @JsonPropertyDescription("SHA-256 digests of the clients' public keys (SubjectPublicKeyInfo, the data of a "
        + "TLSA 3 1 1 record), in hex. A key stays valid across renewals of its certificate; the certificate "
        + "need not be signed by any particular CA.")
    private List<@Pattern(SHA256_HEX) String> spkiSha256 = new ArrayList<>();

    public List<String> getSpkiSha256() { return spkiSha256; }
    public void setSpkiSha256(List<String> spkiSha256) { this.spkiSha256 = spkiSha256; }
  }

  /** The queue's PersistentVolumeClaim template. */
  public static class QueueStorageSpec {

    @Default("1Gi")
    @Pattern("^[0-9]+(Mi|Gi|Ti)$")
    @JsonPropertyDescription("Size of each replica's queue volume, e.g. 1Gi.")
    private String size = "1Gi";

    @JsonPropertyDescription("StorageClass of the queue volumes; default: the cluster's default class.")
    private String storageClassName;

    public String getSize() { return size; }
    public void setSize(String size) { this.size = size; }
    public String getStorageClassName() { return storageClassName; }
    public void setStorageClassName(String storageClassName) { this.storageClassName = storageClassName; }
  }
}
