package io.securemail.operator.compliance.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.mtasts.GuardedPolicyFetcher;
import io.securemail.operator.compliance.mtasts.PolicyFetch;
import io.securemail.operator.compliance.net.TargetGuard;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A refused target is never connected to: the probe behind the guard is not even asked. */
class GuardedSmtpProbeTest {

  private final List<String> asked = new ArrayList<>();
  private final SmtpProbe network = (host, address, port) -> {
    asked.add(address.getHostAddress());
    return new SmtpObservation(host, address.getHostAddress(), port, SmtpObservation.Outcome.TLS_OK, "220 hi", null,
        List.of(), "ok");
  };

  @Test
  void aPrivateMxAddressIsNotProbedAndTheAnswerSaysWhy() throws Exception {
    SmtpProbe guarded = new GuardedSmtpProbe(network, TargetGuard.of(false));

    SmtpObservation seen = guarded.probe("mx1.example.com", InetAddress.getByName("10.0.0.25"), 25);

    assertThat(asked).isEmpty();
    assertThat(seen.outcome()).isEqualTo(SmtpObservation.Outcome.UNREACHABLE);
    assertThat(seen.banner()).isNull();
    assertThat(seen.detail()).startsWith("not probed: 10.0.0.25 is not a public address (private, RFC 1918)")
        .contains(TargetGuard.PROPERTY);
  }

  @Test
  void publicAddressesAndTheOperatorsOwnPodsAreProbed() throws Exception {
    SmtpProbe guarded = new GuardedSmtpProbe(network, TargetGuard.of(false));

    assertThat(guarded.probe("mx1.example.com", InetAddress.getByName("192.0.2.25"), 25).outcome())
        .isEqualTo(SmtpObservation.Outcome.TLS_OK);
    assertThat(guarded.probeBackend("mx1.example.com", InetAddress.getByName("10.244.0.7"), 2525).outcome())
        .as("a Pod address the API server gave").isEqualTo(SmtpObservation.Outcome.TLS_OK);
    assertThat(asked).containsExactly("192.0.2.25", "10.244.0.7");
  }

  @Test
  void aPolicyHostWithAnyRefusedAddressIsNotFetched() throws Exception {
    List<String> fetched = new ArrayList<>();
    GuardedPolicyFetcher guarded = new GuardedPolicyFetcher((domain, addresses, port) -> {
      fetched.add(domain);
      return PolicyFetch.ok("https://mta-sts." + domain + "/.well-known/mta-sts.txt", "version: STSv1\n");
    }, TargetGuard.of(false));

    PolicyFetch refused = guarded.fetch("example.com",
        List.of(InetAddress.getByName("192.0.2.80"), InetAddress.getByName("169.254.169.254")), 443);
    PolicyFetch served = guarded.fetch("example.org", List.of(InetAddress.getByName("192.0.2.80")), 443);

    assertThat(refused.failure()).startsWith("not fetched: 169.254.169.254 is not a public address (link-local");
    assertThat(served.failure()).isNull();
    assertThat(fetched).containsExactly("example.org");
  }
}
