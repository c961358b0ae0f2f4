package io.securemail.operator.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.PolicyHostSpec;
import io.securemail.operator.api.Rfc2136Spec;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.DnssecState;
import io.securemail.operator.compliance.net.TargetGuard;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkTargetsTest {

  /** A records only; any other lookup finds nothing. */
  private static DnsProbe dns(Map<String, String> a) {
    return (name, type) -> type.equals("A") && a.containsKey(name)
        ? DnsAnswer.of(name, type, DnssecState.secure, a.get(name)) : DnsAnswer.nxdomain(name, type, DnssecState.secure);
  }

  private static final NetworkTargets.HostLookup SYSTEM = host -> switch (host) {
    case "ns1.example.com" -> List.of(InetAddress.getByName("192.0.2.53"));
    case "dns.kube-system.svc" -> List.of(InetAddress.getByName("10.96.0.10"));
    default -> {
      if (host.matches("[0-9a-fA-F.:]+")) {
        yield List.of(InetAddress.getByName(host));
      }
      throw new UnknownHostException(host);
    }
  };

  private static SecureMailDomainSpec spec(String rfc2136Server) {
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain("example.com");
    spec.setMx(new ArrayList<>(List.of(new MxHost("mx1.example.com", 10))));
    if (rfc2136Server != null) {
      Rfc2136Spec rfc2136 = new Rfc2136Spec();
      rfc2136.setServer(rfc2136Server);
      spec.getDns().setProvider(DnsSpec.Provider.RFC2136);
      spec.getDns().setRfc2136(rfc2136);
    }
    return spec;
  }

  private static NetworkTargets refusing(Map<String, String> a) {
    return new NetworkTargets(TargetGuard.of(false), dns(a), SYSTEM);
  }

  @Test
  void anRfc2136ServerInAPrivateRangeIsRefusedByName() {
    var refusal = refusing(Map.of()).refusal(spec("dns.kube-system.svc:5353"));

    assertThat(refusal).hasValueSatisfying(r -> {
      assertThat(r.reason()).isEqualTo(NetworkTargets.DNS_SERVER_NOT_ALLOWED);
      assertThat(r.message()).startsWith("spec.dns.rfc2136.server dns.kube-system.svc:5353: 10.96.0.10 is not a public address (private, RFC 1918)");
    });
    assertThat(refusing(Map.of()).refusal(spec("[::1]:53"))).hasValueSatisfying(r ->
        assertThat(r.message()).contains("::1 is not a public address (unspecified or loopback"));
    assertThat(refusing(Map.of()).refusal(spec("ns1.example.com"))).isEmpty();
    assertThat(refusing(Map.of()).refusal(spec("unknown.example"))).as("left to the publisher to report").isEmpty();
  }

  @Test
  void anMxHostOrPolicyHostResolvingIntoTheClusterIsRefused() {
    var mx = refusing(Map.of("mx1.example.com", "169.254.169.254")).refusal(spec(null));
    var policy = refusing(Map.of("mx1.example.com", "192.0.2.25", "mta-sts.example.com", "127.0.0.1"))
        .refusal(spec(null));

    assertThat(mx).hasValueSatisfying(r -> {
      assertThat(r.reason()).isEqualTo(NetworkTargets.PROBE_TARGET_NOT_ALLOWED);
      assertThat(r.message()).startsWith("spec.mx[0].host mx1.example.com resolves to an address the operator does not connect to: "
          + "169.254.169.254 is not a public address (link-local");
    });
    assertThat(policy).hasValueSatisfying(r -> assertThat(r.message())
        .startsWith("the policy host mta-sts.example.com resolves to an address the operator does not connect to: "
            + "127.0.0.1 is not a public address (loopback"));
    assertThat(refusing(Map.of("mx1.example.com", "192.0.2.25")).refusal(spec(null))).isEmpty();
  }

  @Test
  void policyHostAddressesInTheSpecAreJudgedBeforeAnythingIsPublished() {
    SecureMailDomainSpec spec = spec(null);
    PolicyHostSpec host = new PolicyHostSpec();
    host.setAddresses(List.of("192.0.2.80", "10.0.0.80"));
    spec.getMtaSts().setPolicyHost(host);

    assertThat(refusing(Map.of()).refusal(spec)).hasValueSatisfying(r ->
        assertThat(r.message()).startsWith("spec.mtaSts.policyHost.addresses[1]: 10.0.0.80 is not a public address (private"));
  }

  @Test
  void allowedPrivateTargetsAreNotEvenLookedUp() {
    DnsProbe failing = (name, type) -> {
      throw new AssertionError("looked up " + name);
    };
    var allowing = new NetworkTargets(TargetGuard.of(true), failing, host -> {
      throw new AssertionError("looked up " + host);
    });

    assertThat(allowing.refusal(spec("10.0.0.53"))).isEmpty();
  }
}
