package io.securemail.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.PartStatus;
import io.securemail.operator.validation.SpecProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The Argo CD health check the project ships (examples/gitops/argocd-health.lua), run by a Lua
 * interpreter against statuses the operator's own status code writes: what Argo CD would show for
 * a domain that is invalid, stalled, progressing, not yet observed, or ready.
 */
class ArgoCdHealthCheckTest {

  static final Path REPO = Path.of(System.getProperty("securemail.repo.dir", "..")).toAbsolutePath().normalize();
  static final Path SCRIPT = REPO.resolve("examples/gitops/argocd-health.lua");
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @Test
  void anInvalidSpecIsDegraded() throws IOException {
    Map<String, String> health = health(domain(3, s -> s.markInvalid(List.of(new SpecProblem("spec.domain",
        "is not a domain name")))));
    assertThat(health).containsEntry("status", "Degraded");
    assertThat(health.get("message")).startsWith("InvalidSpec: ").contains("spec.domain");
  }

  @Test
  void aPartWaitingForAPersonIsDegraded() throws IOException {
    Map<String, String> health = health(domain(3, s -> s.markAccepted(new DaneStatus(), List.of(), List.of(), null,
        List.of(PartStatus.of("DnsPublished", "False", "TsigRejected", "BADSIG", null, "", "DNS").failing()
            .stalledOn(Set.of("TsigRejected"))))));
    assertThat(health).containsEntry("status", "Degraded");
    assertThat(health.get("message")).startsWith("TsigRejected: DnsPublished: BADSIG");
  }

  @Test
  void workInProgressIsProgressingWithReadysReason() throws IOException {
    Map<String, String> health = health(domain(3, s -> s.markAccepted(new DaneStatus(), List.of(), List.of(), null,
        List.of(PartStatus.of("DnsPublished", "False", "NotYetObserved", "1 of 3 records are visible", null,
            "DNS records published.", "DNS")))));
    assertThat(health).containsEntry("status", "Progressing");
    assertThat(health.get("message")).startsWith("Progressing: Spec accepted.");
  }

  @Test
  void aReadyDomainIsHealthy() throws IOException {
    Map<String, String> health = health(domain(3, s -> s.markAccepted(new DaneStatus(), List.of(), List.of(), null,
        List.of(PartStatus.of("MtaReady", "True", "Ready", "2 replicas", null, "MTA ready.", "the MTA")))));
    assertThat(health).containsEntry("status", "Healthy").containsEntry("message", "MTA ready.");
  }

  @Test
  void aSpecTheOperatorHasNotSeenYetIsProgressing() throws IOException {
    JsonNode ready = domain(3, s -> s.markAccepted(new DaneStatus(), List.of(), List.of(), null, List.of()));
    ((com.fasterxml.jackson.databind.node.ObjectNode) ready.get("metadata")).put("generation", 4);
    assertThat(health(ready)).containsEntry("status", "Progressing")
        .containsEntry("message", "Waiting for the operator to observe generation 4");
    JsonNode fresh = new ObjectMapper().readTree("{\"metadata\":{\"name\":\"new\",\"generation\":1}}");
    assertThat(health(fresh)).containsEntry("status", "Progressing");
  }

  @Test
  void theArgoCdConfigMapCarriesExactlyTheScript() throws IOException {
    ConfigMap cm = SERIALIZATION.unmarshal(Files.readString(REPO.resolve("examples/gitops/argocd-cm.yaml")),
        ConfigMap.class);
    assertThat(cm.getData().get("resource.customizations.health.securemail.io_SecureMailDomain"))
        .isEqualTo(Files.readString(SCRIPT));
  }

  private static JsonNode domain(long generation, Consumer<DomainStatus> mark) throws IOException {
    SecureMailDomain domain = new SecureMailDomain();
    domain.getMetadata().setName("example");
    domain.getMetadata().setNamespace("mail");
    domain.getMetadata().setGeneration(generation);
    DomainStatus status = new DomainStatus(domain, SERIALIZATION, Instant.parse("2026-12-06T10:00:00Z"));
    mark.accept(status);
    domain.setStatus(status.next());
    return new ObjectMapper().readTree(SERIALIZATION.asJson(domain));
  }

  private static Map<String, String> health(JsonNode object) throws IOException {
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", lua(object));
    LuaValue result = globals.load(Files.readString(SCRIPT), "health.lua").call();
    return Map.of("status", result.get("status").tojstring(), "message", result.get("message").tojstring());
  }

  /** A JSON value as Argo CD hands it to the script: objects and arrays become tables. */
  private static LuaValue lua(JsonNode node) {
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      node.fields().forEachRemaining(e -> table.set(e.getKey(), lua(e.getValue())));
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        table.set(i + 1, lua(node.get(i)));
      }
      return table;
    }
    if (node.isIntegralNumber()) {
      return LuaValue.valueOf(node.asLong());
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.asDouble());
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.asBoolean());
    }
    return node.isNull() ? LuaValue.NIL : LuaValue.valueOf(node.asText());
  }
}
