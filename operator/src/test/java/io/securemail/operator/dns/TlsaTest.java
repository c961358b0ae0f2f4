package io.securemail.operator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TlsaTest {

  /**
   * Expected values computed independently with
   * {@code openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum}.
   */
  @ParameterizedTest
  @CsvSource({
      "mx1-ecdsa.crt, dbe0ece54b8e718c37f07972ffc1672160910fbcb029e7d2ab54ed36b0be2d3b",
      "mx1-rsa.crt, 11778402558f07e7e14c41dce4dbbef75bc83b7065fb72d7ab6d9fb7f5a4bb71"})
  void spkiSha256MatchesOpenssl(String file, String expected) throws Exception {
    X509Certificate cert;
    try (InputStream in = getClass().getResourceAsStream("/tlsa/" + file)) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    assertThat(Tlsa.spkiSha256(cert.getPublicKey())).isEqualTo(expected);
    assertThat(Tlsa.record("mx1.example.com", expected, 300).toZoneLine())
        .isEqualTo("_25._tcp.mx1.example.com. 300 IN TLSA 3 1 1 " + expected);
  }
}
