package io.securemail.lab.dns;

import static io.securemail.lab.support.ManagedProcess.run;

import io.securemail.lab.support.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.DNSKEYRecord;

/**
 * BIND 9 (named, Debian's bind9 9.18) as the lab's second authoritative server, so the operator's
 * RFC 2136 publishing is checked against two independent implementations. Every zone is signed by
 * named itself ({@code dnssec-policy default}: one ECDSA P-256 CSK with flags 257, unlimited
 * lifetime, NSEC) and open to dynamic updates signed with the lab's TSIG key (RFC 8945). Config,
 * zone files, journals, DNSSEC keys, pid and session-key files all live in one directory.
 *
 * <p>Unlike knotd and unbound, named only listens on addresses that an interface carries (it
 * enumerates interfaces and matches them against {@code listen-on}); binding 127.0.53.3 is not
 * enough. So the address is added to {@code lo} as a /32 for as long as the server runs, and
 * removed again by {@link #close()} if this class added it. Traffic stays on loopback.
 */
final class BindServer implements AutoCloseable {

  /*
   * What updatesApproved() counts. named 9.18 logs, in the update-security category at info level,
   * one line per UPDATE message that passed the zone's allow-update ACL (TSIG verified):
   *   "client @0x... 127.0.0.1#40580/key securemail-lab-ddns: signer "securemail-lab-ddns" approved"
   * The line comes before the prerequisites are checked, so an UPDATE whose prerequisite fails is
   * counted too. A wrong secret is logged as "request has invalid signature: TSIG ...: tsig verify
   * failure (BADSIG)" (also for queries, so not counted) and an unsigned update as
   * "update 'zone/IN' denied".
   */
  private static final String UPDATE_APPROVED = "\" approved";

  private final Path dir;
  private final Path binary;
  private final Path config;
  private final Path log;
  private final InetSocketAddress address;
  private final List<String> zones;
  private ManagedProcess process;
  private boolean addedLoopbackAddress;

  private BindServer(Path dir, Path binary, InetSocketAddress address, List<String> zones) {
    this.dir = dir.toAbsolutePath();
    this.binary = binary;
    this.config = this.dir.resolve("named.conf");
    this.log = this.dir.resolve("named.log");
    this.address = address;
    this.zones = zones;
  }

  /**
   * Writes the config and one minimal zone file per zone, starts named and waits until every zone
   * is served signed with its KSK published.
   */
  static BindServer start(Path dir, Path binary, InetSocketAddress address, List<String> zones,
      String tsigKeyName, String tsigAlgorithm, String tsigSecret) throws IOException {
    BindServer bind = new BindServer(dir, binary, address, zones);
    for (String sub : List.of("zones", "keys", "run")) {
      Files.createDirectories(bind.dir.resolve(sub));
    }
    Files.writeString(bind.config, bind.config(tsigKeyName, tsigAlgorithm, tsigSecret));
    for (String zone : zones) {
      Files.writeString(bind.zoneFile(zone), KnotServer.zoneFile(zone, address.getHostString()));
    }
    bind.checkConfig();
    bind.start();
    return bind;
  }

  private Path zoneFile(String zone) {
    return dir.resolve("zones").resolve(zone + ".zone");
  }

  private String config(String tsigKeyName, String tsigAlgorithm, String tsigSecret) {
    StringBuilder zoneClauses = new StringBuilder();
    for (String zone : zones) {
      zoneClauses.append("""
          zone "%1$s" {
              type primary;
              file "%2$s";
              allow-update { key "%3$s"; };
              // named signs the zone in place: an update and its signatures go into the zone's
              // journal (%2$s.jnl) in one step, so an update is served signed as soon as it is
              // answered. (inline-signing would keep a separate signed copy, updated a moment later.)
              dnssec-policy default;
              inline-signing no;
              key-directory "%4$s/keys";
          };
          """.formatted(zone, zoneFile(zone), tsigKeyName, dir));
    }
    return """
        // Written by the lab (io.securemail.lab.dns.BindServer); everything it needs is under %1$s.
        options {
            directory "%1$s";
            pid-file "%1$s/run/named.pid";
            session-keyfile "%1$s/run/session.key";
            managed-keys-directory "%1$s/run";
            dump-file "%1$s/run/named_dump.db";
            statistics-file "%1$s/run/named.stats";
            memstatistics-file "%1$s/run/named.memstats";
            secroots-file "%1$s/run/named.secroots";
            recursing-file "%1$s/run/named.recursing";
            // Nothing from /etc/bind: this file does not exist, so named uses its built-in root keys,
            // which it never needs (no recursion, no validation).
            bindkeys-file "%1$s/run/bind.keys";
            geoip-directory none;
            listen-on port %3$d { %2$s; };
            listen-on-v6 { none; };
            automatic-interface-scan no;
            // Authoritative only: the lab's resolver is Unbound.
            recursion no;
            dnssec-validation no;
            // No NOTIFY to anyone, no zone transfers.
            notify no;
            allow-transfer { none; };
        };

        // No rndc channel (named would otherwise try 127.0.0.1:953 with /etc/bind/rndc.key).
        controls { };

        key "%4$s" {
            algorithm %5$s;
            secret "%6$s";
        };

        %7$s""".formatted(dir, address.getHostString(), address.getPort(), tsigKeyName, tsigAlgorithm, tsigSecret,
        zoneClauses);
  }

  private void checkConfig() throws IOException {
    Path checkconf = DnsLab.program("named-checkconf");
    ManagedProcess.Completed check = run(List.of(checkconf.toString(), config.toString()));
    if (check.exitCode() != 0) {
      throw new IllegalStateException("named-checkconf rejected " + config + ":\n" + check.output());
    }
  }

  /** Starts named on the existing config and state; returns once every zone is served signed. */
  void start() throws IOException {
    if (process != null && process.isAlive()) {
      return;
    }
    DnsLab.requirePortFree(address, "named");
    ensureLoopbackAddress();
    // -g: foreground, a child of this JVM (stopped by its own pid), every log message to stderr,
    // which goes to named.log. -4: IPv4 only. -n 1: one worker thread, the machine is small.
    // No -u: named keeps running as root and can read and write everything under dir.
    process = ManagedProcess.start("named",
        List.of(binary.toString(), "-g", "-4", "-n", "1", "-c", config.toString()), Map.of(), log);
    try {
      process.awaitReady(Duration.ofSeconds(60), this::servesAllZonesSigned);
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  /** SIGTERM: named writes its journals out and exits; the zones come back from them on a start. */
  void stop() {
    if (process != null) {
      process.close();
      process = null;
    }
  }

  boolean isRunning() {
    return process != null && process.isAlive();
  }

  private boolean servesAllZonesSigned() {
    return zones.stream().allMatch(zone -> DnsLab.servesSigned(address, zone) && keySigningKey(zone).isPresent());
  }

  Optional<DNSKEYRecord> keySigningKey(String zone) {
    return DnsLab.keySigningKey(address, zone);
  }

  /** UPDATE messages that passed the allow-update ACL so far, over every run of named in this directory. */
  long updatesApproved() {
    try {
      if (!Files.exists(log)) {
        return 0;
      }
      try (var lines = Files.lines(log)) {
        return lines.filter(line -> line.contains(": signer \"") && line.endsWith(UPDATE_APPROVED)).count();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path log() {
    return log;
  }

  String tail() {
    return process != null ? process.tail() : "(named not running; log " + log + ")";
  }

  // --- the address on lo ---

  /** Puts the server's address on lo (as a /32) unless an interface carries it already. */
  private void ensureLoopbackAddress() throws IOException {
    String host = address.getHostString();
    ManagedProcess.Completed shown = run(List.of(DnsLab.program("ip").toString(), "-4", "-o", "addr", "show"));
    if (shown.exitCode() != 0) {
      throw new IllegalStateException("ip addr show failed: " + shown.output());
    }
    if (shown.output().contains(" inet " + host + "/")) {
      return;
    }
    ManagedProcess.Completed added = run(List.of(DnsLab.program("ip").toString(), "addr", "add", host + "/32", "dev", "lo"));
    if (added.exitCode() != 0) {
      throw new IllegalStateException("named listens only on interface addresses, and adding " + host
          + "/32 to lo failed: " + added.output());
    }
    addedLoopbackAddress = true;
  }

  private void removeLoopbackAddress() {
    if (!addedLoopbackAddress) {
      return;
    }
    try {
      ManagedProcess.Completed removed = run(List.of(DnsLab.program("ip").toString(), "addr", "del", address.getHostString() + "/32",
          "dev", "lo"));
      if (removed.exitCode() != 0) {
        System.err.println("[lab] could not remove " + address.getHostString() + "/32 from lo: " + removed.output());
      }
      addedLoopbackAddress = false;
    } catch (IOException | RuntimeException e) {
      System.err.println("[lab] could not remove " + address.getHostString() + "/32 from lo: " + e);
    }
  }


  @Override
  public void close() {
    try {
      stop();
    } finally {
      removeLoopbackAddress();
    }
  }
}
