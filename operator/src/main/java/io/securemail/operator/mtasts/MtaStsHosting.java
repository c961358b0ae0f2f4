package io.securemail.operator.mtasts;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.securemail.operator.api.PolicyIngressSpec;
import io.securemail.operator.kube.DomainDependent;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.certs.CertNames;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.mtasts.PolicyFetch;
import io.securemail.operator.compliance.mtasts.PolicyFetcher;
import io.securemail.operator.observe.OperatorProbes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The MTA-STS step of a reconcile: decide the policy ({@link PolicyPlan}), hand it to the
 * namespace's policy server ({@link PolicyServer}), fetch it back the way a sending MTA would
 * (RFC 8461 section 3.3, through the configured resolver and PKIX roots), and settle what is
 * published. The TXT id moves only to a policy that fetch returned byte for byte, and that every ready
 * replica of the policy server serves ({@link PolicyBackends}).
 */
@ApplicationScoped
public class MtaStsHosting {

  private final PolicyServer server;
  private final PolicyFetcher fetcher;
  /** DNS as the domain's status sees it: a resolver timeout shows the last definite answer ({@link OperatorProbes#dnsFor}). */
  private final Function<SecureMailDomain, DnsProbe> resolver;
  private final int httpsPort;
  private final Duration poll;
  /** Per domain uid: the mta-sts Certificate's issuance whose certificate and key the policy server holds. */
  private final Map<String, String> issuanceServed = new ConcurrentHashMap<>();

  /** Without TLS reports passed on by the policy servers. */
  public MtaStsHosting(OperatorProbes probes, String image, int replicas, String serviceType, Duration poll,
      Optional<List<String>> pullSecrets) {
    this(probes, image, replicas, serviceType, poll, pullSecrets, Optional.empty(), 1);
  }

  @Inject
  public MtaStsHosting(OperatorProbes probes,
      // Default in application.properties: the project's policy server image, tagged with the project version.
      @ConfigProperty(name = "securemail.mtasts.image") String image,
      @ConfigProperty(name = "securemail.mtasts.replicas", defaultValue = "2") int replicas,
      @ConfigProperty(name = "securemail.mtasts.service-type", defaultValue = "LoadBalancer") String serviceType,
      @ConfigProperty(name = "securemail.mtasts.poll-interval", defaultValue = "10s") Duration poll,
      @ConfigProperty(name = "securemail.mtasts.image-pull-secrets") Optional<List<String>> pullSecrets,
      // HOST:PORT of the operator's report Service (the chart sets it): the policy hosts pass
      // POST /tlsrpt there (docs/tls-reports.md); unset, they answer it 404.
      @ConfigProperty(name = "securemail.tlsrpt.receiver") Optional<String> reportReceiver,
      @ConfigProperty(name = "securemail.tlsrpt.max-bytes", defaultValue = "1048576") long reportMaxBytes) {
    this.server = new PolicyServer(new PolicyServer.Settings(image, replicas, serviceType,
        pullSecrets.orElse(List.of()), reportReceiver.filter(r -> !r.isBlank())
            .map(r -> new PolicyServerConfig.ReportProxy(r.strip(), reportMaxBytes)).orElse(null)),
        Clock.systemUTC());
    this.resolver = probes::dnsFor;
    this.httpsPort = probes.httpsPort();
    this.poll = poll;
    this.fetcher = probes.policy();
  }

  /**
   * Called with a domain's namespace and name when a write of its policy server entries that its
   * reconcile left to the server's next batch failed: its next reconcile reports it and tries again.
   */
  public void whenSiteWriteFailed(java.util.function.BiConsumer<String, String> listener) {
    server.onSiteWriteFailed(id -> {
      int slash = id.indexOf('/');
      listener.accept(id.substring(0, slash), id.substring(slash + 1));
    });
  }

  public MtaStsOutcome reconcile(SecureMailDomain domain, KubernetesClient client, Context<SecureMailDomain> context,
      Instant now) {
    var spec = domain.getSpec();
    PolicyPlan plan = PolicyPlan.of(spec, domain.getStatus() == null ? null : domain.getStatus().getMtaSts(), now);
    PolicyIngressSpec ingress = spec.getMtaSts().getIngress();
    if (ingress != null && plan.target() != null) {
      // Planned before anything can fail: an unplanned Ingress is one the workflow deletes.
      DomainDependent.plan(context, PolicyIngress.class, PolicyIngress.desired(domain, ingress));
    }
    boolean haveCertificate;
    try {
      haveCertificate = serveCertificate(client, domain, context, plan);
    } catch (KubernetesClientException e) {
      PolicyStep unchanged = plan.settle(null, e.getMessage(), now);
      return new MtaStsOutcome(spec, unchanged, "PolicyServerNotUpdated", "The policy server's objects in namespace "
          + domain.getMetadata().getNamespace() + " could not be written: "
          + (e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage())
          + "; the published policy stays as it was", null, poll, null);
    }
    if (plan.target() == null) {
      PolicyStep step = plan.settle(null, null, now);
      return new MtaStsOutcome(spec, step, null, null, null, step.retryAfter(poll, now), null);
    }
    PolicyFetch fetch = PolicyBackends.judge(fetch(domain), spec.getDomain(),
        PolicyBackends.of(client, domain.getMetadata().getNamespace(), PolicyServer.podSelector()), fetcher,
        PolicyServerConfig.HTTPS_PORT);
    String waitingFor = fetch.ok() ? "it serves other content (a previous policy, until the server's volume is "
        + "updated)" : fetch.failure();
    if (!haveCertificate && !fetch.ok()) {
      waitingFor = "no certificate for mta-sts." + spec.getDomain() + " yet (Secret " + CertNames.mtaStsSecret(domain)
          + ", see CertificatesReady); " + waitingFor;
    }
    PolicyStep step = plan.settle(fetch.ok() ? fetch.body() : null, fetch.failure(), now);
    return new MtaStsOutcome(spec, step, null, null, waitingFor, step.retryAfter(poll, now),
        server.entriesChangedAt(domain));
  }

  /**
   * Hands the policy server the domain's policy, and its certificate and key as cert-manager last
   * issued them. The certificate's Secret is read only for an issuance the server does not hold yet
   * (a Certificate's status.revision moves with each one), and not before the first: a thousand
   * domains' reconciles would otherwise each read a Secret that changes every few weeks, or does
   * not exist yet. Whether a certificate is served.
   */
  private boolean serveCertificate(KubernetesClient client, SecureMailDomain domain, Context<SecureMailDomain> context,
      PolicyPlan plan) {
    String uid = domain.getMetadata().getUid();
    Optional<Certificate> certificate = DomainDependent.observed(context, Certificate.class, CertNames.mtaSts(domain));
    String issuance = certificate.map(MtaStsHosting::issuance).orElse(null);
    if (certificate.isPresent() && issuance == null) {
      // Not issued yet: cert-manager has written nothing to read (asked for, the Secret answered
      // 404 at every reconcile of every new domain). What the server holds stays.
      return server.apply(client, domain, plan.target(), null);
    }
    if (issuance != null && issuance.equals(issuanceServed.get(uid))) {
      if (server.apply(client, domain, plan.target(), null)) {
        return true;
      }
      // The server lost the entries (its Secret deleted or edited by hand): from the Secret again.
      issuanceServed.remove(uid);
    }
    PolicyServer.TlsPair tls = tlsPair(client, domain);
    if (server.apply(client, domain, plan.target(), tls) && tls != null && issuance != null && uid != null) {
      issuanceServed.put(uid, issuance);
    }
    return tls != null;
  }

  /** One issuance of a Certificate (null before the first): it, its revision and the end of its validity. */
  private static String issuance(Certificate certificate) {
    var status = certificate.getStatus();
    if (status == null || status.getRevision() == null) {
      return null;
    }
    return certificate.getMetadata().getUid() + "/" + status.getRevision() + "/" + status.getNotAfter();
  }

  /**
   * What deleting the domain leaves behind at senders, when it had a policy other than {@code none}
   * announced: senders keep the cached policy for its max_age (RFC 8461 section 5) and refuse MX
   * hosts it does not list until then. The orderly way out is a {@code none} policy first
   * (section 8.3, spec.mtaSts.mode: none). Null when nothing is cached anywhere.
   */
  public static String droppedPolicy(SecureMailDomain domain) {
    var sts = domain.getStatus() == null ? null : domain.getStatus().getMtaSts();
    if (sts == null || sts.getPolicyId() == null || sts.getMode() == null || "none".equals(sts.getMode())) {
      return null;
    }
    return "Deleted while senders may cache MTA-STS policy " + sts.getPolicyId() + " (mode " + sts.getMode()
        + ", mx " + String.join(", ", sts.getMx()) + ") for up to " + sts.getMaxAge() + " s: until then they "
        + "refuse MX hosts it does not list. To leave MTA-STS, set spec.mtaSts.mode: none and delete the domain "
        + "after status.mtaSts.withdrawAt";
  }

  /**
   * Removes the domain's policy and certificate from the namespace's server, and the server itself
   * with the namespace's last domain.
   *
   * @param lastInNamespace no other domain of the namespace remains (none that is not being deleted)
   */
  public void forget(SecureMailDomain domain, KubernetesClient client, boolean lastInNamespace) {
    issuanceServed.remove(domain.getMetadata().getUid());
    server.forget(client, domain);
    if (lastInNamespace) {
      server.remove(client, domain.getMetadata().getNamespace());
    }
  }

  private PolicyFetch fetch(SecureMailDomain domain) {
    String host = "mta-sts." + domain.getSpec().getDomain();
    DnsProbe dns = resolver.apply(domain);
    List<InetAddress> addresses = new ArrayList<>(dns.lookup(host, "A").addresses());
    addresses.addAll(dns.lookup(host, "AAAA").addresses());
    return fetcher.fetch(domain.getSpec().getDomain(), addresses, httpsPort);
  }

  /** The mta-sts certificate and key once cert-manager has issued them; null before. */
  private static PolicyServer.TlsPair tlsPair(KubernetesClient client, SecureMailDomain domain) {
    Secret secret = client.secrets().inNamespace(domain.getMetadata().getNamespace())
        .withName(CertNames.mtaStsSecret(domain)).get();
    Map<String, String> data = secret == null ? null : secret.getData();
    if (data == null) {
      return null;
    }
    String crt = decode(data.get("tls.crt"));
    String key = decode(data.get("tls.key"));
    return crt.isBlank() || key.isBlank() ? null : new PolicyServer.TlsPair(crt, key);
  }

  private static String decode(String base64) {
    return base64 == null ? "" : new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
  }
}
