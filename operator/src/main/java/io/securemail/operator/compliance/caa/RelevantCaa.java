package io.securemail.operator.compliance.caa;

import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Relevant RRset of RFC 8659 section 3 for one name, as a CA finds it: the CAA RRset at the
 * name, or, while that is empty, at its parent, and so on up to (not including) the root. An alias
 * is followed by the resolver as for any query, so a CNAME's target's records count for the name;
 * the climb goes on from the name's own parent, not the target's.
 *
 * @param name the name a certificate is requested for
 * @param foundAt where the records were found; null when no name up to the TLD has any
 * @param properties the records found (empty: any CA may issue)
 * @param failure the lookup that failed on the way, which stops the climb; null when all answered
 */
public record RelevantCaa(String name, String foundAt, List<CaaProperty> properties, DnsAnswer failure) {

  public RelevantCaa {
    properties = List.copyOf(properties);
  }

  /**
   * Climbs from {@code name}; {@code answers} keeps the lookups of one check, so names sharing
   * ancestors ask for each ancestor once.
   */
  public static RelevantCaa find(DnsProbe dns, String name, Map<String, DnsAnswer> answers) {
    String fqdn = normalize(name);
    for (String at : ancestry(fqdn)) {
      DnsAnswer answer = answers.computeIfAbsent(at, n -> dns.lookup(n, "CAA"));
      if (!answer.answered()) {
        return new RelevantCaa(fqdn, null, List.of(), answer);
      }
      if (answer.outcome() == DnsAnswer.Outcome.ANSWER) {
        List<CaaProperty> properties = answer.data().stream().map(CaaProperty::parse).flatMap(Optional::stream)
            .toList();
        if (!properties.isEmpty()) {
          return new RelevantCaa(fqdn, at, properties, null);
        }
      }
    }
    return new RelevantCaa(fqdn, null, List.of(), null);
  }

  /** The name and its ancestors, the name first, the top-level domain last. */
  static List<String> ancestry(String fqdn) {
    List<String> names = new ArrayList<>();
    String at = fqdn;
    while (!at.isEmpty()) {
      names.add(at);
      int dot = at.indexOf('.');
      at = dot < 0 ? "" : at.substring(dot + 1);
    }
    return names;
  }

  private static String normalize(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
