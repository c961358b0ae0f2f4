package io.securemail.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

class ReconcileErrorTest {

  @Test
  void anRbacRefusalSaysWhichRequestAndWhereToLook() {
    var forbidden = new KubernetesClientException(new StatusBuilder().withCode(403).withMessage(
        "certificates.cert-manager.io \"a-mx-a\" is forbidden: User \"system:serviceaccount:s:op\" cannot patch "
            + "resource \"certificates\"").build());
    ReconcileError error = ReconcileError.of(new RuntimeException("wrapped", forbidden));
    assertThat(error.reason()).isEqualTo("Forbidden");
    assertThat(error.message()).contains("cannot patch resource \"certificates\"").contains("RBAC")
        .contains("retrying");
  }

  @Test
  void otherApiFailuresCarryTheCodeAndTheServersWords() {
    var conflict = new KubernetesClientException(new StatusBuilder().withCode(422)
        .withMessage("StatefulSet.apps \"x\" is invalid: spec: Forbidden: updates to statefulset spec").build());
    ReconcileError error = ReconcileError.of(conflict);
    assertThat(error.reason()).isEqualTo("ApiRequestFailed");
    assertThat(error.message()).contains("HTTP 422").contains("updates to statefulset spec");
  }

  @Test
  void anythingElseIsOneLineWithoutAStackTrace() {
    ReconcileError error = ReconcileError.of(new IllegalStateException("first line\n\tat some.Frame(Frame.java:1)"));
    assertThat(error.reason()).isEqualTo("ReconcileFailed");
    assertThat(error.message()).contains("IllegalStateException: first line").doesNotContain("Frame.java");
  }
}
