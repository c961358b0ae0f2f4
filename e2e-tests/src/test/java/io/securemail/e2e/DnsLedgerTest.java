package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.dns.DnsLab;
import io.securemail.lab.dns.ZoneUpdates;
import io.securemail.operator.api.DnsRecordStatus;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainStatus;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.Type;

/**
 * Nothing published through RFC 2136 is lost track of: an UPDATE whose answer never arrives, an
 * operator killed between the UPDATE and its status write, a status wiped as a backup restore
 * without status leaves it, and a move to another server. After each, deleting the domain leaves
 * none of its records in the zone.
 */
@ExtendWith(LabExtension.class)
class DnsLedgerTest {

  static final String NS = "dns-ledger";
  static Lab lab;
  static KubernetesClient client;
  static DnsLab dns;
  static final Started started = new Started();

  @BeforeAll
  static void setUp(Lab l) {
    lab = l;
    client = l.client();
    dns = l.dns();
    Domains.createNamespace(client, NS);
    Domains.tsigSecret(client, NS, "tsig", dns.tsigSecret());
  }

  @AfterAll
  static void tearDown() {
    started.closeAll();
  }

  @Test
  void anUpdateWhoseAnswerIsLostIsLookedUpInTheZone() throws Exception {
    DnsTcpProxy proxy = started.add(new DnsTcpProxy(dns.authoritativeAddress(), dns.authoritativePort()));
    proxy.onUpdateAnswer(n -> n > 1); // the first UPDATE is applied, its answer lost
    Set<String> reasons = ConcurrentHashMap.newKeySet();

    api(client).resource(domain("lost", "lost.test", proxy.address())).create();
    SecureMailDomain published = awaitStatus(client, NS, "lost", d -> {
      condition(d, "DnsPublished").map(Condition::getReason).ifPresent(reasons::add);
      return dnsPublished(d);
    });

    assertThat(proxy.updates()).as("one UPDATE, applied though unanswered, and no second one").isEqualTo(1);
    assertThat(reasons).as("the lost answer was settled by looking at the zone, not reported")
        .doesNotContain("DnsServerUnreachable");
    assertLedgerHoldsEverything(published, "lost.test");
    assertWithdrawnOnDeletion("lost", "lost.test");
  }

  @Test
  void anOperatorKilledBetweenTheUpdateAndTheStatusWriteLeavesNoOrphan() throws Exception {
    DnsTcpProxy proxy = started.add(new DnsTcpProxy(dns.authoritativeAddress(), dns.authoritativePort()));
    proxy.onUpdateAnswer(n -> {
      if (n == 1) {
        // The server has applied the UPDATE; the operator dies before it hears so (SIGKILL: no shutdown hook).
        ProcessHandle.of(lab.operator().pid()).ifPresent(p -> {
          p.destroyForcibly();
          p.onExit().join();
        });
        return false;
      }
      return true;
    });

    api(client).resource(domain("crash", "crash.test", proxy.address())).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> proxy.updates() == 1 && !lab.operator().isAlive());
    assertThat(LabDns.served(dns, "crash.test.", Type.MX)).as("the UPDATE was applied").hasSize(1);
    SecureMailDomain before = api(client).inNamespace(NS).withName("crash").get();
    assertThat(before.getStatus() == null ? List.of() : before.getStatus().getPublishedRecords())
        .as("the status write never happened").isEmpty();

    lab.restartOperator();

    SecureMailDomain published = awaitStatus(client, NS, "crash", DnsLedgerTest::dnsPublished);
    assertLedgerHoldsEverything(published, "crash.test");
    assertThat(proxy.updates()).as("the records in the zone were adopted, not sent again").isEqualTo(1);
    assertWithdrawnOnDeletion("crash", "crash.test");
  }

  @Test
  void aWipedStatusIsRebuiltFromTheZone() throws Exception {
    api(client).resource(domain("wipe", "wipe.test", dns.authoritativeAddress() + ":" + dns.authoritativePort()))
        .create();
    SecureMailDomain first = awaitStatus(client, NS, "wipe", DnsLedgerTest::dnsPublished);
    assertLedgerHoldsEverything(first, "wipe.test");

    // A backup restored without status: the ledger is gone, the records are still in the zone.
    lab.suspendOperator();
    try {
      api(client).inNamespace(NS).withName("wipe").editStatus(d -> {
        d.setStatus(new SecureMailDomainStatus());
        return d;
      });
      assertThat(api(client).inNamespace(NS).withName("wipe").get().getStatus().getPublishedRecords()).isEmpty();
    } finally {
      lab.resumeOperator();
    }

    SecureMailDomain rebuilt = awaitStatus(client, NS, "wipe", DnsLedgerTest::dnsPublished);
    assertLedgerHoldsEverything(rebuilt, "wipe.test");
    assertWithdrawnOnDeletion("wipe", "wipe.test");
  }

  @Test
  void movingToAnotherServerWithdrawsFromTheOldOneFirst() throws Exception {
    DnsTcpProxy old = new DnsTcpProxy(dns.authoritativeAddress(), dns.authoritativePort());
    String oldServer = old.address();
    int oldPort = old.port();
    String newServer = dns.authoritativeAddress() + ":" + dns.authoritativePort();
    api(client).resource(domain("move", "move.test", oldServer)).create();
    SecureMailDomain first = awaitStatus(client, NS, "move", DnsLedgerTest::dnsPublished);
    assertThat(first.getStatus().getPublishedTo().getServer()).isEqualTo(oldServer);
    old.close(); // the old server is gone for now

    Domains.edit(client, NS, "move", d -> {
      d.getSpec().getDns().getRfc2136().setServer(newServer);
      return d;
    });
    SecureMailDomain blocked = awaitStatus(client, NS, "move", d -> d.getMetadata().getGeneration() == 2
        && condition(d, "DnsPublished").filter(c -> "DnsServerUnreachable".equals(c.getReason())).isPresent());
    assertThat(condition(blocked, "DnsPublished").orElseThrow().getMessage())
        .contains("Withdrawing the 3 records published to " + oldServer, "before publishing to " + newServer);
    assertThat(blocked.getStatus().getPublishedTo().getServer()).as("still where the records are").isEqualTo(oldServer);
    assertThat(LabDns.served(dns, "move.test.", Type.MX)).as("nothing withdrawn yet").hasSize(1);

    DnsTcpProxy back = started.add(new DnsTcpProxy(dns.authoritativeAddress(), dns.authoritativePort(), oldPort));
    SecureMailDomain moved = awaitStatus(client, NS, "move", d -> d.getMetadata().getGeneration() == 2
        && dnsPublished(d));
    assertThat(back.updates()).as("the withdrawal went to the old server").isEqualTo(1);
    assertThat(moved.getStatus().getPublishedTo().getServer()).isEqualTo(newServer);
    assertLedgerHoldsEverything(moved, "move.test");
    assertWithdrawnOnDeletion("move", "move.test");
  }

  @Test
  void anOwnershipRecordUnderTheFormerDefaultIdIsReplacedByTheClustersOwn() throws Exception {
    String legacy = "_securemail-owner.legacy.test. 300 IN TXT "
        + "\"heritage=securemail-operator,owner=securemail-operator,resource=" + NS + "/legacy\"";
    ZoneUpdates.add(dns, "legacy.test", legacy);
    api(client).resource(domain("legacy", "legacy.test", dns.authoritativeAddress() + ":" + dns.authoritativePort()))
        .create();
    // Not in this resource's ledger: another owner, as far as the operator can tell.
    awaitStatus(client, NS, "legacy", d -> condition(d, "DnsPublished")
        .filter(c -> "DnsOwnedElsewhere".equals(c.getReason())).isPresent());

    // What an earlier version left in status: the ledger listing the record under the former default id.
    api(client).inNamespace(NS).withName("legacy").editStatus(d -> {
      d.getStatus().setPublishedRecords(List.of(new DnsRecordStatus("_securemail-owner.legacy.test.", "TXT",
          "\"heritage=securemail-operator,owner=securemail-operator,resource=" + NS + "/legacy\"", 300, null)));
      return d;
    });

    SecureMailDomain taken = awaitStatus(client, NS, "legacy", DnsLedgerTest::dnsPublished);
    String uid = client.namespaces().withName("kube-system").get().getMetadata().getUid();
    assertThat(LabDns.served(dns, "_securemail-owner.legacy.test.", Type.TXT)).singleElement().asString()
        .contains("owner=cluster-" + uid + ",").contains("resource=" + NS + "/legacy")
        .doesNotContain("owner=securemail-operator");
    assertLedgerHoldsEverything(taken, "legacy.test");
    assertWithdrawnOnDeletion("legacy", "legacy.test");
  }

  @Test
  void anotherTxtRecordAtTheOwnershipNameIsNamedAndThenTheDomainIsClaimed() throws Exception {
    String squatter = "_securemail-owner.squat.test. 300 IN TXT \"google-site-verification=abc\"";
    ZoneUpdates.add(dns, "squat.test", squatter);
    api(client).resource(domain("squat", "squat.test", dns.authoritativeAddress() + ":" + dns.authoritativePort()))
        .create();
    SecureMailDomain refused = awaitStatus(client, NS, "squat", d -> condition(d, "DnsPublished")
        .filter(c -> "DnsOwnedElsewhere".equals(c.getReason())).isPresent());
    assertThat(condition(refused, "DnsPublished").orElseThrow().getMessage())
        .contains("holds TXT records that are no ownership record", "google-site-verification=abc");
    assertThat(LabDns.served(dns, "squat.test.", Type.MX)).as("nothing published").isEmpty();

    ZoneUpdates.deleteRrsets(dns, "squat.test", List.of(squatter));
    SecureMailDomain claimed = awaitStatus(client, NS, "squat", DnsLedgerTest::dnsPublished);
    assertLedgerHoldsEverything(claimed, "squat.test");
    assertWithdrawnOnDeletion("squat", "squat.test");
  }

  @Test
  void aRetiredKeysTlsaDoesNotOutliveAWipedStatus() throws Exception {
    LabMx mx = LabMx.prepare(lab, NS, "stale", "stale.test", "127.0.1.2");
    started.add(mx.mount());
    api(client).resource(mx.domain()).create();
    SecureMailDomain stable = awaitStatus(client, NS, "stale", d -> dnsPublished(d) && d.getStatus().getDane() != null
        && "Stable".equals(d.getStatus().getDane().getPhase()));
    String tlsaName = "_25._tcp." + mx.host() + ".";
    Set<String> keys = Set.of(stable.getStatus().getDane().getCurrentSpkiSha256(),
        stable.getStatus().getDane().getNextSpkiSha256());
    assertThat(tlsa(tlsaName)).isEqualTo(keys);

    // A key the operator had published before its status was lost (a backup restored without it),
    // restored while no operator runs: a reconcile under way could otherwise write back the status
    // it read before the restore, ledger and all, over the restored one.
    lab.suspendOperator();
    String retired = "ab".repeat(32);
    try {
      ZoneUpdates.add(dns, "stale.test", tlsaName + " 30 IN TLSA 3 1 1 " + retired);
      api(client).inNamespace(NS).withName("stale").editStatus(d -> {
        d.setStatus(new SecureMailDomainStatus());
        return d;
      });
    } finally {
      lab.resumeOperator();
    }

    SecureMailDomain rebuilt = awaitStatus(client, NS, "stale", d -> dnsPublished(d)
        && d.getStatus().getDane() != null && "Stable".equals(d.getStatus().getDane().getPhase()));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(tlsa(tlsaName))
        .as("the retired key's TLSA is withdrawn, the served keys' stay").isEqualTo(keys));
    assertThat(rebuilt.getStatus().getPublishedRecords()).extracting(DnsRecordStatus::getType)
        .as("the TLSA records were adopted").contains("TLSA", "TLSA");
  }

  /** The SPKI hashes of the 3 1 1 TLSA records Knot serves at {@code name}. */
  private static Set<String> tlsa(String name) throws Exception {
    return LabDns.served(dns, name, Type.TLSA).stream().map(v -> v.replaceFirst("^3 1 1 ", "").toLowerCase())
        .collect(java.util.stream.Collectors.toSet());
  }

  private static boolean dnsPublished(SecureMailDomain d) {
    return condition(d, "DnsPublished").filter(c -> "Published".equals(c.getReason())).isPresent();
  }

  /** The ledger lists the MX and TLS-RPT records and the ownership record, and the zone serves them. */
  private static void assertLedgerHoldsEverything(SecureMailDomain d, String domain) throws Exception {
    assertThat(d.getStatus().getPublishedRecords()).extracting(DnsRecordStatus::getType)
        .as("MX, TLS-RPT TXT and the ownership TXT").containsExactlyInAnyOrder("MX", "TXT", "TXT");
    assertThat(d.getStatus().getPublishedRecords()).extracting(DnsRecordStatus::getName)
        .anySatisfy(n -> assertThat(n).startsWith("_securemail-owner." + domain))
        .anySatisfy(n -> assertThat(n).startsWith("_smtp._tls." + domain));
    assertThat(LabDns.served(dns, domain + ".", Type.MX)).hasSize(1);
    assertThat(LabDns.served(dns, "_smtp._tls." + domain + ".", Type.TXT)).hasSize(1);
    assertThat(LabDns.served(dns, "_securemail-owner." + domain + ".", Type.TXT)).hasSize(1);
  }

  private static void assertWithdrawnOnDeletion(String name, String domain) throws Exception {
    api(client).inNamespace(NS).withName(name).delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> api(client).inNamespace(NS).withName(name).get() == null);
    assertThat(LabDns.served(dns, domain + ".", Type.MX)).as("no MX left behind").isEmpty();
    assertThat(LabDns.served(dns, "_smtp._tls." + domain + ".", Type.TXT)).isEmpty();
    assertThat(LabDns.served(dns, "_securemail-owner." + domain + ".", Type.TXT)).isEmpty();
  }

  private static SecureMailDomain domain(String name, String zone, String server) {
    SecureMailDomain smd = Domains.rfc2136(NS, name, zone, server, zone + ".", dns.tsigKeyName(), "tsig");
    smd.getSpec().getDns().setManageMx(true);
    return smd;
  }

}
