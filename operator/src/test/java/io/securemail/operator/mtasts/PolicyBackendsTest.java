package io.securemail.operator.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.mtasts.PolicyFetch;
import io.securemail.operator.compliance.mtasts.PolicyFetcher;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyBackendsTest {

  static final String URL = "https://mta-sts.example.com/.well-known/mta-sts.txt";
  static final String NEW = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n";
  static final String OLD = "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 86400\n";

  static PolicyBackends.Backend backend(String pod, String ip) throws Exception {
    return new PolicyBackends.Backend(pod, InetAddress.getByName(ip));
  }

  /** Each replica answers with what the map says for its address (a body, or "!failure"). */
  static PolicyFetcher replicas(Map<String, String> byAddress) {
    return (domain, addresses, port) -> {
      String answer = byAddress.get(addresses.get(0).getHostAddress());
      return answer.startsWith("!") ? PolicyFetch.failed(URL, answer.substring(1)) : PolicyFetch.ok(URL, answer);
    };
  }

  @Test
  void everyReplicaServingThePolicyLetsThePublicFetchStand() throws Exception {
    var fetched = PolicyBackends.judge(PolicyFetch.ok(URL, NEW), "example.com",
        List.of(backend("p-1", "10.0.0.1"), backend("p-2", "10.0.0.2")),
        replicas(Map.of("10.0.0.1", NEW, "10.0.0.2", NEW)), 8443);
    assertThat(fetched.ok()).isTrue();
    assertThat(fetched.body()).isEqualTo(NEW);
  }

  @Test
  void aLaggingReplicaKeepsThePolicyFromCountingAsServed() throws Exception {
    var fetched = PolicyBackends.judge(PolicyFetch.ok(URL, NEW), "example.com",
        List.of(backend("p-1", "10.0.0.1"), backend("p-2", "10.0.0.2")),
        replicas(Map.of("10.0.0.1", NEW, "10.0.0.2", OLD)), 8443);
    assertThat(fetched.ok()).isFalse();
    assertThat(fetched.failure()).contains("policy server Pod p-2 (10.0.0.2) still serves other content");
  }

  @Test
  void anUnreachableReplicaIsNamed() throws Exception {
    var fetched = PolicyBackends.judge(PolicyFetch.ok(URL, NEW), "example.com", List.of(backend("p-1", "10.0.0.1")),
        replicas(Map.of("10.0.0.1", "!no answer from 10.0.0.1 within 5 s")), 8443);
    assertThat(fetched.failure()).isEqualTo("policy server Pod p-1 (10.0.0.1): no answer from 10.0.0.1 within 5 s");
  }

  @Test
  void aFailedPublicFetchIsReportedAsItIsAndNoReplicaIsAsked() throws Exception {
    var failed = PolicyFetch.failed(URL, "mta-sts.example.com has no address");
    PolicyFetcher never = (domain, addresses, port) -> {
      throw new AssertionError("asked a replica");
    };
    assertThat(PolicyBackends.judge(failed, "example.com", List.of(backend("p-1", "10.0.0.1")), never, 8443))
        .isSameAs(failed);
  }
}
