package io.securemail.operator.tenancy;

import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.PolicyHostSpec;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.ServerAddress;
import io.securemail.operator.compliance.net.TargetGuard;
import io.securemail.operator.observe.OperatorProbes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The servers a domain's spec makes the operator connect to, checked before a reconcile acts:
 * the RFC 2136 primary ({@code spec.dns.rfc2136.server}), the MX hosts (the key probe and the
 * compliance checks) and the policy host {@code mta-sts.<domain>} (the fetch-back). One in a
 * range the {@link TargetGuard} refuses stops the reconcile with a named reason, before any
 * connection, so a tenant cannot use the operator to reach into the cluster's network and read the
 * answers in status. The probes carry the same guard, for names whose addresses change in between.
 */
@ApplicationScoped
public class NetworkTargets {

  /** Ready's reason when spec.dns.rfc2136.server is in a refused range. */
  public static final String DNS_SERVER_NOT_ALLOWED = "DnsServerNotAllowed";
  /** Ready's reason when an MX host or the policy host is in a refused range. */
  public static final String PROBE_TARGET_NOT_ALLOWED = "ProbeTargetNotAllowed";

  /** A target the operator will not connect to: the condition reason and what it names. */
  public record Refusal(String reason, String message) {}

  /** Looks a host name up the way the RFC 2136 publisher does (the JVM's resolver). */
  @FunctionalInterface
  public interface HostLookup {
    List<InetAddress> addresses(String host) throws UnknownHostException;
  }

  private final TargetGuard guard;
  private final DnsProbe dns;
  private final HostLookup system;

  @Inject
  public NetworkTargets(OperatorProbes probes) {
    this(probes.targets(), probes.dns(), host -> Arrays.asList(InetAddress.getAllByName(host)));
  }

  public NetworkTargets(TargetGuard guard, DnsProbe dns, HostLookup system) {
    this.guard = guard;
    this.dns = dns;
    this.system = system;
  }

  /** The first target of the spec the operator may not connect to, if any. */
  public Optional<Refusal> refusal(SecureMailDomainSpec spec) {
    if (!guard.refuses()) {
      return Optional.empty();
    }
    Optional<Refusal> server = dnsServerRefusal(spec);
    if (server.isPresent()) {
      return server;
    }
    PolicyHostSpec policyHost = spec.getMtaSts() == null ? null : spec.getMtaSts().getPolicyHost();
    List<String> literals = policyHost == null || policyHost.getAddresses() == null ? List.of()
        : policyHost.getAddresses();
    for (int i = 0; i < literals.size(); i++) {
      Optional<String> why = literal(literals.get(i)).flatMap(guard::refusal);
      if (why.isPresent()) {
        return Optional.of(new Refusal(PROBE_TARGET_NOT_ALLOWED, "spec.mtaSts.policyHost.addresses[" + i + "]: "
            + why.get() + " (the policy is fetched back from it)"));
      }
    }
    List<MxHost> mx = spec.getMx() == null ? List.of() : spec.getMx();
    for (int i = 0; i < mx.size(); i++) {
      Optional<String> why = resolvedRefusal(mx.get(i).getHost());
      if (why.isPresent()) {
        return Optional.of(new Refusal(PROBE_TARGET_NOT_ALLOWED, "spec.mx[" + i + "].host " + mx.get(i).getHost()
            + " resolves to an address the operator does not connect to: " + why.get() + " (the MX key probe and the compliance checks connect to it)"));
      }
    }
    String host = "mta-sts." + spec.getDomain();
    return resolvedRefusal(host).map(why -> new Refusal(PROBE_TARGET_NOT_ALLOWED, "the policy host " + host
        + " resolves to an address the operator does not connect to: " + why + " (the policy is fetched back from it)"));
  }

  /**
   * Whether spec.dns.rfc2136.server is refused (checked whenever the spec has one, since a change of
   * provider withdraws through it too). A name that does not resolve is left to the publisher, which
   * reports it as it always has.
   */
  public Optional<Refusal> dnsServerRefusal(SecureMailDomainSpec spec) {
    if (!guard.refuses() || spec.getDns() == null || spec.getDns().getRfc2136() == null) {
      return Optional.empty();
    }
    String server = spec.getDns().getRfc2136().getServer();
    List<InetAddress> addresses;
    try {
      addresses = system.addresses(ServerAddress.parse(server).getHostString());
    } catch (UnknownHostException | IllegalArgumentException e) {
      return Optional.empty();
    }
    return addresses.stream().map(guard::refusal).flatMap(Optional::stream).findFirst()
        .map(why -> new Refusal(DNS_SERVER_NOT_ALLOWED, "spec.dns.rfc2136.server " + server + ": " + why));
  }

  /** Why one of the host's addresses (A and AAAA through the operator's resolver) is refused. */
  private Optional<String> resolvedRefusal(String host) {
    List<InetAddress> addresses = new ArrayList<>(addresses(dns.lookup(host, "A")));
    addresses.addAll(addresses(dns.lookup(host, "AAAA")));
    return addresses.stream().map(guard::refusal).flatMap(Optional::stream).findFirst();
  }

  private static List<InetAddress> addresses(DnsAnswer answer) {
    return answer.answered() ? answer.addresses() : List.of();
  }

  private static Optional<InetAddress> literal(String text) {
    try {
      // Only IP literals reach here (the validator refuses anything else): no lookup happens.
      return text != null && text.matches("[0-9A-Fa-f:.]+") ? Optional.of(InetAddress.getByName(text))
          : Optional.empty();
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
