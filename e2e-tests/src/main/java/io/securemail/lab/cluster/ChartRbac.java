package io.securemail.lab.cluster;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.support.JvmSignals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The Helm chart's ServiceAccount and the RBAC it binds to it, installed into the lab's API server as
 * {@code helm install} would (rendered by Helm's own library), and a kubeconfig holding a token of
 * that ServiceAccount. The lab's operator runs with it, so the real API server enforces the chart's
 * rules on every call the end-to-end tests make the operator do. Roles the chart makes for people
 * (the view and edit ClusterRoles aggregated into Kubernetes' user roles) are bound to nobody here
 * and are not installed: what is installed is exactly what the operator may do.
 */
public final class ChartRbac {

  public static final String RELEASE = "securemail-operator";
  public static final String NAMESPACE = "securemail-system";
  private static final Set<String> RBAC_KINDS = Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role",
      "RoleBinding");

  private final List<HasMetadata> installed;
  private final String user;
  private final Path kubeconfig;

  private ChartRbac(List<HasMetadata> installed, String user, Path kubeconfig) {
    this.installed = installed;
    this.user = user;
    this.kubeconfig = kubeconfig;
  }

  public static ChartRbac install(ControlPlane controlPlane, Path chart, Path workDir) throws IOException {
    KubernetesClient client = controlPlane.client();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
    String manifests = new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE).call();
    // Loading Helm's Go library takes SIGINT and SIGTERM from the JVM; the lab's shutdown needs them.
    JvmSignals.restore();
    List<HasMetadata> rbac = new ArrayList<>();
    for (String document : manifests.split("(?m)^---\\s*$")) {
      if (document.lines().noneMatch(l -> l.startsWith("kind:"))) {
        continue;
      }
      HasMetadata object = client.getKubernetesSerialization().unmarshal(document);
      if (RBAC_KINDS.contains(object.getKind())) {
        rbac.add(object);
      }
    }
    List<HasMetadata> installed = new ArrayList<>();
    ServiceAccount account = null;
    for (HasMetadata object : boundToTheServiceAccount(rbac)) {
      String namespace = object.getMetadata().getNamespace() != null ? object.getMetadata().getNamespace() : NAMESPACE;
      HasMetadata applied = object instanceof ClusterRole || object.getKind().startsWith("Cluster")
          ? client.resource(object).forceConflicts().serverSideApply()
          : client.resource(object).inNamespace(namespace).forceConflicts().serverSideApply();
      installed.add(applied);
      if (applied instanceof ServiceAccount sa) {
        account = sa;
      }
    }
    if (account == null) {
      throw new IllegalStateException("the chart rendered no ServiceAccount");
    }
    // TokenRequest (authentication.k8s.io/v1), as the kubelet asks for a projected token.
    TokenRequest token = client.serviceAccounts().inNamespace(NAMESPACE).withName(account.getMetadata().getName())
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(7 * 24 * 3600L).endSpec().build());
    Config admin = client.getConfiguration();
    // The API server's CA as the admin kubeconfig has it: inline data, or a file.
    String ca = admin.getCaCertData() != null ? admin.getCaCertData()
        : Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(admin.getCaCertFile())));
    Path kubeconfig = workDir.resolve("operator-kubeconfig.yaml");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
          - name: lab
            cluster: {server: "%s", certificate-authority-data: "%s"}
        users:
          - name: %s
            user: {token: "%s"}
        contexts:
          - name: operator
            context: {cluster: lab, user: %s}
        current-context: operator
        """.formatted(admin.getMasterUrl(), ca, account.getMetadata().getName(),
        token.getStatus().getToken(), account.getMetadata().getName()));
    String user = "system:serviceaccount:" + NAMESPACE + ":" + account.getMetadata().getName();
    return new ChartRbac(List.copyOf(installed), user, kubeconfig);
  }

  /**
   * The chart's ServiceAccount, the bindings whose subject it is, and the (Cluster)Roles those
   * bindings refer to, in the chart's order (a role before its binding).
   */
  public static List<HasMetadata> boundToTheServiceAccount(List<HasMetadata> rbac) {
    ServiceAccount account = rbac.stream().filter(ServiceAccount.class::isInstance).map(ServiceAccount.class::cast)
        .findFirst().orElseThrow(() -> new IllegalStateException("the chart rendered no ServiceAccount"));
    String accountName = account.getMetadata().getName();
    Set<String> roles = new HashSet<>();
    List<HasMetadata> bindings = new ArrayList<>();
    for (HasMetadata object : rbac) {
      List<Subject> subjects;
      RoleRef ref;
      if (object instanceof ClusterRoleBinding binding) {
        subjects = binding.getSubjects();
        ref = binding.getRoleRef();
      } else if (object instanceof RoleBinding binding) {
        subjects = binding.getSubjects();
        ref = binding.getRoleRef();
      } else {
        continue;
      }
      boolean toTheAccount = subjects != null && subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.getKind())
          && accountName.equals(s.getName()) && NAMESPACE.equals(s.getNamespace()));
      if (toTheAccount) {
        bindings.add(object);
        String scope = "ClusterRole".equals(ref.getKind()) ? "" : namespaceOf(object);
        roles.add(ref.getKind() + "/" + scope + "/" + ref.getName());
      }
    }
    List<HasMetadata> bound = new ArrayList<>();
    for (HasMetadata object : rbac) {
      String key = object.getKind() + "/" + (object instanceof ClusterRole ? "" : namespaceOf(object)) + "/"
          + object.getMetadata().getName();
      if (object == account || bindings.contains(object) || roles.contains(key)) {
        bound.add(object);
      }
    }
    return bound;
  }

  private static String namespaceOf(HasMetadata object) {
    return object.getMetadata().getNamespace() != null ? object.getMetadata().getNamespace() : NAMESPACE;
  }

  /** The objects the chart's RBAC for the operator consists of, as installed. */
  public List<HasMetadata> installed() {
    return installed;
  }

  /** The API server's name for the operator's ServiceAccount. */
  public String user() {
    return user;
  }

  /** A kubeconfig that authenticates as the chart's ServiceAccount. */
  public Path kubeconfig() {
    return kubeconfig;
  }
}
