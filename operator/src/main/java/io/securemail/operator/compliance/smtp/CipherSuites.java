package io.securemail.operator.compliance.smtp;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.tls.CipherSuite;

/** Names and properties of TLS cipher suites, by their IANA names. */
public final class CipherSuites {

  private static final Map<Integer, String> NAMES = new HashMap<>();

  static {
    for (Field field : CipherSuite.class.getFields()) {
      if (field.getType() == int.class && Modifier.isStatic(field.getModifiers()) && field.getName().startsWith("TLS_")) {
        try {
          NAMES.putIfAbsent(field.getInt(null), field.getName());
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private CipherSuites() {}

  public static String name(int suite) {
    return NAMES.getOrDefault(suite, String.format("0x%04X", suite));
  }

  /** TLS 1.3 suites (RFC 8446 section B.4) name no key exchange: it is always (EC)DHE. */
  public static boolean isTls13(String name) {
    return !name.contains("_WITH_");
  }

  /** Ephemeral (EC)DH key exchange: past sessions stay secret if the server key leaks. */
  public static boolean isForwardSecret(String name) {
    return isTls13(name) || name.startsWith("TLS_ECDHE_") || name.startsWith("TLS_DHE_");
  }

  /** Authenticated encryption (GCM, CCM, ChaCha20-Poly1305) rather than CBC with a MAC. */
  public static boolean isAead(String name) {
    return name.contains("_GCM_") || name.contains("_CCM") || name.contains("CHACHA20_POLY1305");
  }

  /**
   * Anonymous (aNULL) key exchange, DH_anon or ECDH_anon: no certificate, so no server
   * authentication at all, whatever else is checked (RFC 5246 appendix F.1.1.1, RFC 8422 section 2).
   */
  public static boolean isAnonymous(String name) {
    return name.contains("_anon_");
  }

  public static boolean isStrong(String name) {
    return isForwardSecret(name) && isAead(name);
  }
}
