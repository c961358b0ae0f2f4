package io.securemail.operator.tenancy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which domains each namespace may claim: the cluster-wide allow-list the operator is given
 * ({@value #PROPERTY}, set by the Helm chart's {@code operator.tenancy.allowedDomains}). Each entry
 * is {@code NAMESPACE=SUFFIX}: a domain is allowed when it is the suffix or ends in "." plus the
 * suffix (whole labels only, so {@code example.com} does not allow {@code badexample.com}); the
 * suffix {@code *} allows every domain, the namespace {@code *} means every namespace. With no
 * entries every namespace may claim every domain, as before the list existed.
 */
public final class TenantDomains {

  /** The operator setting holding the entries. */
  public static final String PROPERTY = "securemail.tenancy.allowed-domains";

  private static final String ANY = "*";

  private final Map<String, List<String>> suffixes;

  private TenantDomains(Map<String, List<String>> suffixes) {
    this.suffixes = suffixes;
  }

  /** Every namespace may claim every domain. */
  public static TenantDomains unrestricted() {
    return new TenantDomains(Map.of());
  }

  /**
   * @param entries {@code NAMESPACE=SUFFIX} each
   * @throws IllegalArgumentException naming an entry that is not of that form
   */
  public static TenantDomains parse(List<String> entries) {
    Map<String, List<String>> suffixes = new LinkedHashMap<>();
    for (String entry : entries) {
      String text = entry.strip();
      if (text.isEmpty()) {
        continue;
      }
      int eq = text.indexOf('=');
      if (eq <= 0 || eq == text.length() - 1) {
        throw new IllegalArgumentException(PROPERTY + ": '" + entry + "' is not NAMESPACE=DOMAIN-SUFFIX");
      }
      suffixes.computeIfAbsent(text.substring(0, eq).strip(), k -> new ArrayList<>())
          .add(normalize(text.substring(eq + 1)));
    }
    return new TenantDomains(suffixes);
  }

  /** Whether any entry is configured (with none, everything is allowed). */
  public boolean restricts() {
    return !suffixes.isEmpty();
  }

  /** Why {@code namespace} may not claim {@code domain}; empty when it may. */
  public Optional<String> refusal(String namespace, String domain) {
    if (!restricts()) {
      return Optional.empty();
    }
    List<String> allowed = new ArrayList<>(suffixes.getOrDefault(namespace, List.of()));
    allowed.addAll(suffixes.getOrDefault(ANY, List.of()));
    String name = normalize(domain);
    if (allowed.stream().anyMatch(s -> s.equals(ANY) || name.equals(s) || name.endsWith("." + s))) {
      return Optional.empty();
    }
    return Optional.of("namespace " + namespace + " may not claim " + name + ": the operator's allow-list ("
        + PROPERTY + ") gives it " + (allowed.isEmpty() ? "no domain" : "only " + String.join(", ", allowed)
        + " and their subdomains") + "; a cluster administrator can extend it");
  }

  private static String normalize(String name) {
    String text = name.strip().toLowerCase(Locale.ROOT);
    return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
  }
}
