package io.securemail.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.TestPki;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.DnssecState;
import io.securemail.operator.compliance.net.TargetGuard;
import io.securemail.operator.compliance.smtp.GuardedSmtpProbe;
import io.securemail.operator.compliance.smtp.SmtpClientProbe;
import io.securemail.operator.compliance.smtp.SmtpProbe;
import io.securemail.operator.compliance.smtp.TestSmtpServer;
import io.securemail.operator.compliance.smtp.TestSmtpServer.Behaviour;
import io.securemail.operator.dns.Tlsa;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which key the MX endpoints serve, against the compliance tests' SMTP server on loopback: what
 * the DANE rollover waits on before retiring a key, and what MtaReady reports.
 */
class ServedKeysTest {

  private static TestPki.Issued leaf;
  private static String leafSpki;

  @BeforeAll
  static void certificates() {
    TestPki.Issued ca = TestPki.ca("Test Mail CA");
    leaf = TestPki.leaf(ca, "mx1.example.com");
    leafSpki = Tlsa.spkiSha256(leaf.certificate().getPublicKey());
  }

  private static TestSmtpServer server(Behaviour behaviour) throws Exception {
    return new TestSmtpServer(behaviour, leaf, List.of(leaf.certificate()),
        ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12),
        new int[] {CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256});
  }

  /** Hosts with an A record each; any other lookup finds nothing. */
  private static DnsProbe addresses(Map<String, String> a) {
    return (name, type) -> type.equals("A") && a.containsKey(name)
        ? DnsAnswer.of(name, type, DnssecState.insecure, a.get(name)) : DnsAnswer.of(name, type, DnssecState.insecure);
  }

  private static ServedKeys served(DnsProbe dns, TestSmtpServer server, Duration timeout) {
    return new ServedKeys(dns, SmtpClientProbe.withoutWeakOffers(timeout), server.port());
  }

  @Test
  void theKeyOfEveryEndpointIsConclusive() throws Exception {
    try (TestSmtpServer server = server(Behaviour.STARTTLS)) {
      ServedKeys.Result result = served(addresses(Map.of("mx1.example.com", "127.0.0.1")), server,
          Duration.ofSeconds(5)).probe(List.of("mx1.example.com"));

      assertThat(result.failures()).isEmpty();
      assertThat(result.servedSpkis()).containsExactly(leafSpki);
      assertThat(result.conclusive()).containsExactly(leafSpki);
      assertThat(result.endpoints()).containsExactly("mx1.example.com (127.0.0.1:" + server.port() + ")");
      assertThat(result.summary()).isEqualTo("1 MX endpoint(s) probed");
    }
  }

  /** An endpoint that could not be probed might serve any key: nothing is conclusive. */
  @Test
  void aHostWithoutAddressMakesTheResultInconclusive() throws Exception {
    try (TestSmtpServer server = server(Behaviour.STARTTLS)) {
      ServedKeys.Result result = served(addresses(Map.of("mx1.example.com", "127.0.0.1")), server,
          Duration.ofSeconds(5)).probe(List.of("mx1.example.com", "mx2.example.com"));

      assertThat(result.servedSpkis()).containsExactly(leafSpki);
      assertThat(result.failures()).containsExactly("mx2.example.com has no address");
      assertThat(result.conclusive()).isEmpty();
      assertThat(result.summary()).isEqualTo("1 MX endpoint(s) probed; failed: [mx2.example.com has no address]");
    }
  }

  @Test
  void aFailedLookupSaysWhy() {
    DnsProbe down = (name, type) -> DnsAnswer.failed(name, type, DnsAnswer.Outcome.UNREACHABLE,
        DnssecState.indeterminate, "resolver 192.0.2.53:53 did not answer: no answer within 5 s");

    ServedKeys.Result result = new ServedKeys(down, SmtpClientProbe.withoutWeakOffers(Duration.ofSeconds(1)), 25)
        .probe(List.of("mx1.example.com"));

    assertThat(result.failures()).containsExactly("mx1.example.com has no address (mx1.example.com A: resolver "
        + "192.0.2.53:53 did not answer: no answer within 5 s)");
    assertThat(result.endpoints()).isEmpty();
  }

  @Test
  void aFailedAaaaLookupBesideAGoodAMakesNothingConclusive() throws Exception {
    DnsProbe aaaaDown = (name, type) -> "A".equals(type) ? DnsAnswer.of(name, type, DnssecState.secure, "127.0.0.1")
        : DnsAnswer.failed(name, type, DnsAnswer.Outcome.ERROR, DnssecState.indeterminate, "SERVFAIL");
    try (TestSmtpServer server = server(Behaviour.STARTTLS)) {
      ServedKeys.Result result = served(aaaaDown, server, Duration.ofSeconds(5)).probe(List.of("mx1.example.com"));

      assertThat(result.endpoints()).hasSize(1);
      assertThat(result.failures()).containsExactly("mx1.example.com: its other addresses are unknown "
          + "(mx1.example.com AAAA: SERVFAIL)");
      assertThat(result.conclusive()).as("the IPv6 endpoints may serve another key").isEmpty();
    }
  }

  @Test
  void anEndpointWithoutStarttlsFailsWithTheReason() throws Exception {
    try (TestSmtpServer server = server(Behaviour.NO_STARTTLS)) {
      ServedKeys.Result result = served(addresses(Map.of("mx1.example.com", "127.0.0.1")), server,
          Duration.ofSeconds(5)).probe(List.of("mx1.example.com"));

      assertThat(result.servedSpkis()).isEmpty();
      assertThat(result.failures()).singleElement().asString()
          .startsWith("mx1.example.com (127.0.0.1:" + server.port() + "): ")
          .endsWith("does not offer STARTTLS in its EHLO reply");
    }
  }

  /** A server that accepts the connection and says nothing is given up on within the timeout. */
  @Test
  void aSilentEndpointFailsWithinTheTimeout() throws Exception {
    try (TestSmtpServer server = server(Behaviour.SILENT)) {
      long started = System.nanoTime();
      ServedKeys.Result result = served(addresses(Map.of("mx1.example.com", "127.0.0.1")), server,
          Duration.ofSeconds(1)).probe(List.of("mx1.example.com"));

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      assertThat(result.conclusive()).isEqualTo(Set.of());
      assertThat(result.failures()).singleElement().asString().contains("greeting failed: no reply within 1 s");
    }
  }

  /**
   * A silent MX holds one of the probe threads, not the caller's: the caller goes on after its
   * patience with the endpoint counted as not probed, and the conversation's answer, once in, is
   * what the next look sees (a polite probe keeps it), without a second connection.
   */
  @Test
  void aSlowEndpointIsNotWaitedForAndItsAnswerCountsAtTheNextLook() throws Exception {
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
    try (TestSmtpServer silent = server(Behaviour.SILENT)) {
      var polite = new io.securemail.operator.compliance.smtp.PoliteSmtpProbe(
          SmtpClientProbe.withoutWeakOffers(Duration.ofMillis(1500)), Duration.ofSeconds(30),
          new io.securemail.operator.compliance.smtp.AddressGate());
      ServedKeys keys = new ServedKeys(addresses(Map.of("mx1.example.com", "127.0.0.1")), polite, silent.port(),
          threads, Duration.ofMillis(200));

      long started = System.nanoTime();
      ServedKeys.Result first = keys.probe(List.of("mx1.example.com"));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
      assertThat(first.failures()).singleElement().asString()
          .contains("still being probed after 0 s (a slow server; its answer counts at the next look)");
      assertThat(first.conclusive()).isEmpty();

      Thread.sleep(2000); // the conversation ends at its 1.5 s step deadline
      ServedKeys.Result next = keys.probe(List.of("mx1.example.com"));
      assertThat(next.failures()).singleElement().asString().endsWith("greeting failed: no reply within 1 s");
      assertThat(silent.connections()).as("one connection for both looks").isEqualTo(1);
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * Two replicas behind one Service, one still serving the old key: probing the Service's address
   * sees one of them per connection, probing each Pod sees both keys, so the rollover cannot take
   * "the MX serves the new key" for done.
   */
  @Test
  void everyBackendIsProbedOnItsOwnAddressAndEveryKeyItServesCounts() throws Exception {
    TestPki.Issued ca = TestPki.ca("Replica CA");
    TestPki.Issued oldKey = TestPki.leaf(ca, "mx1.example.com");
    try (TestSmtpServer updated = server(Behaviour.STARTTLS);
        TestSmtpServer stale = new TestSmtpServer(Behaviour.STARTTLS, oldKey, List.of(oldKey.certificate()),
            ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12),
            new int[] {CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256})) {
      ServedKeys keys = new ServedKeys(addresses(Map.of()), SmtpClientProbe.withoutWeakOffers(Duration.ofSeconds(5)),
          25);
      ServedKeys.Result result = keys.probe(List.of("mx1.example.com"), List.of(
          new ServedKeys.Backend("example-mta-0", updated.address(), updated.port()),
          new ServedKeys.Backend("example-mta-1", stale.address(), stale.port())));

      assertThat(result.endpoints()).contains("MTA Pod example-mta-0 (127.0.0.1:" + updated.port() + ")",
          "MTA Pod example-mta-1 (127.0.0.1:" + stale.port() + ")");
      assertThat(result.servedSpkis()).containsExactlyInAnyOrder(leafSpki,
          Tlsa.spkiSha256(oldKey.certificate().getPublicKey()));
      // The MX host itself has no address here: an unknown endpoint, so nothing is conclusive.
      assertThat(result.conclusive()).isEmpty();
      assertThat(updated.connections()).isEqualTo(1);
      assertThat(stale.connections()).isEqualTo(1);
    }
  }

  /**
   * With private targets refused, an MX host that resolves to loopback is not connected to (a
   * tenant's DNS chose that address), while the MTA's own Pod on the same loopback is: its address
   * came from the API server.
   */
  @Test
  void aRefusedMxAddressIsNotConnectedToButTheOperatorsOwnPodIs() throws Exception {
    try (TestSmtpServer server = server(Behaviour.STARTTLS)) {
      SmtpProbe guarded = new GuardedSmtpProbe(SmtpClientProbe.withoutWeakOffers(Duration.ofSeconds(5)),
          TargetGuard.of(false));
      ServedKeys keys = new ServedKeys(addresses(Map.of("mx1.example.com", "127.0.0.1")), guarded, server.port());

      ServedKeys.Result mxOnly = keys.probe(List.of("mx1.example.com"));
      assertThat(server.connections()).isZero();
      assertThat(mxOnly.failures()).singleElement().asString()
          .contains("mx1.example.com (127.0.0.1:" + server.port() + "): not probed: 127.0.0.1 is not a public address (loopback");
      assertThat(mxOnly.conclusive()).isEmpty();

      ServedKeys.Result withPod = keys.probe(List.of(), List.of(
          new ServedKeys.Backend("example-mta-0", server.address(), server.port())));
      assertThat(server.connections()).isEqualTo(1);
      assertThat(withPod.servedSpkis()).containsExactly(leafSpki);
    }
  }
}
