package io.securemail.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.TlsRptReceiveSpec;
import io.securemail.operator.api.TlsRptSpec;
import io.securemail.operator.api.TransportRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A domain describes its own MX hosts or references a MailTransport: exactly one, and no MTA beside a transport's. */
class TransportSpecValidationTest {

  private static final SecretLookup NO_SECRETS = name -> Optional.empty();

  private static SecureMailDomainSpec attached() {
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain("customer.example");
    spec.setMx(new ArrayList<>());
    spec.setTransport(new TransportRef("fleet", "mail-provider"));
    return spec;
  }

  private static List<SpecProblem> validate(SecureMailDomainSpec spec) {
    return SpecValidator.validate(spec, NO_SECRETS);
  }

  @Test
  void aDomainAttachedToATransportWithoutMxIsValid() {
    assertThat(validate(attached())).isEmpty();
  }

  @Test
  void aDomainWithNeitherMxNorTransportNamesSpecMx() {
    SecureMailDomainSpec spec = attached();
    spec.setTransport(null);

    assertThat(validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.mx");
      assertThat(p.message()).contains("required", "spec.transport");
    });
  }

  @Test
  void aMissingMxListCountsAsEmpty() {
    SecureMailDomainSpec spec = attached();
    spec.setTransport(null);
    spec.setMx(null);

    assertThat(validate(spec)).extracting(SpecProblem::field).containsExactly("spec.mx");
  }

  @Test
  void mxAndTransportTogetherNameSpecMx() {
    SecureMailDomainSpec spec = attached();
    spec.getMx().add(new MxHost("mx1.customer.example", 10));

    assertThat(validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.mx");
      assertThat(p.message()).contains("left out", "MailTransport fleet", "exactly one of spec.mx and spec.transport");
    });
  }

  @Test
  void anMtaBesideATransportNamesSpecMta() {
    SecureMailDomainSpec spec = attached();
    spec.setMta(new MtaSpec());

    assertThat(validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.mta");
      assertThat(p.message()).contains("must not be set with spec.transport", "MailTransport fleet");
    });
  }

  @Test
  void reportMailNeedsAnMtaAnAttachedDomainDoesNotHave() {
    SecureMailDomainSpec spec = attached();
    TlsRptSpec tlsRpt = new TlsRptSpec(List.of("mailto:tlsrpt@customer.example"));
    TlsRptReceiveSpec receive = new TlsRptReceiveSpec(false);
    receive.setMail(true);
    tlsRpt.setReceive(receive);
    spec.setTlsRpt(tlsRpt);

    assertThat(validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.tlsRpt.receive.mail");
      assertThat(p.message()).contains("attached to a MailTransport");
    });
  }

  @Test
  void aDomainWithItsOwnMxIsValidAsBefore() {
    SecureMailDomainSpec spec = attached();
    spec.setTransport(null);
    spec.getMx().add(new MxHost("mx1.customer.example", 10));
    spec.setMta(new MtaSpec());

    assertThat(validate(spec)).isEmpty();
  }
}
