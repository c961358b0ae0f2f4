package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.securemail.lab.Lab;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Idle is free: once a domain has settled, further reconciles (the periodic resync, here every
 * {@value LabExtension#RESYNC}) write nothing to the API server. Measured from the API server's own
 * apiserver_request_total, not from the operator's idea of what it did.
 */
@ExtendWith(LabExtension.class)
class IdleReconcileTest {

  static final String NS = "idle";
  static final String[] WATCHED_RESOURCES = {"securemaildomains", "configmaps", "events", "secrets"};
  static Lab lab;

  @BeforeAll
  static void namespace(Lab l) {
    lab = l;
    Domains.createNamespace(l.client(), NS);
  }

  @Test
  void settledDomainCostsNoWritesPerReconcile() {
    var client = lab.client();
    api(client).resource(Domains.minimal(NS, "quiet", "quiet.example")).create();
    awaitStatus(client, NS, "quiet", ready("False", "Progressing"));
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> client.configMaps().inNamespace(NS)
        .withName("quiet-dns-records").get() != null);
    // Let any write still in flight land before the baseline is taken.
    await().pollDelay(Duration.ofSeconds(2)).until(() -> true);

    long writesBefore = lab.controlPlane().mutatingRequests(WATCHED_RESOURCES);
    long reconcilesBefore = reconciles("quiet");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> reconciles("quiet") >= reconcilesBefore + 3);
    long writesAfter = lab.controlPlane().mutatingRequests(WATCHED_RESOURCES);

    assertThat(reconciles("quiet") - reconcilesBefore).as("reconciles of the settled domain").isGreaterThanOrEqualTo(3);
    assertThat(writesAfter - writesBefore).as("API writes during those reconciles").isZero();
  }

  private static long reconciles(String name) {
    return reconciles(lab, name);
  }

  /** Completed reconciles of one domain, from the operator's Prometheus metrics. */
  static long reconciles(Lab lab, String name) {
    Matcher m = Pattern.compile("^operator_sdk_controllers_execution_reconcile_seconds_count\\{[^}]*resource_name=\""
        + Pattern.quote(name) + "\"[^}]*} ([0-9.]+)$", Pattern.MULTILINE).matcher(lab.operator().metrics());
    long total = 0;
    while (m.find()) {
      total += (long) Double.parseDouble(m.group(1));
    }
    return total;
  }
}
