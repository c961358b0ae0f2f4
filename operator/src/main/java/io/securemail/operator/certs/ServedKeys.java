package io.securemail.operator.certs;

import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import io.securemail.operator.compliance.smtp.SmtpProbe;
import io.securemail.operator.dns.Tlsa;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Which keys the MX endpoints serve right now, seen from outside like a sending MTA sees them:
 * every address (A and AAAA) of every MX host, EHLO, STARTTLS (RFC 3207), TLS handshake, SPKI
 * SHA-256 of the leaf certificate. The compliance engine's adapters do the talking: its DNS probe
 * resolves the hosts, its SMTP probe holds the conversation (deadlines, reply limits, the check
 * that nothing was sent ahead of the handshake). The certificate is not validated here: the
 * question is only which key is served; whether it is trustworthy is the compliance engine's business.
 */
public final class ServedKeys {

  /** What the probe saw: the keys served, and the endpoints that could not be probed (with why). */
  public record Result(Set<String> servedSpkis, List<String> endpoints, List<String> failures) {

    /** Keys served, or empty when any endpoint failed: an unknown endpoint might serve anything. */
    public Set<String> conclusive() {
      return failures.isEmpty() ? servedSpkis : Set.of();
    }

    public String summary() {
      return endpoints.size() + " MX endpoint(s) probed" + (failures.isEmpty() ? "" : "; failed: " + failures);
    }
  }

  private final DnsProbe dns;
  private final SmtpProbe smtp;
  private final int port;
  private final Executor conversations;
  private final Duration patience;

  /** Probes on the calling thread, waiting for every endpoint's answer: for the {@code check} command and tests. */
  public ServedKeys(DnsProbe dns, SmtpProbe smtp, int port) {
    this(dns, smtp, port, Runnable::run, null);
  }

  /**
   * @param port where the MX endpoints are probed: 25 except in a lab
   * @param conversations where the SMTP conversations run (every endpoint at once), so a slow or
   *     hostile MX holds one of those threads rather than the caller's
   * @param patience how long the caller waits for them; an endpoint still being probed then counts
   *     as not probed (the conversation goes on, and a polite probe keeps its answer for the next look)
   */
  public ServedKeys(DnsProbe dns, SmtpProbe smtp, int port, Executor conversations, Duration patience) {
    this.dns = dns;
    this.smtp = smtp;
    this.port = port;
    this.conversations = conversations;
    this.patience = patience;
  }

  /** A Pod behind the MTA's Service, probed on its own address: a connection to the Service reaches only one. */
  public record Backend(String pod, InetAddress address, int port) {}

  public Result probe(List<String> mxHosts) {
    return probe(mxHosts, List.of());
  }

  /**
   * Every address of every MX host, and every backend of the MTA (each with the first MX host's
   * name as SNI): the key the MX hosts serve is the key every replica serves, not the one that
   * answered a connection to the Service.
   */
  public Result probe(List<String> mxHosts, List<Backend> backends) {
    return probe(dns, mxHosts, backends);
  }

  /** {@link #probe(List, List)} with the MX hosts' addresses looked up through {@code dns}. */
  public Result probe(DnsProbe dns, List<String> mxHosts, List<Backend> backends) {
    List<Endpoint> endpoints = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (String host : mxHosts) {
      DnsAnswer a = dns.lookup(host, "A");
      DnsAnswer aaaa = dns.lookup(host, "AAAA");
      List<InetAddress> addresses = new ArrayList<>(a.addresses());
      addresses.addAll(aaaa.addresses());
      if (addresses.isEmpty()) {
        failures.add(host + " has no address" + lookupFailure(a, aaaa));
      } else if (!a.answered() || !aaaa.answered()) {
        // A failed lookup is not "no records": the endpoints behind it are unknown (an IPv6 MX
        // still serving the old key would be missed), so the probe is not conclusive.
        failures.add(host + ": its other addresses are unknown" + lookupFailure(a, aaaa));
      }
      addresses.forEach(address -> endpoints.add(new Endpoint(host, host, address, port, false)));
    }
    for (Backend backend : backends) {
      endpoints.add(new Endpoint("MTA Pod " + backend.pod(), mxHosts.isEmpty() ? backend.pod() : mxHosts.get(0),
          backend.address(), backend.port(), true));
    }
    Map<Endpoint, CompletableFuture<SmtpObservation>> asked = new LinkedHashMap<>();
    endpoints.forEach(e -> asked.put(e, CompletableFuture.supplyAsync(() -> e.backend()
        ? smtp.probeBackend(e.sni(), e.address(), e.port()) : smtp.probe(e.sni(), e.address(), e.port()),
        conversations)));
    Set<String> served = new TreeSet<>();
    long deadline = patience == null ? Long.MAX_VALUE : System.nanoTime() + patience.toNanos();
    for (Map.Entry<Endpoint, CompletableFuture<SmtpObservation>> answer : asked.entrySet()) {
      Endpoint endpoint = answer.getKey();
      SmtpObservation seen = await(answer.getValue(), deadline);
      if (seen == null) {
        String before = smtp.lastAnswer(endpoint.sni(), endpoint.address(), endpoint.port())
            .map(o -> "; the last conversation: " + o.detail()).orElse("");
        failures.add(endpoint + ": still being probed after " + patience.toSeconds() + " s (a slow server; "
            + "its answer counts at the next look" + before + ")");
      } else if (seen.tls() != null && !seen.tls().chain().isEmpty()) {
        // The handshake completed: the key is served, whatever happens on the connection after it.
        served.add(Tlsa.spkiSha256(seen.tls().chain().get(0).getPublicKey()));
      } else {
        failures.add(endpoint + ": " + seen.detail());
      }
    }
    return new Result(served, endpoints.stream().map(Endpoint::toString).toList(), failures);
  }

  /**
   * One address probed: an MX host's or an MTA Pod's, with the name sent as SNI.
   *
   * @param label what the endpoint is, for people: the MX host name, or "MTA Pod NAME"
   * @param backend an MTA Pod, at the address the API server gave (not one a tenant's DNS chose)
   */
  private record Endpoint(String label, String sni, InetAddress address, int port, boolean backend) {
    @Override
    public String toString() {
      return label + " (" + address.getHostAddress() + ":" + port + ")";
    }
  }

  /** The answer, or null if it is not there by the deadline. */
  private static SmtpObservation await(CompletableFuture<SmtpObservation> answer, long deadline) {
    try {
      long left = deadline - System.nanoTime();
      return deadline == Long.MAX_VALUE ? answer.join() : answer.get(Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the SMTP probe failed: " + e.getCause(), e.getCause());
    }
  }

  /** Why a lookup gave nothing, when it failed rather than found no record: "" otherwise. */
  private static String lookupFailure(DnsAnswer a, DnsAnswer aaaa) {
    DnsAnswer failed = !a.answered() ? a : !aaaa.answered() ? aaaa : null;
    return failed == null ? "" : " (" + failed.describe() + ")";
  }
}
