package io.securemail.lab.cluster;

import io.securemail.lab.support.LabPki;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The lab cluster's keys and certificates, made fresh for every run as kubeadm would make them:
 * one CA; the API server's serving certificate, valid for every name and address a client uses
 * (loopback, the node address, the {@code kubernetes} Service address and its DNS names); client
 * certificates (the admin, in {@code system:masters}; the API server towards the kubelet); and the
 * key that signs ServiceAccount tokens.
 */
public final class ClusterPki {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration VALIDITY = Duration.ofDays(30);

  private final Path dir;

  private ClusterPki(Path dir) {
    this.dir = dir;
  }

  public static ClusterPki create(Path dir) throws IOException {
    Files.createDirectories(dir);
    KeyPair caKey = LabPki.generateEcdsa();
    X509Certificate ca = LabPki.selfSignedCa(caKey, "securemail-lab-cluster-ca", VALIDITY);
    write(dir.resolve("ca.crt"), LabPki.certificatePem(ca));
    write(dir.resolve("ca.key"), LabPki.privateKeyPem(caKey.getPrivate(), true));

    issue(dir, "apiserver", caKey, ca, "kube-apiserver", null, KeyPurposeId.id_kp_serverAuth,
        List.of("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
            "kubernetes.default.svc." + PodNetwork.CLUSTER_DOMAIN),
        List.of("127.0.0.1", PodNetwork.NODE_ADDRESS, PodNetwork.KUBERNETES_SERVICE_ADDRESS));
    issue(dir, "admin", caKey, ca, "securemail-lab-admin", "system:masters", KeyPurposeId.id_kp_clientAuth,
        List.of(), List.of());
    issue(dir, "apiserver-kubelet-client", caKey, ca, "kube-apiserver-kubelet-client", "system:masters",
        KeyPurposeId.id_kp_clientAuth, List.of(), List.of());
    issue(dir, "kubelet", caKey, ca, LabNode.NAME, null, KeyPurposeId.id_kp_serverAuth, List.of(LabNode.NAME),
        List.of("127.0.0.1", PodNetwork.NODE_ADDRESS));

    KeyPair serviceAccounts = LabPki.generateEcdsa();
    write(dir.resolve("sa.key"), LabPki.privateKeyPem(serviceAccounts.getPrivate(), true));
    write(dir.resolve("sa.pub"), pem(serviceAccounts.getPublic()));
    return new ClusterPki(dir);
  }

  public Path caCertificate() {
    return dir.resolve("ca.crt");
  }

  public Path caKey() {
    return dir.resolve("ca.key");
  }

  /** {@code NAME.crt} for a certificate made by {@link #create}. */
  public Path certificate(String name) {
    return dir.resolve(name + ".crt");
  }

  /** {@code NAME.key} for a certificate made by {@link #create}. */
  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  public Path serviceAccountKey() {
    return dir.resolve("sa.key");
  }

  public Path serviceAccountPublicKey() {
    return dir.resolve("sa.pub");
  }

  /** A kubeconfig for {@code server} with the admin's client certificate, all inline. */
  public String adminKubeconfig(String server) throws IOException {
    return """
        apiVersion: v1
        kind: Config
        clusters:
          - name: securemail-lab
            cluster: {server: "%s", certificate-authority-data: "%s"}
        users:
          - name: admin
            user: {client-certificate-data: "%s", client-key-data: "%s"}
        contexts:
          - name: securemail-lab
            context: {cluster: securemail-lab, user: admin}
        current-context: securemail-lab
        """.formatted(server, base64(caCertificate()), base64(certificate("admin")), base64(key("admin")));
  }

  private static String base64(Path file) throws IOException {
    return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
  }

  private static void issue(Path dir, String name, KeyPair caKey, X509Certificate ca, String commonName,
      String organization, KeyPurposeId purpose, List<String> dnsNames, List<String> addresses) throws IOException {
    // The admin's key is RSA: the Fabric8 client reads a kubeconfig's client key as RSA unless told
    // otherwise. Go's clients (kubectl, Helm, the kubelet) take either.
    KeyPair key = "admin".equals(name) ? LabPki.generate(LabPki.KeySpec.of("RSA", 2048)) : LabPki.generateEcdsa();
    try {
      X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
      if (organization != null) {
        subject.addRDN(BCStyle.O, organization);
      }
      subject.addRDN(BCStyle.CN, commonName);
      Instant notBefore = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), new BigInteger(127, RANDOM).add(BigInteger.ONE),
          Date.from(notBefore), Date.from(notBefore.plus(VALIDITY)), subject.build(), key.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      List<GeneralName> names = new ArrayList<>();
      dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
      addresses.forEach(a -> names.add(new GeneralName(GeneralName.iPAddress, a)));
      if (!names.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(
          new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
      write(dir.resolve(name + ".crt"), LabPki.certificatePem(certificate));
      write(dir.resolve(name + ".key"), LabPki.privateKeyPem(key.getPrivate(), true));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue the lab cluster's " + name + " certificate", e);
    }
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text);
  }
}
