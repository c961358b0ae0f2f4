package io.securemail.operator.transport;

import static io.securemail.operator.transport.Fleets.transport;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.securemail.operator.api.AttachSpec;
import io.securemail.operator.api.InboundRoute;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.TransportRef;
import io.securemail.operator.validation.SecretLookup;
import io.securemail.operator.validation.SpecProblem;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TransportValidatorTest {

  static final SecretLookup NO_SECRETS = name -> Optional.empty();
  static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static List<String> fields(MailTransport transport) {
    return TransportValidator.validate(transport, JSON, NO_SECRETS, 86400).stream().map(SpecProblem::field).toList();
  }

  @Test
  void aTransportWithMxHostsAndAnMtaIsValid() {
    assertThat(TransportValidator.validate(transport(), JSON, NO_SECRETS, 86400)).isEmpty();
  }

  @Test
  void aFleetNeedsMxHostsAndAnMtaAndReferencesNoTransport() {
    MailTransport transport = transport();
    transport.getSpec().setMx(List.of());
    transport.getSpec().setMta(null);
    transport.getSpec().setTransport(new TransportRef("other", null));
    assertThat(fields(transport)).containsExactly("spec.transport", "spec.mx", "spec.mta");
  }

  @Test
  void routesAreTheOperatorsToSet() {
    MailTransport transport = transport();
    transport.getSpec().getMta().getInbound().setRoutes(List.of(new InboundRoute("a.example",
        "smtp:[a.internal]:25", MtaSpec.HopTls.ENCRYPT)));
    assertThat(fields(transport)).containsExactly("spec.mta.inbound.routes");
  }

  @Test
  void aSelectorKubernetesWouldRejectIsNamedByField() {
    MailTransport transport = transport();
    AttachSpec attach = new AttachSpec();
    attach.setNamespaceSelector(new LabelSelectorBuilder()
        .addNewMatchExpression().withKey("team").withOperator("In").endMatchExpression()
        .addNewMatchExpression().withKey("team").withOperator("Matches").withValues("a").endMatchExpression()
        .build());
    transport.getSpec().setAttach(attach);
    assertThat(fields(transport)).containsExactly("spec.attach.namespaceSelector.matchExpressions[0].values",
        "spec.attach.namespaceSelector.matchExpressions[1].operator");
  }

  @Test
  void theDomainPartIsHeldToTheSecureMailDomainRules() {
    MailTransport transport = transport();
    transport.getSpec().setMx(List.of(new MxHost("mx1.provider.example", 10), new MxHost("mx1.provider.example", 20)));
    assertThat(fields(transport)).containsExactly("spec.mx[1].host");
  }
}
