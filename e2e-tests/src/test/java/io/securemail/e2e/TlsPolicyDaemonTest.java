package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.lab.Lab;
import io.securemail.lab.dns.OutboundZone;
import io.securemail.lab.dns.OutboundZone.Destination;
import io.securemail.lab.dns.ZoneUpdates;
import io.securemail.lab.mail.TlsPolicyStack;
import io.securemail.lab.mtasts.PolicyMount;
import io.securemail.lab.support.LabPki;
import io.securemail.lab.support.ManagedProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The MTA image's TLS policy daemon (securemail-tls-policy in front of mta-sts-daemon) against
 * real DNS: destinations in the lab zone {@value OutboundZone#ZONE} with DANE and MTA-STS records
 * as each case needs, asked through the socketmap protocol exactly as Postfix asks. What Postfix
 * then does follows from the reply: "OK dane" means DANE (RFC 7672), "OK secure match=..." means
 * MTA-STS enforced with those MX patterns, NOTFOUND means the default (opportunistic DANE), TEMP
 * means the mail is deferred. mta-sts-daemon alone is asked too, to show what it would have made
 * Postfix do without the daemon in front.
 *
 * <p>Lab servers used: the stack on 127.0.4.2 (and 127.0.4.3 with an unreachable resolver, 127.0.4.5
 * whose mta-sts-daemon is stopped), the
 * Postfix listener 127.0.1.6 as the destinations' MX address (only its throwaway key is read, its
 * settings are not changed), the policy server 127.0.2.6 for namespace {@value #NS}. One case stops
 * the lab's Knot for a few seconds and starts it again (as DnsLabTest does). Destination labels
 * start with "tp-" in {@value OutboundZone#ZONE}.
 */
@ExtendWith(LabExtension.class)
class TlsPolicyDaemonTest {

  static final String NS = "tls-policy";
  static final String MX_ADDRESS = "127.0.1.6";
  static final String POLICY_ADDRESS = "127.0.2.6";
  static final String STACK_ADDRESS = "127.0.4.2";
  static final String DEAD_RESOLVER_STACK_ADDRESS = "127.0.4.3";
  /** Nothing listens there: a resolver that is down. */
  static final String DEAD_RESOLVER = "127.0.4.4";
  static final String DEAD_UPSTREAM_STACK_ADDRESS = "127.0.4.5";

  static Lab lab;
  static Path work;
  static Path caFile;
  static KeyPair caKey;
  static X509Certificate ca;
  static TlsPolicyStack stack;
  static PolicyMount policyServer;
  /** TLSA data (3 1 1) of the key the MX address serves. */
  static String daneEe;

  static Destination daneOk;
  static Destination daneAndSts;
  static Destination pkixOnly;
  static Destination stsOnly;
  static Destination insecureWithTlsa;
  static Destination plain;
  static Destination implicitMx;

  @BeforeAll
  static void destinations(Lab l) throws Exception {
    lab = l;
    work = Files.createDirectories(l.repoDir().resolve("e2e-tests/target/tls-policy"));
    caKey = LabPki.generateEcdsa();
    ca = LabPki.selfSignedCa(caKey, "TLS policy test CA", Duration.ofDays(30));
    caFile = work.resolve("policy-ca.pem");
    Files.writeString(caFile, LabPki.certificatePem(ca));
    // The key the MX address really serves: the TLSA records describe the real server.
    PublicKey mxKey = l.postfix().throwawayCertificate(MX_ADDRESS).getPublicKey();
    daneEe = OutboundZone.tlsaDaneEe(mxKey);
    OutboundZone zone = l.outbound();
    daneOk = zone.destination("tp-dane-ok").mx(MX_ADDRESS).tlsa(daneEe).publish();
    daneAndSts = zone.destination("tp-dane-sts").mx(MX_ADDRESS).tlsa(daneEe).mtaSts(POLICY_ADDRESS, "1").publish();
    // PKIX-TA(0) and PKIX-EE(1) only: unusable for SMTP (RFC 7672 section 3.1.3).
    pkixOnly = zone.destination("tp-pkix-only").mx(MX_ADDRESS).tlsa(OutboundZone.tlsa(0, ca.getPublicKey()))
        .tlsa(OutboundZone.tlsa(1, mxKey)).mtaSts(POLICY_ADDRESS, "1").publish();
    stsOnly = zone.destination("tp-sts-only").mx(MX_ADDRESS).mtaSts(POLICY_ADDRESS, "1").publish();
    insecureWithTlsa = zone.destination("tp-insecure").mx(MX_ADDRESS).tlsa(daneEe).mtaSts(POLICY_ADDRESS, "1")
        .unsigned().publish();
    plain = zone.destination("tp-plain").mx(MX_ADDRESS).publish();
    implicitMx = zone.destination("tp-implicit").implicitMx(MX_ADDRESS).tlsa(daneEe).publish();
    servePolicies(List.of(daneAndSts, pkixOnly, stsOnly, insecureWithTlsa));
    stack = TlsPolicyStack.start(l.repoDir(), work.resolve("stack"), STACK_ADDRESS, l.dns().resolvConf(), caFile);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    if (policyServer != null) {
      policyServer.close();
    }
  }

  /** Each destination's MTA-STS policy (enforce, its MX host) on the lab policy server, certified by the test CA. */
  static void servePolicies(List<Destination> destinations) throws Exception {
    Map<String, String> policies = new LinkedHashMap<>();
    for (Destination d : destinations) {
      policies.put(d.policyHost(), OutboundZone.policy("enforce", d.mxHost()));
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    policyServer = StsPolicies.serve(lab, NS, POLICY_ADDRESS, policies, (key, host) -> LabPki.signServer(key, host,
        List.of(host), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)), ca, caKey.getPrivate()));
  }

  // --- DANE applies: Postfix does DANE, MTA-STS is not asked ---

  @Test
  void aSignedDestinationWithUsableTlsaGetsDane() throws Exception {
    assertThat(stack.lookup(daneOk.domain())).isEqualTo("OK dane");
    assertThat(Files.readString(stack.policyLog())).contains("domain=" + daneOk.domain() + " answer=dane");
  }

  @Test
  void daneWinsOverAnMtaStsEnforcePolicy() throws Exception {
    // mta-sts-daemon alone would have answered with its policy, and Postfix would have used it instead of DANE.
    assertThat(stack.lookupMtaSts(daneAndSts.domain())).startsWith("OK secure match=").contains(daneAndSts.mxHost());
    assertThat(stack.lookup(daneAndSts.domain())).isEqualTo("OK dane");
  }

  @Test
  void withoutMxRecordsTheDomainItselfIsTheDaneHost() throws Exception {
    assertThat(implicitMx.mxHost()).isEqualTo(implicitMx.domain());
    assertThat(stack.lookup(implicitMx.domain())).isEqualTo("OK dane");
  }

  @Test
  void anMxHostAliasIsFollowedToTheTlsaOfItsTarget() throws Exception {
    // RFC 7672 section 2.2.2: with a secure CNAME chain, TLSA is looked for at the expanded name.
    String domain = "tp-alias." + OutboundZone.ZONE;
    ZoneUpdates.add(lab.dns(), lab.dns().authoritativeAddress(), lab.dns().authoritativePort(), OutboundZone.ZONE,
        List.of(domain + ". 60 IN MX 10 mx." + domain + ".",
            "mx." + domain + ". 60 IN CNAME host." + domain + ".",
            "host." + domain + ". 60 IN A " + MX_ADDRESS,
            "_25._tcp.host." + domain + ". 60 IN TLSA " + daneEe));
    assertThat(stack.lookup(domain)).isEqualTo("OK dane");
    assertThat(Files.readString(stack.policyLog())).contains("domain=" + domain + " answer=dane reason=secure MX "
        + "and usable TLSA at _25._tcp.host." + domain);
  }

  // --- DANE does not apply: mta-sts-daemon's answer, unchanged ---

  @Test
  void onlyPkixTlsaUsagesLeaveItToMtaSts() throws Exception {
    assertThat(LabDns.served(lab.dns(), pkixOnly.tlsaName() + ".", Type.TLSA)).hasSize(2)
        .allMatch(rdata -> rdata.startsWith("0 ") || rdata.startsWith("1 "));
    String mtaSts = stack.lookupMtaSts(pkixOnly.domain());
    assertThat(mtaSts).startsWith("OK secure match=").contains(pkixOnly.mxHost());
    assertThat(stack.lookup(pkixOnly.domain())).isEqualTo(mtaSts);
  }

  @Test
  void aSignedDestinationWithoutTlsaGetsItsMtaStsPolicy() throws Exception {
    String mtaSts = stack.lookupMtaSts(stsOnly.domain());
    assertThat(mtaSts).startsWith("OK secure match=").contains(stsOnly.mxHost());
    assertThat(stack.lookup(stsOnly.domain())).isEqualTo(mtaSts);
  }

  @Test
  void tlsaRecordsFromAnInsecureZoneAreIgnored() throws Exception {
    // The records are there, but the resolver cannot vouch for them (no AD): RFC 7672 section 2.2.
    assertThat(LabDns.served(lab.dns(), insecureWithTlsa.tlsaName() + ".", Type.TLSA)).isNotEmpty();
    assertThat(validated(insecureWithTlsa.tlsaName())).isFalse();
    assertThat(validated(daneOk.tlsaName())).isTrue();
    String reply = stack.lookup(insecureWithTlsa.domain());
    assertThat(reply).isNotEqualTo("OK dane").isEqualTo(stack.lookupMtaSts(insecureWithTlsa.domain()))
        .startsWith("OK secure match=").contains(insecureWithTlsa.mxHost());
  }

  @Test
  void aDestinationWithNeitherIsNotFound() throws Exception {
    assertThat(stack.lookup(plain.domain())).isEqualTo("NOTFOUND ");
  }

  // --- failures: defer, never downgrade ---

  @Test
  void anUnreachableResolverDefersTheMail() throws Exception {
    Path resolvConf = work.resolve("resolv-dead.conf");
    Files.writeString(resolvConf, "nameserver " + DEAD_RESOLVER + "\noptions edns0 trust-ad\n");
    try (TlsPolicyStack dead = TlsPolicyStack.start(lab.repoDir(), work.resolve("stack-dead-resolver"),
        DEAD_RESOLVER_STACK_ADDRESS, resolvConf, caFile)) {
      for (Destination d : List.of(daneOk, plain)) {
        assertThat(dead.lookup(d.domain())).as(d.domain()).startsWith("TEMP ").contains(d.domain());
      }
      assertThat(dead.isRunning()).isTrue();
    }
  }

  @Test
  void anAuthoritativeOutageDefersTheMail() throws Exception {
    // Published now and never asked before, so the resolver has nothing cached for it.
    Destination fresh = lab.outbound().destination("tp-outage").mx(MX_ADDRESS).tlsa(daneEe).publish();
    lab.dns().stopAuthoritative();
    try {
      // The validating resolver answers SERVFAIL (or not in time): neither DANE nor "no DANE" is known.
      assertThat(stack.lookup(fresh.domain())).startsWith("TEMP ").contains(fresh.domain());
    } finally {
      lab.dns().startAuthoritative();
    }
    assertThat(stack.lookup(fresh.domain())).isEqualTo("OK dane");
  }

  @Test
  void anUnreachableMtaStsResolverDefersAllButDaneDestinations() throws Exception {
    try (TlsPolicyStack noUpstream = TlsPolicyStack.start(lab.repoDir(), work.resolve("stack-dead-upstream"),
        DEAD_UPSTREAM_STACK_ADDRESS, lab.dns().resolvConf(), caFile)) {
      noUpstream.stopMtaStsDaemon();
      // Whether MTA-STS applies cannot be known: defer rather than send with less protection.
      assertThat(noUpstream.lookup(stsOnly.domain())).startsWith("TEMP ").contains("MTA-STS resolver");
      assertThat(noUpstream.lookup(plain.domain())).startsWith("TEMP ");
      // DANE needs no MTA-STS answer.
      assertThat(noUpstream.lookup(daneOk.domain())).isEqualTo("OK dane");
    }
  }

  // --- Postfix's own socketmap client ---

  @Test
  void postfixReadsTheRepliesWithItsSocketmapClient() throws Exception {
    String table = "socketmap:inet:" + stack.address() + ":" + TlsPolicyStack.POLICY_PORT + ":"
        + TlsPolicyStack.MAP_NAME;
    // postmap -q prints the value found (exit 0), nothing when not found (exit 1).
    ManagedProcess.Completed dane = postmap(table, daneOk.domain());
    assertThat(dane.exitCode()).as(dane.output()).isZero();
    assertThat(dane.output()).isEqualTo("dane");
    ManagedProcess.Completed sts = postmap(table, stsOnly.domain());
    assertThat(sts.exitCode()).as(sts.output()).isZero();
    assertThat(sts.output()).startsWith("secure match=").contains(stsOnly.mxHost());
    ManagedProcess.Completed none = postmap(table, plain.domain());
    assertThat(none.exitCode()).as(none.output()).isEqualTo(1);
    assertThat(none.output()).isEmpty();
  }

  static ManagedProcess.Completed postmap(String table, String key) throws Exception {
    // The lab Postfix's main.cf: postmap reads one, and the machine has none of its own.
    return ManagedProcess.run(List.of("/usr/sbin/postmap", "-c", lab.postfix().configDir().toString(), "-q", key,
        table));
  }

  @Test
  void aMalformedClientIsDroppedAndOthersAreStillServed() throws Exception {
    assertThat(stack.sendRaw("hello world\r\n".getBytes(StandardCharsets.US_ASCII))).isEmpty();
    assertThat(stack.sendRaw("99999999:x".getBytes(StandardCharsets.US_ASCII))).isEmpty();
    assertThat(stack.isRunning()).isTrue();
    assertThat(stack.lookup(daneOk.domain())).isEqualTo("OK dane");
  }

  /** Whether the lab resolver answers the name's TLSA RRset with the AD flag (DNSSEC-validated). */
  static boolean validated(String name) throws Exception {
    SimpleResolver resolver = new SimpleResolver(lab.dns().resolverAddress());
    resolver.setPort(lab.dns().resolverPort());
    resolver.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
    resolver.setTimeout(Duration.ofSeconds(5));
    Message query = Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.TLSA, DClass.IN));
    query.getHeader().setFlag(Flags.AD);
    Message response = resolver.send(query);
    assertThat(response.getSection(org.xbill.DNS.Section.ANSWER)).as(name + " TLSA").isNotEmpty();
    return response.getHeader().getFlag(Flags.AD);
  }
}
