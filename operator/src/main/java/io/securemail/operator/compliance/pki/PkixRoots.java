package io.securemail.operator.compliance.pki;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The certificate authorities a sending MTA trusts: the JRE's roots plus any extra ones (a private lab CA). */
public final class PkixRoots {

  private static volatile List<X509Certificate> system;

  private final List<X509Certificate> roots;

  private PkixRoots(List<X509Certificate> roots) {
    this.roots = List.copyOf(roots);
  }

  public static PkixRoots system() {
    return new PkixRoots(systemRoots());
  }

  public static PkixRoots systemPlus(List<X509Certificate> extra) {
    List<X509Certificate> all = new ArrayList<>(systemRoots());
    all.addAll(extra);
    return new PkixRoots(all);
  }

  /** Only the given roots (tests, or a deliberately private trust store). */
  public static PkixRoots only(List<X509Certificate> roots) {
    return new PkixRoots(roots);
  }

  /** Every certificate in a PEM (or DER) file; fails unless there is at least one. */
  public static List<X509Certificate> readPem(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast).toList();
      if (certs.isEmpty()) {
        throw new IOException("no certificate in " + file);
      }
      return certs;
    } catch (CertificateException e) {
      throw new IOException("not a PEM certificate file: " + file + ": " + e.getMessage(), e);
    }
  }

  public List<X509Certificate> certificates() {
    return roots;
  }

  public Set<TrustAnchor> anchors() {
    Set<TrustAnchor> anchors = new HashSet<>();
    roots.forEach(r -> anchors.add(new TrustAnchor(r, null)));
    return anchors;
  }

  /** A key store of the roots, for the JDK's TrustManagerFactory. */
  public KeyStore keyStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < roots.size(); i++) {
        store.setCertificateEntry("root-" + i, roots.get(i));
      }
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build an in-memory trust store", e);
    }
  }

  private static List<X509Certificate> systemRoots() {
    List<X509Certificate> roots = system;
    if (roots == null) {
      try {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        roots = new ArrayList<>();
        for (var manager : factory.getTrustManagers()) {
          if (manager instanceof X509TrustManager x509) {
            roots.addAll(List.of(x509.getAcceptedIssuers()));
          }
        }
        roots = List.copyOf(roots);
        system = roots;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JRE's trust store cannot be read", e);
      }
    }
    return roots;
  }
}
