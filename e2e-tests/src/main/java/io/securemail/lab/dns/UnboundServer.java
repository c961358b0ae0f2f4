package io.securemail.lab.dns;

import static io.securemail.lab.support.ManagedProcess.run;

import io.securemail.lab.cluster.PodNetwork;
import io.securemail.lab.support.ManagedProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Unbound as the lab's validating resolver: each lab zone is a stub zone pointing at the lab's
 * authoritative server, with the zone's own KSK as trust anchor, so answers from it carry the AD
 * flag exactly when they validate. Caches are kept to a couple of seconds so that a test sees a
 * dynamic update (or its absence) almost at once. Config, pid file and log live in one directory.
 */
final class UnboundServer implements AutoCloseable {

  private final Path config;
  private final Path logFile;
  private final Path control;
  private final InetSocketAddress address;
  private final List<String> zones;
  private final ManagedProcess process;

  private UnboundServer(Path dir, InetSocketAddress address, List<String> zones, ManagedProcess process) {
    this.config = dir.resolve("unbound.conf");
    this.logFile = dir.resolve("unbound.log");
    this.control = DnsLab.program("unbound-control");
    this.address = address;
    this.zones = zones;
    this.process = process;
  }

  /**
   * Writes the config, checks it with unbound-checkconf, starts unbound and waits until it answers
   * {@code ns.<zone> A} with the AD flag for every zone.
   *
   * @param trustAnchors zone -> its KSK as a DNSKEY record in zone-file syntax
   */
  static UnboundServer start(Path dir, InetSocketAddress address, InetSocketAddress authoritative,
      Map<String, String> trustAnchors) throws IOException {
    return start(dir, address, authoritative, trustAnchors, Map.of());
  }

  /**
   * As above, with some zones served by another authoritative server than {@code authoritative}.
   *
   * @param trustAnchors zone -> its KSK as a DNSKEY record in zone-file syntax
   * @param otherServers zone -> the authoritative server its stub zone points to instead
   */
  static UnboundServer start(Path dir, InetSocketAddress address, InetSocketAddress authoritative,
      Map<String, String> trustAnchors, Map<String, InetSocketAddress> otherServers) throws IOException {
    Files.createDirectories(dir);
    List<String> zones = List.copyOf(trustAnchors.keySet());
    Path config = dir.resolve("unbound.conf");
    Files.writeString(config, config(dir, address, authoritative, trustAnchors, otherServers));
    checkConfig(config);
    DnsLab.requirePortFree(address, "unbound");
    // -d: stay in the foreground, a child of this JVM, so it is stopped by its own pid.
    ManagedProcess process = ManagedProcess.start("unbound",
        List.of(DnsLab.program("unbound").toString(), "-d", "-c", config.toString()), Map.of(), dir.resolve("unbound.out"));
    UnboundServer unbound = new UnboundServer(dir, address, zones, process);
    try {
      unbound.awaitValidatedAnswers(Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      unbound.close();
      throw e;
    }
    return unbound;
  }

  private static String config(Path dir, InetSocketAddress address, InetSocketAddress authoritative,
      Map<String, String> trustAnchors, Map<String, InetSocketAddress> otherServers) {
    StringBuilder zones = new StringBuilder();
    StringBuilder stubs = new StringBuilder();
    trustAnchors.forEach((zone, anchor) -> {
      InetSocketAddress server = otherServers.getOrDefault(zone, authoritative);
      String stub = server.getHostString() + "@" + server.getPort();
      // The most specific local zone wins: "transparent" takes the lab zone out of "." refuse.
      zones.append("    local-zone: \"").append(zone).append(".\" transparent\n");
      zones.append("    trust-anchor: \"").append(anchor).append("\"\n");
      stubs.append("stub-zone:\n")
          .append("    name: \"").append(zone).append(".\"\n")
          .append("    stub-addr: ").append(stub).append('\n');
    });
    // The top-level domains above the lab zones answer as theirs do on the internet (no data at the
    // TLD itself, NXDOMAIN below it outside the lab zones) rather than REFUSED: a CA's CAA search
    // climbs to the TLD (RFC 8659 section 3), and so does the cert.caa check.
    trustAnchors.keySet().stream().map(zone -> zone.substring(zone.lastIndexOf('.') + 1)).distinct()
        .filter(tld -> !trustAnchors.containsKey(tld)).sorted().forEach(tld -> {
          zones.append("    local-zone: \"").append(tld).append(".\" static\n");
          zones.append("    local-data: \"").append(tld).append(". 3600 IN SOA localhost. nobody.invalid. 1 3600 600 86400 60\"\n");
        });
    return """
        # Written by the lab (io.securemail.lab.dns.UnboundServer); everything it needs is under %1$s.
        server:
            interface: %2$s
            port: %3$d
            do-ip6: no
            access-control: 127.0.0.0/8 allow
        %6$s            # Run from this directory as the current user, no chroot, no daemon.
            username: ""
            chroot: ""
            directory: "%1$s"
            pidfile: "%1$s/unbound.pid"
            logfile: "%1$s/unbound.log"
            use-syslog: no
            log-time-ascii: yes
            do-daemonize: no
            verbosity: 1
            num-threads: 1
            # The lab's authoritative server is on 127.0.0.0/8, which Unbound refuses to query by default.
            do-not-query-localhost: no
            module-config: "validator iterator"
            val-log-level: 2
            # Short caches: tests must see an update (and a removal) within a couple of seconds.
            cache-max-ttl: 2
            cache-max-negative-ttl: 2
            val-bogus-ttl: 2
            # While the authoritative server is stopped on purpose, clients must get SERVFAIL, not
            # silence: giving up on a dead server takes Unbound about 2 s, and by default it drops
            # the reply to any query older than discard-timeout (1.9 s). Once the server is back,
            # it must not stay marked as down for long (see also forgetOutage()).
            discard-timeout: 0
            infra-host-ttl: 5
            infra-keep-probing: yes
            # No RFC 8145 key-tag queries to the lab zones: they would only add noise to Knot's log.
            trust-anchor-signaling: no
            # Only the lab zones are resolved. Every other name is refused (or, below the lab zones'
            # top-level domains, does not exist) instead of being sent towards the real root
            # servers: the lab never leaves loopback.
            local-zone: "." refuse
            # RFC 6761 reserves test.; Unbound answers NXDOMAIN for it until told otherwise.
            local-zone: "test." nodefault
        %4$s
        %5$s
        # unbound-control over a private unix socket, to forget an outage of the authoritative server.
        remote-control:
            control-enable: yes
            control-interface: "%1$s/unbound.ctl"
            control-use-cert: no
        """.formatted(dir.toAbsolutePath(), address.getHostString(), address.getPort(), zones, stubs,
        // The lab cluster's Pods (the operator, the MTA) resolve through the node address.
        PodNetwork.nodeAddressPresent()
            ? "    interface: " + PodNetwork.NODE_ADDRESS + "\n    access-control: " + PodNetwork.POD_CIDR + " allow\n"
            : "");
  }

  private static void checkConfig(Path config) throws IOException {
    ManagedProcess.Completed check = run(List.of(DnsLab.program("unbound-checkconf").toString(), config.toString()));
    if (check.exitCode() != 0) {
      throw new IllegalStateException("unbound-checkconf rejected " + config + ":\n" + check.output());
    }
  }

  /** Waits until every lab zone's {@code ns.<zone> A} validates (AD set, RFC 4035 3.2.3). */
  void awaitValidatedAnswers(Duration timeout) {
    try {
      process.awaitReady(timeout, () -> zones.stream().allMatch(zone ->
          DnsLab.query(address, "ns." + zone, Type.A)
              .filter(r -> r.getRcode() == Rcode.NOERROR && r.getHeader().getFlag(Flags.AD))
              .isPresent()));
    } catch (IllegalStateException e) {
      throw new IllegalStateException(e.getMessage() + "\nunbound log " + logFile + ":\n" + ManagedProcess.tail(logFile), e);
    }
  }

  /**
   * Forgets what Unbound learnt while the authoritative server was away: the server marked as
   * down (infra cache) and the SERVFAIL and bogus answers it cached meanwhile.
   */
  void forgetOutage() throws IOException {
    for (List<String> command : List.of(List.of("flush_infra", "all"), List.of("flush_negative"), List.of("flush_bogus"))) {
      List<String> full = new ArrayList<>(List.of(control.toString(), "-c", config.toString()));
      full.addAll(command);
      ManagedProcess.Completed result = run(full);
      if (result.exitCode() != 0) {
        throw new IllegalStateException("unbound-control " + String.join(" ", command) + " failed: " + result.output());
      }
    }
  }


  @Override
  public void close() {
    process.close();
  }
}
