package io.securemail.operator.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.PolicyIngressSpec;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.validation.SpecProblem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngressAnnotationsTest {

  private static SecureMailDomainSpec withAnnotations(Map<String, String> annotations) {
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain("example.com");
    PolicyIngressSpec ingress = new PolicyIngressSpec();
    ingress.setAnnotations(new LinkedHashMap<>(annotations));
    spec.getMtaSts().setIngress(ingress);
    return spec;
  }

  @Test
  void anAnnotationOutsideTheListIsAnInvalidSpecNamingIt() {
    var allowed = new IngressAnnotations(List.of("cert-manager.io/*", "nginx.ingress.kubernetes.io/ssl-redirect"));
    var spec = withAnnotations(Map.of(
        "nginx.ingress.kubernetes.io/ssl-redirect", "false",
        "cert-manager.io/cluster-issuer", "letsencrypt",
        "nginx.ingress.kubernetes.io/configuration-snippet", "more_set_headers x"));

    List<SpecProblem> problems = allowed.problems(spec);

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.mtaSts.ingress.annotations");
      assertThat(p.message()).startsWith("\"nginx.ingress.kubernetes.io/configuration-snippet\" is not an annotation")
          .contains(IngressAnnotations.PROPERTY);
    });
  }

  @Test
  void theDefaultPassesEveryAnnotationAndAnEmptyListNone() {
    var spec = withAnnotations(Map.of("anything/at-all", "x"));

    assertThat(IngressAnnotations.any().problems(spec)).isEmpty();
    assertThat(new IngressAnnotations(List.of()).problems(spec)).hasSize(1);
    assertThat(new IngressAnnotations(List.of()).problems(withAnnotations(Map.of()))).isEmpty();
    assertThat(new IngressAnnotations(List.of()).problems(new SecureMailDomainSpec())).as("no Ingress").isEmpty();
  }
}
