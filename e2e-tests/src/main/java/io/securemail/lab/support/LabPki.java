package io.securemail.lab.support;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.jce.interfaces.ECPrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Keys, certificates, CSRs and their PEM forms for the lab: the lab CA, the stand-in cert-manager
 * issuer and Postfix's throwaway certificates. Key encodings are those cert-manager writes and
 * reads: PKCS#1 ("RSA PRIVATE KEY"), SEC 1 ("EC PRIVATE KEY") and PKCS#8 ("PRIVATE KEY").
 */
public final class LabPki {

  static {
    if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter().setProvider(BouncyCastleProvider.PROVIDER_NAME);

  private LabPki() {}

  /** A key's kind as cert-manager names it in spec.privateKey: algorithm and size. */
  public record KeySpec(String algorithm, int size) {

    /** RSA 2048, ECDSA P-256 (size 256) and Ed25519 are cert-manager's defaults per algorithm. */
    public static KeySpec of(String algorithm, Integer size) {
      String alg = algorithm == null || algorithm.isEmpty() ? "RSA" : algorithm;
      return switch (alg) {
        case "RSA" -> new KeySpec(alg, size == null || size == 0 ? 2048 : size);
        case "ECDSA" -> new KeySpec(alg, size == null || size == 0 ? 256 : size);
        case "Ed25519" -> new KeySpec(alg, 0);
        default -> throw new IllegalArgumentException("unsupported private key algorithm " + algorithm);
      };
    }

    /** The algorithm and size of an existing key. */
    public static KeySpec of(PrivateKey key) {
      if (key instanceof RSAKey rsa) {
        return new KeySpec("RSA", rsa.getModulus().bitLength());
      }
      if (key instanceof ECKey ec) {
        return new KeySpec("ECDSA", ec.getParams().getCurve().getField().getFieldSize());
      }
      if (key instanceof ECPrivateKey bcEc) {
        return new KeySpec("ECDSA", bcEc.getParameters().getCurve().getFieldSize());
      }
      String alg = key.getAlgorithm();
      if ("Ed25519".equalsIgnoreCase(alg) || "EdDSA".equalsIgnoreCase(alg)) {
        return new KeySpec("Ed25519", 0);
      }
      throw new IllegalArgumentException("unsupported private key type " + alg);
    }
  }

  // --- keys ---

  public static KeyPair generate(KeySpec spec) {
    try {
      KeyPairGenerator generator;
      switch (spec.algorithm()) {
        case "RSA" -> {
          generator = KeyPairGenerator.getInstance("RSA");
          generator.initialize(spec.size(), RANDOM);
        }
        case "ECDSA" -> {
          generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec(switch (spec.size()) {
            case 256 -> "secp256r1";
            case 384 -> "secp384r1";
            case 521 -> "secp521r1";
            default -> throw new IllegalArgumentException("unsupported ECDSA size " + spec.size());
          }), RANDOM);
        }
        case "Ed25519" -> generator = KeyPairGenerator.getInstance("Ed25519");
        default -> throw new IllegalArgumentException("unsupported algorithm " + spec.algorithm());
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** ECDSA P-256, the lab's default for its own keys. */
  public static KeyPair generateEcdsa() {
    return generate(new KeySpec("ECDSA", 256));
  }

  /**
   * The private key in a PEM text (PKCS#1, SEC 1 or PKCS#8), with its public key.
   *
   * @throws IllegalArgumentException if there is no private key in it
   */
  public static KeyPair parsePrivateKey(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
        if (item instanceof PEMKeyPair pair && pair.getPublicKeyInfo() != null) {
          return KEYS.getKeyPair(pair);
        }
        if (item instanceof PEMKeyPair pair) {
          // SEC 1 without the optional public key: derive it, as for PKCS#8
          item = pair.getPrivateKeyInfo();
        }
        if (item instanceof PrivateKeyInfo info) {
          PrivateKey key = KEYS.getPrivateKey(info);
          return new KeyPair(publicKeyOf(key, info), key);
        }
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("no readable private key: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("no private key in PEM data");
  }

  private static PublicKey publicKeyOf(PrivateKey key, PrivateKeyInfo info) throws GeneralSecurityException, IOException {
    if (key instanceof RSAPrivateCrtKey rsa) {
      return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
    }
    if (key instanceof ECPrivateKey ec) {
      var params = ec.getParameters();
      return KeyFactory.getInstance("EC", BouncyCastleProvider.PROVIDER_NAME)
          .generatePublic(new ECPublicKeySpec(params.getG().multiply(ec.getD()).normalize(), params));
    }
    if (PrivateKeyFactory.createKey(info) instanceof Ed25519PrivateKeyParameters ed) {
      return KEYS.getPublicKey(SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(ed.generatePublicKey()));
    }
    throw new GeneralSecurityException("cannot derive the public key of a " + key.getAlgorithm() + " key");
  }

  /**
   * PEM for a private key: PKCS#8 ("PRIVATE KEY") when asked, else the key's traditional form,
   * PKCS#1 for RSA and SEC 1 for ECDSA (cert-manager's "PKCS1" encoding; Ed25519 has only PKCS#8).
   */
  public static String privateKeyPem(PrivateKey key, boolean pkcs8) {
    try {
      if (pkcs8 || KeySpec.of(key).algorithm().equals("Ed25519")) {
        return pem(new PemObject("PRIVATE KEY", key.getEncoded()));
      }
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      if (info.getPrivateKeyAlgorithm().getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption)) {
        return pem(new PemObject("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded()));
      }
      // SEC 1 as OpenSSL writes it: the curve and the public key inside (a PKCS#8 wrapper keeps the
      // curve outside, and the JDK's encoding has no public key).
      ECPrivateKey ec = (ECPrivateKey) KeyFactory.getInstance("EC", BouncyCastleProvider.PROVIDER_NAME)
          .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
      var params = ec.getParameters();
      var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(params.getN().bitLength(), ec.getD(),
          new DERBitString(params.getG().multiply(ec.getD()).normalize().getEncoded(false)),
          info.getPrivateKeyAlgorithm().getParameters());
      return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the two keys are the same public key. */
  public static boolean samePublicKey(PublicKey a, PublicKey b) {
    return Arrays.equals(a.getEncoded(), b.getEncoded());
  }

  // --- certificates ---

  /**
   * Every certificate in a PEM text, in order.
   *
   * @throws IllegalArgumentException if there is none, or one cannot be read
   */
  public static List<X509Certificate> parseCertificates(String pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
        if (item instanceof org.bouncycastle.cert.X509CertificateHolder holder) {
          certificates.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("unreadable certificate: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("no certificate in PEM data");
    }
    return certificates;
  }

  public static String certificatePem(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      out.append(pem(certificate));
    }
    return out.toString();
  }

  public static String certificatePem(X509Certificate certificate) {
    return pem(certificate);
  }

  /** A self-signed CA certificate (basic constraints CA, key usage certificate and CRL signing). */
  public static X509Certificate selfSignedCa(KeyPair key, String commonName, java.time.Duration validity) {
    Instant notBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return build(key.getPublic(), subject(commonName), notBefore, notBefore.plus(validity), List.of(), true,
        subject(commonName), key);
  }

  /** An intermediate CA certificate for {@code subjectKey}, signed by the issuing CA. */
  public static X509Certificate signCa(PublicKey subjectKey, String commonName, java.time.Duration validity,
      X509Certificate issuerCertificate, PrivateKey issuerKey) {
    Instant notBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return build(subjectKey, subject(commonName), notBefore, notBefore.plus(validity), List.of(), true,
        X500Name.getInstance(issuerCertificate.getSubjectX500Principal().getEncoded()),
        new KeyPair(issuerCertificate.getPublicKey(), issuerKey));
  }

  /** A self-signed server certificate, such as a mail server's before it has a real one. */
  public static X509Certificate selfSignedServer(KeyPair key, String commonName, List<String> dnsNames,
      java.time.Duration validity) {
    Instant notBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return build(key.getPublic(), subject(commonName), notBefore, notBefore.plus(validity), dnsNames, false,
        subject(commonName), key);
  }

  /**
   * A server certificate for {@code subjectKey} signed by the CA: key usage digital signature (and
   * key encipherment for RSA keys), extended key usage server authentication, the DNS names as
   * subject alternative names.
   */
  public static X509Certificate signServer(PublicKey subjectKey, String commonName, List<String> dnsNames,
      Instant notBefore, Instant notAfter, X509Certificate caCertificate, PrivateKey caKey) {
    X500Name issuer = X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded());
    return build(subjectKey, subject(commonName), notBefore, notAfter, dnsNames, false, issuer,
        new KeyPair(caCertificate.getPublicKey(), caKey));
  }

  private static X509Certificate build(PublicKey subjectKey, X500Name subject, Instant notBefore, Instant notAfter,
      List<String> dnsNames, boolean ca, X500Name issuer, KeyPair signer) {
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
          new BigInteger(127, RANDOM).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
      builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(subjectKey));
      if (!signer.getPublic().equals(subjectKey)) {
        builder.addExtension(Extension.authorityKeyIdentifier, false,
            extensions.createAuthorityKeyIdentifier(signer.getPublic()));
      }
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign
            | KeyUsage.digitalSignature));
      } else {
        int usage = KeyUsage.digitalSignature;
        if ("RSA".equals(subjectKey.getAlgorithm())) {
          usage |= KeyUsage.keyEncipherment;
        }
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      }
      if (!dnsNames.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
            dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
      }
      return new JcaX509CertificateConverter().getCertificate(builder.build(signerFor(signer.getPrivate())));
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot build a certificate for " + subject, e);
    }
  }

  private static ContentSigner signerFor(PrivateKey key) throws OperatorCreationException {
    String algorithm = switch (KeySpec.of(key).algorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "ECDSA" -> switch (KeySpec.of(key).size()) {
        case 384 -> "SHA384withECDSA";
        case 521 -> "SHA512withECDSA";
        default -> "SHA256withECDSA";
      };
      default -> "Ed25519";
    };
    return new JcaContentSignerBuilder(algorithm).setProvider(BouncyCastleProvider.PROVIDER_NAME).build(key);
  }

  private static X500Name subject(String commonName) {
    X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
    if (commonName != null && !commonName.isEmpty()) {
      name.addRDN(BCStyle.CN, commonName);
    }
    return name.build();
  }

  /** The subject common name, or "" when there is none. */
  public static String commonName(X509Certificate certificate) {
    X500Name name = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    var rdns = name.getRDNs(BCStyle.CN);
    return rdns.length == 0 ? "" : rdns[0].getFirst().getValue().toString();
  }

  /** The DNS subject alternative names, in certificate order. */
  public static List<String> dnsNames(X509Certificate certificate) {
    try {
      List<String> names = new ArrayList<>();
      var sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(GeneralName.dNSName).equals(san.get(0))) {
            names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
          }
        }
      }
      return names;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static boolean isSelfSigned(X509Certificate certificate) {
    if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
      return false;
    }
    try {
      certificate.verify(certificate.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  // --- certificate signing requests ---

  /** A PKCS#10 request for the names, signed with the key, in PEM ("CERTIFICATE REQUEST"). */
  public static String csrPem(KeyPair key, String commonName, List<String> dnsNames) {
    try {
      JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(subject(commonName),
          key.getPublic());
      if (!dnsNames.isEmpty()) {
        builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, new Extensions(new Extension(
            Extension.subjectAlternativeName, false, new GeneralNames(dnsNames.stream()
                .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)).getEncoded())));
      }
      return pem(builder.build(signerFor(key.getPrivate())));
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot build a certificate request", e);
    }
  }

  /** What a certificate request asks for: its key, subject common name ("" if none) and DNS names. */
  public record Csr(PublicKey publicKey, String commonName, List<String> dnsNames) {}

  /**
   * Reads a PEM certificate request.
   *
   * @throws IllegalArgumentException if there is none or it cannot be read
   */
  public static Csr parseCsr(String pem) {
    PKCS10CertificationRequest csr;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      if (!(parser.readObject() instanceof PKCS10CertificationRequest request)) {
        throw new IllegalArgumentException("no certificate request in PEM data");
      }
      csr = request;
      List<String> names = new ArrayList<>();
      for (var attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
        GeneralNames sans = GeneralNames.fromExtensions(Extensions.getInstance(attribute.getAttrValues().getObjectAt(0)),
            Extension.subjectAlternativeName);
        if (sans != null) {
          for (GeneralName name : sans.getNames()) {
            if (name.getTagNo() == GeneralName.dNSName) {
              names.add(name.getName().toString().toLowerCase(Locale.ROOT));
            }
          }
        }
      }
      var cn = csr.getSubject().getRDNs(BCStyle.CN);
      return new Csr(KEYS.getPublicKey(csr.getSubjectPublicKeyInfo()),
          cn.length == 0 ? "" : cn[0].getFirst().getValue().toString(), names);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("unreadable certificate request: " + e.getMessage(), e);
    }
  }

  private static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      if (object instanceof PemObject pemObject) {
        writer.writeObject(pemObject);
      } else {
        writer.writeObject(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
