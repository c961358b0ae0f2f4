package io.securemail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.CheckStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the three tools' outputs become one DANE verdict per host. */
class DaneVerdictTest {

  @Test
  void posttlsFinger() {
    assertThat(DaneVerdict.ofPosttlsFinger("posttls-finger: Verified TLS connection established to "
        + "mx000.mxbench.test[127.0.2.1]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)"))
        .isEqualTo(DaneVerdict.VERIFIED);
    assertThat(DaneVerdict.ofPosttlsFinger("posttls-finger: Untrusted TLS connection established to "
        + "mx010.mxbench.test[127.0.2.11]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)"))
        .isEqualTo(DaneVerdict.TLS_NOT_VERIFIED);
    assertThat(DaneVerdict.ofPosttlsFinger("posttls-finger: Anonymous TLS connection established to "
        + "mx019.mxbench.test[127.0.2.20]:25: TLSv1.3")).isEqualTo(DaneVerdict.TLS_NOT_VERIFIED);
    assertThat(DaneVerdict.ofPosttlsFinger("posttls-finger: warning: TLS is required, but was not offered by host "
        + "mx014.mxbench.test[127.0.2.15]")).isEqualTo(DaneVerdict.NO_TLS);
  }

  @Test
  void ldnsDane() {
    assertThat(DaneVerdict.ofLdnsDane(true, "127.0.2.1 dane-validated successfully")).isEqualTo(DaneVerdict.VERIFIED);
    assertThat(DaneVerdict.ofLdnsDane(true, "127.0.2.11 did not dane-validate, because: Certificate does not match"))
        .isEqualTo(DaneVerdict.TLS_NOT_VERIFIED);
    assertThat(DaneVerdict.ofLdnsDane(false, "no certificate served")).isEqualTo(DaneVerdict.NO_TLS);
  }

  @Test
  void engine() {
    assertThat(DaneVerdict.ofEngine(List.of(CheckStatus.pass), List.of(CheckStatus.pass, CheckStatus.pass)))
        .isEqualTo(DaneVerdict.VERIFIED);
    assertThat(DaneVerdict.ofEngine(List.of(CheckStatus.pass), List.of(CheckStatus.pass, CheckStatus.fail)))
        .isEqualTo(DaneVerdict.TLS_NOT_VERIFIED);
    assertThat(DaneVerdict.ofEngine(List.of(CheckStatus.pass), List.of(CheckStatus.skip)))
        .isEqualTo(DaneVerdict.TLS_NOT_VERIFIED);
    assertThat(DaneVerdict.ofEngine(List.of(CheckStatus.fail), List.of(CheckStatus.fail)))
        .isEqualTo(DaneVerdict.NO_TLS);
    assertThat(DaneVerdict.ofEngine(List.of(), List.of())).as("never probed").isEqualTo(DaneVerdict.NO_TLS);
  }
}
