package io.securemail.operator.mtasts;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.securemail.operator.api.PolicyIngressSpec;
import io.securemail.operator.kube.DomainDependent;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.certs.CertNames;
import io.securemail.operator.compliance.mtasts.HttpsPolicyFetcher;
import io.securemail.operator.compliance.mtasts.PolicyFetch;
import io.securemail.operator.compliance.pki.PkixRoots;
import io.securemail.operator.dns.DnsPublication;
import io.securemail.operator.dns.RecordObserver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The MTA-STS step of a reconcile: decide the policy ({@link PolicyPlan}), hand it to the
 * namespace's policy server ({@link PolicyServer}), fetch it back the way a sending MTA would
 * (RFC 8461 section 3.3, through the configured resolver and PKIX roots), and settle what is
 * published. The TXT id moves only to a policy that fetch returned byte for byte.
 */
@ApplicationScoped
public class MtaStsHosting {

  private final PolicyServer.Settings settings;
  private final HttpsPolicyFetcher fetcher;
  private final RecordObserver resolver;
  private final int httpsPort;
  private final Duration poll;

  @Inject
  public MtaStsHosting(DnsPublication dns,
      // Default in application.properties: the project's policy server image, tagged with the project version.
      @ConfigProperty(name = "securemail.mtasts.image") String image,
      @ConfigProperty(name = "securemail.mtasts.replicas", defaultValue = "2") int replicas,
      @ConfigProperty(name = "securemail.mtasts.service-type", defaultValue = "LoadBalancer") String serviceType,
      @ConfigProperty(name = "securemail.mtasts.poll-interval", defaultValue = "10s") Duration poll,
      @ConfigProperty(name = "securemail.compliance.ca-file") Optional<Path> caFile,
      @ConfigProperty(name = "securemail.compliance.https-port", defaultValue = "443") int httpsPort,
      @ConfigProperty(name = "securemail.compliance.timeout", defaultValue = "10s") Duration timeout) {
    this.settings = new PolicyServer.Settings(image, replicas, serviceType);
    this.resolver = dns.observer();
    this.httpsPort = httpsPort;
    this.poll = poll;
    try {
      List<java.security.cert.X509Certificate> extra = caFile.isPresent() ? PkixRoots.readPem(caFile.get()) : List.of();
      this.fetcher = new HttpsPolicyFetcher(PkixRoots.systemPlus(extra), timeout);
    } catch (IOException e) {
      throw new UncheckedIOException("securemail.compliance.ca-file is unreadable: " + e.getMessage(), e);
    }
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
    PolicyServer.TlsPair tls = tlsPair(client, domain);
    try {
      new PolicyServer(client, settings).apply(domain, plan.target(), tls);
    } catch (KubernetesClientException e) {
      PolicyStep unchanged = plan.settle(null, e.getMessage(), now);
      return new MtaStsOutcome(spec, unchanged, "PolicyServerNotUpdated", "The policy server's objects in namespace "
          + domain.getMetadata().getNamespace() + " could not be written: "
          + (e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage())
          + "; the published policy stays as it was", null, poll);
    }
    if (plan.target() == null) {
      PolicyStep step = plan.settle(null, null, now);
      return new MtaStsOutcome(spec, step, null, null, null, step.retryAfter(poll, now));
    }
    PolicyFetch fetch = fetch(spec.getDomain());
    String waitingFor = fetch.ok() ? "it serves other content (a previous policy, until the server's volume is "
        + "updated)" : fetch.failure();
    if (tls == null && !fetch.ok()) {
      waitingFor = "no certificate for mta-sts." + spec.getDomain() + " yet (Secret " + CertNames.mtaStsSecret(domain)
          + ", see CertificatesReady); " + waitingFor;
    }
    PolicyStep step = plan.settle(fetch.ok() ? fetch.body() : null, fetch.failure(), now);
    return new MtaStsOutcome(spec, step, null, null, waitingFor, step.retryAfter(poll, now));
  }

  /** Removes the domain's policy and certificate from the namespace's server. */
  public void forget(SecureMailDomain domain, KubernetesClient client) {
    new PolicyServer(client, settings).forget(domain);
  }

  private PolicyFetch fetch(String domain) {
    String host = "mta-sts." + domain;
    List<InetAddress> addresses = new ArrayList<>();
    for (String type : new String[] {"A", "AAAA"}) {
      for (String value : resolver.values(host, type)) {
        if (!value.matches("[0-9A-Fa-f:.]+")) {
          continue; // the CNAME of a chain, not an address
        }
        try {
          addresses.add(InetAddress.getByName(value));
        } catch (UnknownHostException e) {
          // An address record's data is a literal; nothing to resolve, nothing to skip silently.
          throw new IllegalStateException("not an address: " + value, e);
        }
      }
    }
    return fetcher.fetch(domain, addresses, httpsPort);
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
