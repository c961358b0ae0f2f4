package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.mail.HostileMx;
import io.securemail.lab.mail.HostileMx.Behaviour;
import io.securemail.lab.mail.MxMount;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A domain whose four MX hosts misbehave on purpose (an endless banner, one byte a second, a
 * tarpit, a reset in the middle of the TLS handshake) next to a healthy domain: the operator's
 * reconciles of the hostile domain stay short (the probes run on their own threads), the healthy
 * domain becomes Ready meanwhile, the domain's status names what each peer did, and the
 * operator's heap after a collection stays where it was while the probing goes on.
 */
@ExtendWith(LabExtension.class)
class HostileMxTest {

  static final String NS = "hostile";
  static final String ZONE = "hostile.test";
  static final String CALM_ZONE = "calm.test";
  static final String CALM_ADDRESS = "127.0.1.3";
  /** Each hostile MX host, the address of its peer, and the words the operator must find for it. */
  static final Map<Behaviour, String[]> PEERS = new LinkedHashMap<>();

  static {
    PEERS.put(Behaviour.ENDLESS_BANNER, new String[] {"mx-banner." + ZONE, HostileMx.ADDRESSES.get(0),
        "greeting failed: reply longer than 100 lines"});
    PEERS.put(Behaviour.ONE_BYTE_A_SECOND, new String[] {"mx-trickle." + ZONE, HostileMx.ADDRESSES.get(1),
        "greeting failed: no reply within"});
    PEERS.put(Behaviour.TARPIT, new String[] {"mx-tarpit." + ZONE, HostileMx.ADDRESSES.get(2),
        "greeting failed: no reply within"});
    PEERS.put(Behaviour.RESET_IN_HANDSHAKE, new String[] {"mx-reset." + ZONE, HostileMx.ADDRESSES.get(3),
        "the TLS handshake with " + HostileMx.ADDRESSES.get(3) + ":25 failed"});
  }

  static Lab lab;
  static KubernetesClient client;
  static final List<HostileMx> peers = new ArrayList<>();
  static MxMount calm;

  @BeforeAll
  static void peers(Lab l) throws Exception {
    lab = l;
    client = l.client();
    Domains.createNamespace(client, NS);
    Domains.tsigSecret(client, NS, "tsig", lab.dns().tsigSecret());
    List<String> addresses = new ArrayList<>();
    for (var peer : PEERS.entrySet()) {
      peers.add(HostileMx.start(peer.getValue()[1], peer.getKey()));
      addresses.add(peer.getValue()[0] + ". 60 IN A " + peer.getValue()[1]);
    }
    LabDns.addForeign(lab.dns(), ZONE, addresses);
  }

  @AfterAll
  static void stop() throws Exception {
    for (HostileMx peer : peers) {
      peer.close();
    }
    if (calm != null) {
      calm.close();
    }
  }

  @Test
  void hostileMxHostsNeitherHoldTheOperatorNorGoUnnamed() throws Exception {
    SecureMailDomain hostile = Domains.rfc2136(NS, "hostile", ZONE, lab.dns().authoritativeAddress() + ":"
        + lab.dns().authoritativePort(), ZONE + ".", lab.dns().tsigKeyName(), "tsig");
    hostile.getSpec().setMx(PEERS.values().stream().map(p -> new MxHost(p[0], 10)).toList());
    hostile.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    api(client).resource(hostile).create();

    // Another domain, created while the hostile one is being probed, gets everything done.
    LabMx healthy = LabMx.prepare(lab, NS, "calm", CALM_ZONE, CALM_ADDRESS);
    calm = healthy.mount();
    api(client).resource(healthy.domain()).create();
    await("the healthy domain's TLSA records, while the hostile MX hosts are probed")
        .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
        .until(() -> api(client).inNamespace(NS).withName("calm").get(), s -> s != null && s.getStatus() != null
            && condition(s, "CertificatesReady").filter(c -> "True".equals(c.getStatus())).isPresent());

    // The hostile domain: not Ready, and its status says what each peer did.
    SecureMailDomain seen = await("the hostile domain's status naming every peer's fault").atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(2)).until(() -> api(client).inNamespace(NS).withName("hostile").get(),
            s -> s != null && s.getStatus() != null && s.getStatus().getDane() != null
                && PEERS.values().stream().allMatch(p -> said(s, p[0], p[1], p[2])));
    assertThat(condition(seen, "CertificatesReady").orElseThrow().getReason()).isEqualTo("MxNotServingKey");
    assertThat(condition(seen, "Ready").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(seen.getStatus().getRecords()).noneMatch(r -> "TLSA".equals(r.getType()));

    // Each reconcile of the hostile domain waited at most its patience for the probes, not for the peers.
    assertThat(longestReconcileSeconds("hostile")).as("the longest reconcile of the hostile domain, in seconds")
        .isLessThan(15.0);

    // The probing goes on (the domain is looked at again and again): the heap after a collection stays put.
    long before = heapAfterCollection();
    int connections = peers.stream().mapToInt(HostileMx::connections).sum();
    await().pollDelay(Duration.ofSeconds(45)).atMost(Duration.ofSeconds(50)).until(() -> true);
    assertThat(peers.stream().mapToInt(HostileMx::connections).sum()).as("the peers were probed again")
        .isGreaterThan(connections);
    long after = heapAfterCollection();
    System.out.printf("[hostile] heap after a collection: %d KiB, then %d KiB after 45 s more of probing; "
        + "%d connections to the peers%n", before / 1024, after / 1024, connections);
    assertThat(after - before).as("heap growth while hostile peers are probed, bytes").isLessThan(16L << 20);
  }

  /** Whether status.dane.message has the endpoint's failure with {@code words} in it. */
  static boolean said(SecureMailDomain smd, String host, String address, String words) {
    String message = smd.getStatus().getDane().getMessage();
    if (message == null) {
      return false;
    }
    String endpoint = host + " (" + address + ":25): ";
    return Arrays.stream(message.split(", (?=mx-[a-z]+\\." + Pattern.quote(ZONE) + " \\()"))
        .anyMatch(failure -> failure.contains(endpoint) && failure.contains(words));
  }

  /** The longest single reconcile of the domain so far, from the SDK's per-resource timer. */
  static double longestReconcileSeconds(String name) {
    Matcher m = Pattern.compile("^operator_sdk_controllers_execution_reconcile_seconds_max\\{[^}]*resource_name=\""
        + Pattern.quote(name) + "\"[^}]*} ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(lab.operator().metrics());
    double longest = 0;
    while (m.find()) {
      longest = Math.max(longest, Double.parseDouble(m.group(1)));
    }
    return longest;
  }

  /** The operator's heap in use right after a full collection (jcmd GC.run), from its metrics. */
  static long heapAfterCollection() throws Exception {
    ManagedProcess.Completed gc = ManagedProcess.run(List.of("jcmd", String.valueOf(lab.operator().pid()), "GC.run"));
    assertThat(gc.exitCode()).as(gc.output()).isZero();
    Matcher m = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+-]+)$", Pattern.MULTILINE)
        .matcher(lab.operator().metrics());
    double used = 0;
    while (m.find()) {
      used += Double.parseDouble(m.group(1));
    }
    assertThat(used).as("jvm_memory_used_bytes{area=heap} in the operator's metrics").isPositive();
    return (long) used;
  }
}
