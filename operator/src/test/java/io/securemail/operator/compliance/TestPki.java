package io.securemail.operator.compliance;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made on the spot: a CA and leaves it issues, with chosen names and validity. */
public final class TestPki {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A key pair with its certificate. */
  public record Issued(KeyPair keys, X509Certificate certificate, X509CertificateHolder holder) {
    public PrivateKey privateKey() {
      return keys.getPrivate();
    }
  }

  private TestPki() {}

  public static KeyPair ecKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An RSA (or, with "DSA", a DSA) key of 2048 bits: for servers of the TLS 1.2 RSA and DSS suites. */
  public static KeyPair key(String algorithm) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static Issued ca(String name) {
    KeyPair keys = ecKey();
    Instant now = Instant.now();
    return build(new X500Name("CN=" + name), keys, new X500Name("CN=" + name), keys.getPrivate(), true, List.of(),
        now.minusSeconds(3600), now.plusSeconds(3650L * 86400));
  }

  public static Issued leaf(Issued ca, String... dnsNames) {
    Instant now = Instant.now();
    return leaf(ca, ecKey(), now.minusSeconds(3600), now.plusSeconds(90L * 86400), dnsNames);
  }

  public static Issued leaf(Issued ca, KeyPair keys, Instant notBefore, Instant notAfter, String... dnsNames) {
    X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
    return build(new X500Name("CN=" + dnsNames[0]), keys, issuer, ca.privateKey(), false, List.of(dnsNames),
        notBefore, notAfter);
  }

  private static Issued build(X500Name subject, KeyPair keys, X500Name issuer, PrivateKey signer, boolean ca,
      List<String> dnsNames, Instant notBefore, Instant notAfter) {
    try {
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
          keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
          ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
      if (!dnsNames.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(dnsNames.stream()
            .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
      }
      X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer));
      return new Issued(keys, new JcaX509CertificateConverter().getCertificate(holder), holder);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A PKCS#12 key store with the leaf's key and chain, for the JDK's TLS servers. */
  public static KeyStore keyStore(Issued leaf, X509Certificate... chain) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      X509Certificate[] full = new X509Certificate[chain.length + 1];
      full[0] = leaf.certificate();
      System.arraycopy(chain, 0, full, 1, chain.length);
      store.setKeyEntry("server", leaf.privateKey(), "secret".toCharArray(), full);
      return store;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
