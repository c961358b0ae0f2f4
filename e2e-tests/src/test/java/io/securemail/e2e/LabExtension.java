package io.securemail.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the lab once per test run (kept in the root store, closed by JUnit at the very end) and
 * hands it, or its client, to test classes.
 */
public final class LabExtension implements BeforeAllCallback, ParameterResolver {

  /** How often the operator re-reconciles an unchanged domain in the lab (production default: 10m). */
  static final String RESYNC = "PT3S";

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LabExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    lab(context);
  }

  static Lab lab(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Lab.class, k -> start(), Lab.class);
  }

  private static Lab start() {
    try {
      Path repo = Path.of(System.getProperty("securemail.repo.dir", "..")).toAbsolutePath().normalize();
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      Path work = Files.createDirectories(repo.resolve("e2e-tests/target/lab-" + stamp));
      return Lab.start(repo, work, Map.of(
          "quarkus.operator-sdk.controllers.securemaildomain.max-reconciliation-interval", RESYNC,
          // A DANE rollover step is re-checked this often (production default 10s).
          "securemail.dane.poll-interval", "2s",
          // A key probe's answer stands as long as a poll; checks see every change a test makes at once.
          "securemail.smtp.reuse", "2s",
          "securemail.compliance.reuse", "0s",
          // MTA-STS transitions wait max_age; the lab's policies live seconds, not days.
          "securemail.mtasts.min-max-age", "5",
          "securemail.mtasts.poll-interval", "2s",
          // Tests count one domain's reconciles from the SDK's per-resource series (off by default).
          "securemail.metrics.per-resource", "true"), mode());
    } catch (Exception e) {
      throw new IllegalStateException("the lab did not start: " + e.getMessage(), e);
    }
  }

  /**
   * The whole lab with its node, unless {@code -Dsecuremail.lab.mode=CONTROL_PLANE} asks for the
   * control plane alone: enough for the reconciler tier ({@code *TierTest}), which runs the
   * reconciler in the test's JVM, in seconds rather than the lab's half minute.
   */
  static Lab.Mode mode() {
    return Lab.Mode.valueOf(System.getProperty("securemail.lab.mode", Lab.Mode.WITH_NODE.name()));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Lab.class || type == KubernetesClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Lab lab = lab(context);
    return parameter.getParameter().getType() == Lab.class ? lab : lab.client();
  }
}
