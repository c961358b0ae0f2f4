package io.securemail.operator.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PolicySiteTest {

  @Test
  void aDomainAlwaysLandsInTheSameShardWhateverItsCase() {
    String shard = PolicySite.secretName("example.com");
    assertThat(shard).matches("securemail-mta-sts-site-[0-9a-f]{2}");
    assertThat(PolicySite.secretName("Example.COM")).isEqualTo(shard);
    assertThat(PolicySite.secretNames()).hasSize(PolicySite.SHARDS).contains(shard).doesNotHaveDuplicates();
  }

  /** A thousand domains spread so that no site Secret carries many more than its share (about 16). */
  @Test
  void aThousandDomainsSpreadOverTheShards() {
    Map<String, Long> perShard = IntStream.range(0, 1000).mapToObj(i -> "customer-" + i + ".example")
        .collect(Collectors.groupingBy(PolicySite::secretName, Collectors.counting()));
    assertThat(perShard).hasSize(PolicySite.SHARDS);
    assertThat(perShard.values()).allSatisfy(n -> assertThat(n).isBetween(4L, 32L));
  }

  @Test
  void theEntriesAreThePolicyAndWithTheCertificateItsKey() {
    var tls = new PolicyServer.TlsPair("-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----");
    Map<String, String> entries = PolicySite.entries("example.com", "version: STSv1\r\n", tls);
    assertThat(entries).containsOnlyKeys("mta-sts.example.com.txt", "mta-sts.example.com.crt",
        "mta-sts.example.com.key");
    assertThat(new String(Base64.getDecoder().decode(entries.get("mta-sts.example.com.txt"))))
        .isEqualTo("version: STSv1\r\n");
    assertThat(PolicySite.entries("example.com", "version: STSv1\r\n", null)).containsOnlyKeys(
        "mta-sts.example.com.txt");
    assertThat(PolicySite.entries("example.com", null, tls)).isEmpty();
    assertThat(entries.keySet()).allMatch(key -> PolicySite.isEntryOf(key, "example.com"));
    assertThat(PolicySite.isEntryOf("mta-sts.example.com.txt", "other.example.com")).isFalse();
    assertThat(PolicySite.isEntryOf("mta-sts.sub.example.com.txt", "example.com")).isFalse();
  }

  /**
   * What lets a reconcile skip reading the certificate's Secret: the shard already holds a
   * certificate and key for the domain, the very ones when they are given.
   */
  @Test
  void aShardHoldsTheCertificateOnlyWithBothItsCertificateAndItsKey() {
    var tls = new PolicyServer.TlsPair("-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----");
    Map<String, String> held = PolicySite.entries("example.com", "version: STSv1\r\n", tls);
    assertThat(PolicySite.holdsCertificate(held, "example.com", tls)).isTrue();
    assertThat(PolicySite.holdsCertificate(held, "example.com", null)).isTrue();
    assertThat(PolicySite.holdsCertificate(held, "example.com",
        new PolicyServer.TlsPair("-----BEGIN CERTIFICATE----- renewed", tls.key()))).isFalse();
    assertThat(PolicySite.holdsCertificate(held, "other.example.com", null)).isFalse();
    assertThat(PolicySite.holdsCertificate(PolicySite.entries("example.com", "version: STSv1\r\n", null),
        "example.com", null)).isFalse();
  }

  /** The Pod mounts every shard, each optional, as one directory: a new domain changes no Pod. */
  @Test
  void thePodMountsEveryShardAsOneDirectory() {
    var server = new PolicyServer(new PolicyServer.Settings("policy-server:test", 2, "ClusterIP", List.of()),
        Clock.systemUTC());
    var pod = server.deployment("tenant").getSpec().getTemplate().getSpec();
    Volume site = pod.getVolumes().stream().filter(v -> v.getName().equals("site")).findFirst().orElseThrow();
    assertThat(site.getProjected().getSources()).extracting(VolumeProjection::getSecret)
        .allSatisfy(secret -> assertThat(secret.getOptional()).isTrue())
        .extracting(secret -> secret.getName()).containsExactlyElementsOf(PolicySite.secretNames());
    assertThat(site.getProjected().getDefaultMode()).isEqualTo(0440);
    assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(m -> m.getName(), m -> m.getMountPath())
        .contains(org.assertj.core.groups.Tuple.tuple("site", PolicyServer.SITE_MOUNT));
    assertThat(PolicyServerConfig.nginxConf(PolicyServerConfig.Layout.container()))
        .contains(PolicyServer.SITE_MOUNT + "/$sts_host.crt", PolicyServer.SITE_MOUNT + "/$sts_host.txt");
    assertThat(server.deployment("tenant")).as("the same for every domain, so written once")
        .isEqualTo(server.deployment("tenant"));
  }
}
