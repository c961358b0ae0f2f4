package io.securemail.lab.dns;

import io.securemail.lab.support.ManagedProcess;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The lab's DNS on loopback: Knot DNS as the signing authoritative server for the lab zones (open
 * to TSIG-authenticated RFC 2136 updates) and Unbound as a validating resolver that trusts exactly
 * those zones. Optionally BIND 9 serves further zones the same way (signed, open to updates with
 * the same TSIG key), as a second RFC 2136 implementation. All run as children of this JVM with
 * their config and state under one work directory, and are stopped by their own pid.
 *
 * <p>Needs root (all bind port 53 on 127.0.53.x) and the Debian packages knot and unbound (and
 * bind9 and iproute2 when BIND zones are asked for).
 */
public final class DnsLab implements AutoCloseable {

  private static final String AUTHORITATIVE_ADDRESS = "127.0.53.2";
  private static final String RESOLVER_ADDRESS = "127.0.53.1";
  private static final String BIND_ADDRESS = "127.0.53.3";
  private static final int PORT = 53;
  /**
   * Knot's port on the node address ({@link io.securemail.lab.cluster.PodNetwork#NODE_ADDRESS}),
   * where port 53 is Unbound's.
   */
  public static final int NODE_AUTHORITATIVE_PORT = 5353;
  private static final String TSIG_KEY_NAME = "securemail-lab-ddns";
  private static final String TSIG_ALGORITHM = "hmac-sha256";

  /** Program -> the Debian package that provides it, for the message when one is missing. */
  private static final Map<String, String> PROGRAMS = Map.of(
      "knotd", "knot",
      "unbound", "unbound",
      "unbound-checkconf", "unbound",
      "unbound-control", "unbound");

  /** The same for BIND, needed only when the lab has BIND zones. */
  private static final Map<String, String> BIND_PROGRAMS = Map.of(
      "named", "bind9",
      "named-checkconf", "bind9-utils",
      "ip", "iproute2");

  private final KnotServer knot;
  private final BindServer bind; // null when the lab has no BIND zones
  private final UnboundServer unbound;
  private final String tsigSecret;
  private final Map<String, String> trustAnchors;
  private final Path resolvConf;

  private DnsLab(KnotServer knot, BindServer bind, UnboundServer unbound, String tsigSecret,
      Map<String, String> trustAnchors, Path resolvConf) {
    this.knot = knot;
    this.bind = bind;
    this.unbound = unbound;
    this.tsigSecret = tsigSecret;
    this.trustAnchors = trustAnchors;
    this.resolvConf = resolvConf;
  }

  /**
   * Starts Knot with every zone in {@code signedZones} signed, then Unbound with each zone's KSK as
   * trust anchor, and returns once every zone validates through Unbound.
   *
   * @param workDir where config, keys, journal and logs go (workDir/knot, workDir/unbound)
   * @param signedZones zone names such as "example.test" (a trailing dot is ignored)
   */
  public static DnsLab start(Path workDir, List<String> signedZones) throws IOException {
    return start(workDir, signedZones, List.of());
  }

  /**
   * As {@link #start(Path, List)}, and also starts BIND 9 (named) on 127.0.53.3 when
   * {@code bindZones} is not empty: each of those zones signed by BIND ({@code dnssec-policy
   * default}), open to updates with the same TSIG key as Knot's zones, and trusted by Unbound with
   * its KSK as trust anchor, through a stub zone pointing at BIND.
   *
   * @param workDir where config, keys, journal and logs go (workDir/knot, workDir/bind, workDir/unbound)
   * @param knotZones zones Knot serves, at least one
   * @param bindZones zones BIND serves, none of them also a Knot zone; may be empty (no BIND then)
   */
  public static DnsLab start(Path workDir, List<String> knotZones, List<String> bindZones) throws IOException {
    long started = System.nanoTime();
    List<String> zones = knotZones.stream().map(DnsLab::zoneName).distinct().toList();
    List<String> bindOnly = bindZones.stream().map(DnsLab::zoneName).distinct().toList();
    requireRootAndPrograms(!bindOnly.isEmpty());
    if (zones.isEmpty()) {
      throw new IllegalArgumentException("the DNS lab needs at least one zone");
    }
    List<String> both = bindOnly.stream().filter(zones::contains).toList();
    if (!both.isEmpty()) {
      throw new IllegalArgumentException("zones " + both + " cannot be served by both Knot and BIND");
    }
    Files.createDirectories(workDir);
    String secret = randomSecret();
    KnotServer knot = KnotServer.start(workDir.resolve("knot"), program("knotd"), authoritative(), zones,
        TSIG_KEY_NAME, secret);
    BindServer bind = null;
    try {
      Map<String, String> anchors = new LinkedHashMap<>();
      for (String zone : zones) {
        anchors.put(zone, trustAnchorFrom(zone, () -> knot.keySigningKey(zone), "Knot", knot.log(), knot::tail));
      }
      Map<String, InetSocketAddress> bindStubs = new LinkedHashMap<>();
      if (!bindOnly.isEmpty()) {
        BindServer named = BindServer.start(workDir.resolve("bind"), program("named"), bindServer(), bindOnly,
            TSIG_KEY_NAME, TSIG_ALGORITHM, secret);
        bind = named;
        for (String zone : bindOnly) {
          anchors.put(zone, trustAnchorFrom(zone, () -> named.keySigningKey(zone), "BIND", named.log(), named::tail));
          bindStubs.put(zone, bindServer());
        }
      }
      UnboundServer unbound = UnboundServer.start(workDir.resolve("unbound"), resolver(), authoritative(), anchors,
          bindStubs);
      Path resolvConf = workDir.resolve("resolv.conf");
      // trust-ad: glibc (2.31+) strips the AD flag from answers unless told the resolver is
      // trusted, and DANE clients such as Postfix decide on that flag (RFC 6698, RFC 7672).
      Files.writeString(resolvConf, "# The lab's validating resolver (io.securemail.lab.dns.DnsLab)\n"
          + "nameserver " + RESOLVER_ADDRESS + "\noptions edns0 trust-ad\n");
      System.out.printf("[lab] DNS up in %.1f s: Knot %s, Unbound %s, zones %s%s (work dir %s)%n",
          (System.nanoTime() - started) / 1e9, AUTHORITATIVE_ADDRESS, RESOLVER_ADDRESS, zones,
          bind == null ? "" : ", BIND " + BIND_ADDRESS + " zones " + bindOnly, workDir);
      return new DnsLab(knot, bind, unbound, secret, Map.copyOf(anchors), resolvConf);
    } catch (IOException | RuntimeException e) {
      try {
        if (bind != null) {
          bind.close();
        }
      } finally {
        knot.close();
      }
      throw e;
    }
  }

  /** The KSK as Unbound's trust-anchor wants it: one DNSKEY record in zone-file syntax. */
  /** Whether the server answers the zone's SOA with an RRSIG: it serves the zone, signed. */
  static boolean servesSigned(InetSocketAddress server, String zone) {
    return query(server, zone, Type.SOA)
        .filter(r -> r.getRcode() == Rcode.NOERROR)
        .map(r -> r.getSection(Section.ANSWER).stream().anyMatch(rr -> rr.getType() == Type.RRSIG))
        .orElse(false);
  }

  /** The zone's key-signing key: the DNSKEY with the SEP bit set (flags 257, RFC 4034 section 2.1.1). */
  static Optional<DNSKEYRecord> keySigningKey(InetSocketAddress server, String zone) {
    return query(server, zone, Type.DNSKEY).flatMap((Message r) -> r.getSection(Section.ANSWER).stream()
        .filter(DNSKEYRecord.class::isInstance).map(DNSKEYRecord.class::cast)
        .filter(key -> key.getFlags() == (DNSKEYRecord.Flags.ZONE_KEY | DNSKEYRecord.Flags.SEP_KEY))
        .findFirst());
  }

  private static String trustAnchorFrom(String zone, Supplier<Optional<DNSKEYRecord>> keySigningKey, String server,
      Path log, Supplier<String> tail) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<DNSKEYRecord> ksk = keySigningKey.get();
      if (ksk.isPresent()) {
        DNSKEYRecord key = ksk.get();
        return String.format(Locale.ROOT, "%s. %d IN DNSKEY %d %d %d %s", zone, key.getTTL(), key.getFlags(),
            key.getProtocol(), key.getAlgorithm(), Base64.getEncoder().encodeToString(key.getKey()));
      }
      ManagedProcess.sleep(200);
    }
    throw new IllegalStateException(server + " published no KSK (DNSKEY flags 257) for " + zone + "; log "
        + log + ":\n" + tail.get());
  }

  private static String randomSecret() {
    byte[] secret = new byte[32]; // as long as the HMAC-SHA256 output (RFC 8945 6.2)
    new SecureRandom().nextBytes(secret);
    return Base64.getEncoder().encodeToString(secret);
  }

  static String zoneName(String zone) {
    String name = zone.trim().toLowerCase(Locale.ROOT);
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  // --- preconditions, shared with KnotServer and UnboundServer ---

  private static void requireRootAndPrograms(boolean withBind) throws IOException {
    List<String> problems = new ArrayList<>();
    Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (!Integer.valueOf(0).equals(uid)) {
      problems.add("not running as root (uid " + uid + "): Knot and Unbound must bind port 53 on 127.0.53.x");
    }
    Map<String, String> programs = new LinkedHashMap<>(PROGRAMS);
    if (withBind) {
      programs.putAll(BIND_PROGRAMS);
    }
    programs.forEach((program, pkg) -> {
      if (ManagedProcess.find(program).isEmpty()) {
        problems.add("program " + program + " not found (Debian package " + pkg + ")");
      }
    });
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the DNS lab cannot start: " + String.join("; ", problems)
          + ". Run e2e-tests/lab/provision.sh as root once.");
    }
  }

  static Path program(String name) {
    return ManagedProcess.find(name).orElseThrow(() -> new IllegalStateException("program " + name + " not found"));
  }

  /** Fails with a clear message if something (often a lab left running) holds the address already. */
  static void requirePortFree(InetSocketAddress address, String server) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(address)) {
      socket.close();
    } catch (BindException e) {
      throw new IllegalStateException(server + " cannot listen on " + address.getHostString() + ":" + address.getPort()
          + ", it is in use (another DNS lab still running? see `ss -lunp`)", e);
    }
  }

  /** One query with the DO bit (RFC 3225), or empty if the server did not answer. */
  static Optional<Message> query(InetSocketAddress server, String name, int type) {
    try {
      SimpleResolver resolver = new SimpleResolver(server);
      resolver.setTimeout(Duration.ofSeconds(2));
      resolver.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
      Name qname = Name.fromString(name.endsWith(".") ? name : name + ".");
      return Optional.of(resolver.send(Message.newQuery(Record.newRecord(qname, type, DClass.IN))));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static InetSocketAddress authoritative() {
    return new InetSocketAddress(AUTHORITATIVE_ADDRESS, PORT);
  }

  private static InetSocketAddress bindServer() {
    return new InetSocketAddress(BIND_ADDRESS, PORT);
  }

  private static InetSocketAddress resolver() {
    return new InetSocketAddress(RESOLVER_ADDRESS, PORT);
  }

  // --- the lab as tests see it ---

  public String authoritativeAddress() {
    return AUTHORITATIVE_ADDRESS;
  }

  public int authoritativePort() {
    return PORT;
  }

  /** Where BIND (named) listens when the lab has BIND zones: the second RFC 2136 implementation. */
  public String bindAddress() {
    return BIND_ADDRESS;
  }

  public int bindPort() {
    return PORT;
  }

  public String resolverAddress() {
    return RESOLVER_ADDRESS;
  }

  public int resolverPort() {
    return PORT;
  }

  /**
   * spec.dns of a domain that publishes {@code zone} to this lab's Knot by RFC 2136, MX records
   * included, signed with the TSIG key the domain's namespace holds in Secret {@code secret}
   * (key {@code secret}, see {@link #tsigSecret()}).
   */
  public io.securemail.operator.api.DnsSpec rfc2136(String zone, String secret) {
    var dns = new io.securemail.operator.api.DnsSpec();
    dns.setProvider(io.securemail.operator.api.DnsSpec.Provider.RFC2136);
    dns.setManageMx(true);
    var rfc2136 = new io.securemail.operator.api.Rfc2136Spec();
    rfc2136.setServer(authoritativeAddress() + ":" + authoritativePort());
    rfc2136.setZone(zone + ".");
    rfc2136.setTsigKeyName(tsigKeyName());
    rfc2136.setTsigSecretRef(new io.securemail.operator.api.SecretKeyRef(secret, "secret"));
    dns.setRfc2136(rfc2136);
    return dns;
  }

  /** The name of the TSIG key that may update every lab zone. */
  public String tsigKeyName() {
    return TSIG_KEY_NAME;
  }

  public String tsigAlgorithm() {
    return TSIG_ALGORITHM;
  }

  /** The key's secret, base64; 32 random bytes generated when the lab started. */
  public String tsigSecret() {
    return tsigSecret;
  }

  /** The zone's trust anchor (its KSK) as a DNSKEY record in zone-file syntax. */
  public String trustAnchor(String zone) {
    String anchor = trustAnchors.get(zoneName(zone));
    if (anchor == null) {
      throw new IllegalArgumentException(zone + " is not a lab zone; lab zones: " + trustAnchors.keySet());
    }
    return anchor;
  }

  /** A resolv.conf pointing at the lab resolver, for programs that read one. */
  public Path resolvConf() {
    return resolvConf;
  }

  /**
   * UPDATE messages Knot has received for the lab zones since the lab started, accepted or refused
   * alike, counted from Knot's own log (what exactly is counted: see {@link KnotServer}).
   */
  public long updatesReceived() {
    return knot.updatesReceived();
  }

  /**
   * UPDATE messages for the BIND zones that passed BIND's allow-update ACL (TSIG verified) since
   * the lab started, whether their prerequisites then held or not, counted from BIND's own log.
   * 0 when the lab has no BIND zones.
   */
  public long bindUpdatesApproved() {
    return bind == null ? 0 : bind.updatesApproved();
  }

  /** Stops knotd only (its keys, journal and zones stay), for "DNS server unreachable" tests. */
  public void stopAuthoritative() {
    knot.stop();
  }

  /**
   * Starts knotd again on its kept state and returns once every zone is served signed by Knot and
   * validates through Unbound again.
   */
  public void startAuthoritative() throws IOException {
    knot.start();
    unbound.forgetOutage();
    unbound.awaitValidatedAnswers(Duration.ofSeconds(30));
  }

  /**
   * A lab fault: Knot serves {@code zone}, a name below a signed lab zone, without signing it, with
   * these records (zone-file lines, e.g. {@code "mx 60 IN A 127.0.1.5"}) besides SOA and NS. Once
   * the parent zone delegates to it (NS records there, added like any record, and no DS), it is an
   * insecure delegation (RFC 4035 section 5.2): Unbound answers for it without the AD flag. It
   * stays until the lab ends, across restarts of Knot.
   */
  public void addUnsignedZone(String zone, List<String> zoneLines) throws IOException {
    knot.addUnsignedZone(zoneName(zone), zoneLines);
  }

  public boolean authoritativeRunning() {
    return knot.isRunning();
  }

  @Override
  public void close() {
    try {
      unbound.close();
    } finally {
      try {
        if (bind != null) {
          bind.close();
        }
      } finally {
        knot.close();
      }
    }
  }
}
