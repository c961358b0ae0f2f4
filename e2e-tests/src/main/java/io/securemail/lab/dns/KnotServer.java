package io.securemail.lab.dns;

import io.securemail.lab.cluster.PodNetwork;
import io.securemail.lab.support.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Knot DNS as the lab's authoritative server: every zone signed automatically (ECDSA P-256, NSEC)
 * and open to RFC 2136 dynamic updates authenticated with one TSIG key (RFC 8945). Its config and
 * all of its state (KASP keys, journal, timers, zone files, control socket, log) live in one
 * directory, so it can be stopped and started again with everything it was told kept.
 */
final class KnotServer implements AutoCloseable {

  /*
   * What updatesReceived() counts. Knot 3.2 logs, at debug level in the "zone" category, one line
   * per incoming UPDATE message when it checks the message against the zone's ACL, before the
   * TSIG signature is verified:
   *   "[example.test.] ACL, allowed, action update, remote 127.0.0.1@40211, key 'lab-ddns.'"
   *   "[example.test.] ACL, denied, action update, remote 127.0.0.1@40212, key none"
   * A wrong secret under the right key name is "allowed" by the ACL (which matches names only)
   * and then answered NOTAUTH/BADSIG, logged as a second line "TSIG, key '...', verification
   * failed 'BADSIG'" that is not counted again. Unsigned or unknown-key updates are "denied". So
   * each line is one UPDATE message received for a zone this server serves, accepted or not.
   * Not counted: UPDATEs for zones Knot does not serve (NOTAUTH without any log line) and
   * messages too malformed to reach the ACL check. The info-level "DDNS, processing N updates"
   * lines only cover accepted updates, batched per zone, so they are not used.
   */
  private static final Pattern UPDATE_RECEIVED = Pattern.compile("\\] ACL, (allowed|denied), action update, ");

  private final Path dir;
  private final Path binary;
  private final Path config;
  private final Path log;
  private final InetSocketAddress address;
  private final List<String> zones;
  private final Set<String> unsignedZones = new HashSet<>();
  private ManagedProcess process;

  private KnotServer(Path dir, Path binary, InetSocketAddress address, List<String> zones) {
    this.dir = dir;
    this.binary = binary;
    this.config = dir.resolve("knot.conf");
    this.log = dir.resolve("knotd.log");
    this.address = address;
    this.zones = zones;
  }

  /**
   * Writes the config and one minimal zone file per zone, starts knotd and waits until every zone
   * is served signed.
   */
  static KnotServer start(Path dir, Path binary, InetSocketAddress address, List<String> zones,
      String tsigKeyName, String tsigSecret) throws IOException {
    KnotServer knot = new KnotServer(dir, binary, address, zones);
    for (String sub : List.of("db", "zones", "run")) {
      Files.createDirectories(dir.resolve(sub));
    }
    Files.writeString(knot.config, knot.config(tsigKeyName, tsigSecret));
    for (String zone : zones) {
      Files.writeString(dir.resolve("zones").resolve(zone + ".zone"), zoneFile(zone, address.getHostString()));
    }
    knot.start();
    return knot;
  }

  private String config(String tsigKeyName, String tsigSecret) {
    StringBuilder zoneList = new StringBuilder();
    for (String zone : zones) {
      zoneList.append("  - domain: ").append(zone).append('\n');
    }
    return """
        # Written by the lab (io.securemail.lab.dns.KnotServer); everything it needs is under %1$s.
        server:
            rundir: "%1$s/run"
            listen: [ %2$s@%3$d%7$s ]
            # Small on purpose: a 2-core test machine runs the whole lab.
            udp-workers: 2
            tcp-workers: 2
            background-workers: 2

        log:
          # stdout is the process log (knotd.log). Zone messages at debug level, because that is where
          # Knot 3.2 reports each UPDATE's ACL check, which updatesReceived() counts.
          - target: stdout
            server: info
            control: info
            zone: debug

        database:
            storage: "%1$s/db"

        key:
          - id: %4$s
            algorithm: hmac-sha256
            secret: %5$s

        acl:
          - id: ddns
            key: %4$s
            action: update

        policy:
          - id: lab
            algorithm: ecdsap256sha256
            nsec3: off
            # No key ever changes while the lab runs: the KSK is Unbound's trust anchor (a KSK
            # rollover would need a new one), and a ZSK rollover would re-sign zones mid-test.
            ksk-lifetime: 0
            zsk-lifetime: 0

        template:
          - id: default
            storage: "%1$s/zones"
            file: "%%s.zone"
            # The zone file is only the seed. The zone itself (signatures and dynamic updates
            # included) lives in the journal and is never written back over the zone file.
            journal-content: all
            zonefile-sync: -1
            # On a restart Knot replays the journal onto the unchanged zone file (serial 1), so the
            # difference is empty and every dynamic update survives; once the journal history no
            # longer reaches back to serial 1 (journal-max-depth: 20 changes) it ignores the zone
            # file, logging a warning, and loads the zone from the journal alone. "difference-no-serial" or "whole" would
            # instead drop updates that are not in the zone file.
            zonefile-load: difference
            dnssec-signing: on
            dnssec-policy: lab
            acl: ddns

        zone:
        %6$s""".formatted(dir.toAbsolutePath(), address.getHostString(), address.getPort(),
        tsigKeyName, tsigSecret, zoneList,
        // Pods reach the machine only at the node address; port 53 there is the resolver's.
        PodNetwork.nodeAddressPresent() ? ", " + PodNetwork.NODE_ADDRESS + "@" + DnsLab.NODE_AUTHORITATIVE_PORT : "");
  }

  /**
   * A zone as small as a signed zone can be: SOA and NS at the apex and the server's own address.
   * The SOA minimum is the negative-caching TTL (RFC 2308), kept short so resolvers forget
   * "does not exist" quickly after an update adds a name.
   */
  static String zoneFile(String zone, String serverAddress) {
    return """
        $ORIGIN %1$s.
        $TTL 60
        @   IN SOA ns.%1$s. hostmaster.%1$s. 1 60 30 3600 5
        @   IN NS  ns.%1$s.
        ns  IN A   %2$s
        """.formatted(zone, serverAddress);
  }

  /**
   * Adds a zone that Knot serves without signing it, from now on and across restarts: its zone file
   * (SOA, NS and the given records), an entry in the config (whose zone list comes last) with
   * {@code dnssec-signing: off}, then {@code knotc reload}. Returns once Knot answers the zone's SOA
   * without a signature. Updates with the lab's TSIG key are accepted, as for every zone.
   */
  synchronized void addUnsignedZone(String zone, List<String> zoneLines) throws IOException {
    if (zones.contains(zone) || !unsignedZones.add(zone)) {
      throw new IllegalArgumentException(zone + " is already a lab zone");
    }
    StringBuilder zoneFile = new StringBuilder(zoneFile(zone, address.getHostString()));
    zoneLines.forEach(line -> zoneFile.append(line).append('\n'));
    Files.writeString(dir.resolve("zones").resolve(zone + ".zone"), zoneFile);
    Files.writeString(config, "  - domain: " + zone + "\n    dnssec-signing: off\n",
        StandardOpenOption.APPEND);
    ManagedProcess.Completed reload = ManagedProcess.run(List.of(DnsLab.program("knotc").toString(), "--config",
        config.toString(), "reload"));
    if (reload.exitCode() != 0) {
      throw new IllegalStateException("knotc reload failed (" + reload.exitCode() + "): " + reload.output());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!servesUnsigned(zone)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Knot does not serve the unsigned zone " + zone + "; log " + log + ":\n"
            + tail());
      }
      ManagedProcess.sleep(100);
    }
  }

  private boolean servesUnsigned(String zone) {
    return DnsLab.query(address, zone, Type.SOA)
        .filter(r -> r.getRcode() == Rcode.NOERROR && r.getHeader().getFlag(Flags.AA))
        .map(r -> r.getSection(Section.ANSWER).stream()
            .anyMatch(rr -> rr.getType() == Type.SOA && rr.getName().toString().equals(zone + "."))
            && r.getSection(Section.ANSWER).stream().noneMatch(rr -> rr.getType() == Type.RRSIG))
        .orElse(false);
  }

  /** Starts knotd on the existing config and state; returns once every zone is served signed. */
  void start() throws IOException {
    if (process != null && process.isAlive()) {
      return;
    }
    DnsLab.requirePortFree(address, "knotd");
    process = ManagedProcess.start("knotd", List.of(binary.toString(), "--config", config.toString()), Map.of(), log);
    try {
      process.awaitReady(Duration.ofSeconds(60), this::servesAllZonesSigned);
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  /** SIGTERM: Knot syncs its journal and timer databases before it exits. */
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
    return zones.stream().allMatch(zone -> DnsLab.servesSigned(address, zone));
  }

  Optional<DNSKEYRecord> keySigningKey(String zone) {
    return DnsLab.keySigningKey(address, zone);
  }

  /** UPDATE messages received so far, over every run of knotd in this directory (see above). */
  long updatesReceived() {
    try {
      if (!Files.exists(log)) {
        return 0;
      }
      try (var lines = Files.lines(log)) {
        return lines.filter(line -> UPDATE_RECEIVED.matcher(line).find()).count();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path log() {
    return log;
  }

  String tail() {
    return process != null ? process.tail() : "(knotd not running; log " + log + ")";
  }

  @Override
  public void close() {
    stop();
  }
}
