package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** cert-manager certificates for the MX hosts and the mta-sts host. */
public class CertificatesSpec {

  @JsonPropertyDescription("The cert-manager issuer that signs the certificates.")
  private IssuerRef issuerRef;

  @Default("ECDSA")
  @JsonPropertyDescription("The key algorithm of the MX and mta-sts keys: ECDSA (P-256) or RSA.")
  private KeyAlgorithm keyAlgorithm = KeyAlgorithm.ECDSA;

  @JsonPropertyDescription("RSA key size in bits, 2048 or 3072 (default 3072); only with keyAlgorithm RSA.")
  private Integer rsaKeySize;

  @JsonPropertyDescription("CAA records that allow only the issuer's CA to issue for the MX and mta-sts hosts.")
  private CaaSpec caa = new CaaSpec();

  public IssuerRef getIssuerRef() { return issuerRef; }
  public void setIssuerRef(IssuerRef issuerRef) { this.issuerRef = issuerRef; }
  public KeyAlgorithm getKeyAlgorithm() { return keyAlgorithm; }
  public void setKeyAlgorithm(KeyAlgorithm keyAlgorithm) { this.keyAlgorithm = keyAlgorithm; }
  public Integer getRsaKeySize() { return rsaKeySize; }
  public void setRsaKeySize(Integer rsaKeySize) { this.rsaKeySize = rsaKeySize; }
  public CaaSpec getCaa() { return caa; }
  public void setCaa(CaaSpec caa) { this.caa = caa; }
}
