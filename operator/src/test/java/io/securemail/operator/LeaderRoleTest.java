package io.securemail.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.kube.SmallApiServer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The leader's label on its own Pod, which the report Service selects: set when the lease is
 * taken, taken off a Pod that still carries it without leading, removed at start and when the
 * lease is lost. Against a stand-in API server that records each call.
 */
class LeaderRoleTest {

  private static final String NS = "securemail-system";
  private static final String SELF = "securemail-operator-7d9f-abcde";
  private static final String OLD = "securemail-operator-7d9f-vwxyz";

  private final List<String> calls = new CopyOnWriteArrayList<>();
  private SmallApiServer api;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    api = SmallApiServer.start(NS, request -> {
      calls.add(request.method() + " " + request.path() + (request.query().isEmpty() ? "" : "?" + request.query())
          + (request.body().isEmpty() ? "" : " " + request.contentType() + " " + request.body()));
      String name = request.path().replaceFirst(".*/", "");
      return SmallApiServer.Answer.ok(name.equals("pods")
          ? "{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"metadata\":{},\"items\":[" + pod(SELF) + "," + pod(OLD) + "]}"
          : pod(name));
    });
    client = api.client();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static String pod(String name) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + NS
        + "\",\"labels\":{\"" + LeaderRole.LABEL + "\":\"true\"}}}";
  }

  /** The client reads the Pod, then sends the merge patch. */
  private static List<String> merge(String pod, String value) {
    return List.of("GET /api/v1/namespaces/" + NS + "/pods/" + pod, "PATCH /api/v1/namespaces/" + NS + "/pods/" + pod + " application/merge-patch+json "
        + "{\"metadata\":{\"labels\":{\"securemail.io/leader\":" + value + "}}}");
  }

  private static List<String> calls(List<String>... groups) {
    return java.util.Arrays.stream(groups).flatMap(List::stream).toList();
  }

  private static List<String> list() {
    return List.of("GET /api/v1/namespaces/" + NS + "/pods?labelSelector=securemail.io/leader=true");
  }

  private void awaitCalls(int count) throws InterruptedException {
    for (int i = 0; i < 600 && calls.size() < count; i++) {
      Thread.sleep(50);
    }
    assertThat(calls).as("calls to the API server").hasSizeGreaterThanOrEqualTo(count);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theLabelFollowsTheLease() throws Exception {
    LeaderRole role = new LeaderRole(true, Optional.of(SELF), Optional.of(NS), client);
    assertThat(role.leadingSince()).isEmpty();

    // At start: a label an earlier container of this Pod left is taken off.
    role.onStart(null);
    awaitCalls(2);
    assertThat(calls).isEqualTo(merge(SELF, "null"));

    // Leading: this Pod labelled, and the label taken off the other Pod still carrying it.
    calls.clear();
    role.startedLeading();
    assertThat(role.leadingSince()).isPresent();
    awaitCalls(5);
    assertThat(calls).isEqualTo(calls(merge(SELF, "\"true\""), list(), merge(OLD, "null")));

    // The lease lost: the label goes before the process exits.
    calls.clear();
    role.stoppedLeading();
    assertThat(role.leadingSince()).isEmpty();
    assertThat(calls).isEqualTo(merge(SELF, "null"));
  }

  @Test
  void withoutLeaderElectionItLeadsFromTheStartAndLabelsNothing() throws Exception {
    LeaderRole role = new LeaderRole(false, Optional.of(SELF), Optional.of(NS), client);
    assertThat(role.leadingSince()).isPresent();
    role.onStart(null);
    Thread.sleep(300);
    assertThat(calls).isEmpty();

    // Outside a Pod (no name from the downward API) nothing is labelled either.
    LeaderRole outside = new LeaderRole(true, Optional.empty(), Optional.empty(), client);
    outside.startedLeading();
    assertThat(outside.leadingSince()).isPresent();
    Thread.sleep(300);
    assertThat(calls).isEmpty();
  }
}
