package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.securemail.lab.Lab;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.observe.FaultThreshold;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Transient faults are not news, in the reconciler tier: the operator's reconciler against the real
 * API server, DNS published by hand (signed) behind a resolver that can be made to drop questions.
 * While it drops every other one, over several compliance intervals and dozens of reconciles, the
 * domain's status is not written once; when it stops answering, the records become indeterminate
 * and the domain Unknown/CannotCheck, but only after the threshold (lowered here to three attempts,
 * with no minimum duration, as the lab may).
 */
@ExtendWith(LabExtension.class)
class TransientFaultsTierTest {

  static final String NS = "tier-faults";
  /** Every reconcile looks again this soon: many DNS steps per compliance interval. */
  static final Duration RESYNC = Duration.ofSeconds(2);
  static final Duration SLOW = Duration.ofMinutes(10);
  static final String DOMAIN = "flaky.example";

  static Lab lab;
  static KubernetesClient client;
  static Operator operator;
  static FlakyResolver resolver;

  @BeforeAll
  static void start(Lab l) {
    lab = l;
    client = l.client();
    resolver = new FlakyResolver(new HandPublishedDns(client, NS));
    var reconciler = TierReconciler.of(TierReconciler.probes(resolver, new FaultThreshold(3, 0)), "faults-tier", SLOW,
        RESYNC, Optional.empty());
    operator = TierReconciler.run(lab, reconciler, Set.of(NS));
  }

  @AfterAll
  static void stop() {
    TierReconciler.stop(lab, operator, Set.of(NS));
  }

  @Test
  void aFlakyResolverWritesNoStatusAndADeadOneIsReportedAfterTheThreshold() {
    SecureMailDomain smd = Domains.minimal(NS, "flaky", DOMAIN);
    smd.getSpec().getDns().setManageMx(true);
    smd.getSpec().getCompliance().setInterval("1m");
    api(client).resource(smd).create();
    awaitStatus(client, NS, "flaky", d -> condition(d, "DnsPublished").filter(c -> "True".equals(c.getStatus()))
        .isPresent() && condition(d, "Compliant").isPresent());
    SecureMailDomain settled = steady();
    assertThat(settled.getStatus().getRecords()).isNotEmpty()
        .allSatisfy(r -> assertThat(r.getDnssec()).isEqualTo("secure"));

    // Every other question dropped, over two compliance checks and dozens of DNS steps.
    resolver.mode(FlakyResolver.Mode.DROPS_EVERY_OTHER);
    int checks = checks();
    int steps = steps();
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
        .until(() -> checks() >= checks + 2 && steps() >= steps + 10);
    SecureMailDomain flaky = get();
    System.out.printf("[faults] %d compliance checks and %d DNS steps while every other question was dropped "
        + "(%d of the domain's MX questions)%n", checks() - checks, steps() - steps, resolver.dropped(DOMAIN + ".", "MX"));
    assertThat(resolver.dropped(DOMAIN + ".", "MX")).as("MX questions dropped").isGreaterThanOrEqualTo(5);
    assertThat(flaky.getMetadata().getResourceVersion()).as("status writes while the resolver dropped questions")
        .isEqualTo(settled.getMetadata().getResourceVersion());
    assertThat(shown(flaky)).isEqualTo(shown(settled));

    // Answers again for one DNS step: the last drop of the flaky phase may have left the MX question one
    // fault into a row, which the dead resolver below would continue.
    resolver.mode(FlakyResolver.Mode.ANSWERS);
    int stepsAnswered = steps();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> steps() > stepsAnswered);

    // The resolver stops answering: news once three lookups in a row have found it so. The DNS step
    // and the compliance checks share the count (HeldAnswers): a check still running when the
    // resolver dies asks too, and the domain is no longer reconciled every few seconds to ask.
    resolver.mode(FlakyResolver.Mode.DOWN);
    int stepsAtFault = steps();
    int checksAtFault = checks();
    String version = get().getMetadata().getResourceVersion();
    assertThat(version).as("no status write while the resolver answered").isEqualTo(
        flaky.getMetadata().getResourceVersion());
    await().atMost(Domains.STATUS_TIMEOUT).pollInterval(Duration.ofMillis(100))
        .until(() -> !version.equals(get().getMetadata().getResourceVersion()));
    int stepsBeforeNews = steps() - stepsAtFault;
    int lookupsBeforeNews = stepsBeforeNews + checks() - checksAtFault;
    System.out.printf("[faults] news after %d DNS steps and %d MX lookups in all%n", stepsBeforeNews,
        lookupsBeforeNews);
    SecureMailDomain down = awaitStatus(client, NS, "flaky", d -> condition(d, "DnsPublished")
        .filter(c -> "False".equals(c.getStatus())).isPresent());
    assertThat(lookupsBeforeNews).as("MX lookups (DNS steps and checks) that found the resolver silent before "
        + "status said so").isGreaterThanOrEqualTo(3);
    assertThat(down.getStatus().getRecords()).allSatisfy(r -> {
      assertThat(r.getDnssec()).isEqualTo("indeterminate");
      assertThat(r.getState().name()).isEqualTo("Pending");
    });
    SecureMailDomain unknown = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
        .until(TransientFaultsTierTest::get, d -> condition(d, "Compliant")
            .filter(c -> "Unknown".equals(c.getStatus())).isPresent());
    Condition compliant = condition(unknown, "Compliant").orElseThrow();
    assertThat(compliant.getReason()).isEqualTo("CannotCheck");
    assertThat(compliant.getMessage()).contains("could not be checked", "did not answer");

    // It answers again: the records are published as soon as a DNS step sees them.
    resolver.mode(FlakyResolver.Mode.ANSWERS);
    awaitStatus(client, NS, "flaky", d -> condition(d, "DnsPublished").filter(c -> "True".equals(c.getStatus()))
        .isPresent() && d.getStatus().getRecords().stream().allMatch(r -> "secure".equals(r.getDnssec())));
  }

  /** The domain once its resourceVersion has not moved for several reconciles. */
  private static SecureMailDomain steady() {
    Instant[] since = {Instant.now()};
    String[] version = {get().getMetadata().getResourceVersion()};
    return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
      SecureMailDomain now = get();
      if (!version[0].equals(now.getMetadata().getResourceVersion())) {
        version[0] = now.getMetadata().getResourceVersion();
        since[0] = Instant.now();
      }
      return now;
    }, now -> Duration.between(since[0], Instant.now()).compareTo(RESYNC.multipliedBy(4)) >= 0);
  }

  /** Compliance checks begun so far: each begins with the domain's MX record, asked without the final dot. */
  private static int checks() {
    return resolver.asked(DOMAIN, "MX");
  }

  /** DNS steps run so far: the DNS step asks for the MX record it publishes, spelt with the final dot. */
  private static int steps() {
    return resolver.asked(DOMAIN + ".", "MX");
  }

  private static SecureMailDomain get() {
    return api(client).inNamespace(NS).withName("flaky").get();
  }

  /** What a user reads: the records and every condition. */
  private static String shown(SecureMailDomain smd) {
    return client.getKubernetesSerialization().asJson(smd.getStatus());
  }
}
