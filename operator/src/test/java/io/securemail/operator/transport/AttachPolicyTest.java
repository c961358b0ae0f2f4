package io.securemail.operator.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.securemail.operator.api.AttachSpec;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.MailTransportSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttachPolicyTest {

  private static MailTransport transport(AttachSpec attach) {
    var transport = new MailTransport();
    transport.setMetadata(new ObjectMetaBuilder().withName("fleet").withNamespace("mail").build());
    var spec = new MailTransportSpec();
    spec.setAttach(attach);
    transport.setSpec(spec);
    return transport;
  }

  @Test
  void withoutAttachOnlyTheTransportsOwnNamespaceMayAttach() {
    MailTransport fleet = transport(null);
    assertThat(AttachPolicy.refusal(fleet, "mail", Map.of())).isEmpty();
    assertThat(AttachPolicy.refusal(fleet, "customer-a", Map.of())).get().asString()
        .contains("mail/fleet", "customer-a", "no namespace but its own");
  }

  @Test
  void listedNamespacesMayAttach() {
    var attach = new AttachSpec();
    attach.setNamespaces(List.of("customer-a"));
    MailTransport fleet = transport(attach);
    assertThat(AttachPolicy.refusal(fleet, "customer-a", Map.of())).isEmpty();
    assertThat(AttachPolicy.refusal(fleet, "customer-b", Map.of())).get().asString().contains("customer-a");
  }

  @Test
  void namespacesMatchingTheSelectorMayAttach() {
    var attach = new AttachSpec();
    attach.setNamespaceSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("mail.example/tier", "hosted"))
        .addNewMatchExpression().withKey("suspended").withOperator("DoesNotExist").endMatchExpression().build());
    MailTransport fleet = transport(attach);
    assertThat(AttachPolicy.refusal(fleet, "c1", Map.of("mail.example/tier", "hosted"))).isEmpty();
    assertThat(AttachPolicy.refusal(fleet, "c2", Map.of("mail.example/tier", "hosted", "suspended", "yes"))).isPresent();
    assertThat(AttachPolicy.refusal(fleet, "c3", Map.of())).isPresent();
  }

  @Test
  void anEmptySelectorMatchesEveryNamespace() {
    var attach = new AttachSpec();
    attach.setNamespaceSelector(new LabelSelectorBuilder().build());
    assertThat(AttachPolicy.refusal(transport(attach), "anywhere", Map.of())).isEmpty();
  }
}
