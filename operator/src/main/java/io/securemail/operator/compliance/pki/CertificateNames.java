package io.securemail.operator.compliance.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** Host name matching against a certificate (RFC 6125 section 6.4, as RFC 7672 section 3.2.3 and RFC 8461 section 4.2 use it). */
public final class CertificateNames {

  private static final int DNS_NAME = 2;

  private CertificateNames() {}

  /**
   * The DNS-IDs of the certificate (subjectAltName dNSName); only when there are none, the subject
   * common name (RFC 6125 section 6.4.4).
   */
  public static List<String> names(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> alt = cert.getSubjectAlternativeNames();
      if (alt != null) {
        for (List<?> entry : alt) {
          if (entry.size() >= 2 && Integer.valueOf(DNS_NAME).equals(entry.get(0))) {
            names.add(entry.get(1).toString());
          }
        }
      }
    } catch (CertificateParsingException e) {
      // Unparseable SANs name nothing.
    }
    if (names.isEmpty()) {
      try {
        for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
          if (rdn.getType().equalsIgnoreCase("CN")) {
            names.add(rdn.getValue().toString());
          }
        }
      } catch (InvalidNameException e) {
        // No usable subject either.
      }
    }
    return names;
  }

  public static boolean matches(X509Certificate cert, String host) {
    return names(cert).stream().anyMatch(pattern -> matches(pattern, host));
  }

  /**
   * Case-insensitive; a wildcard is allowed only as the whole left-most label and matches exactly one
   * label (RFC 6125 section 6.4.3; RFC 8461 section 4.1 applies the same rule to policy mx patterns).
   */
  public static boolean matches(String pattern, String host) {
    String p = normalize(pattern);
    String h = normalize(host);
    if (p.startsWith("*.")) {
      int dot = h.indexOf('.');
      return dot > 0 && h.substring(dot + 1).equals(p.substring(2)) && !p.substring(2).isEmpty();
    }
    return !p.contains("*") && p.equals(h);
  }

  public static String normalize(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
