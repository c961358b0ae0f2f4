package io.securemail.operator.mta;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The regexp table (header_checks(5), POSIX regular expressions) the outbound {@code smtp} client
 * applies to mail leaving for the internet when spec.mta.outbound.stripInternalHeaders is on.
 *
 * <p>This MTA's own Received headers stay, one for every pass of the message through it: hop
 * counting is how mail systems find forwarding loops (RFC 5321 sections 4.4 and 6.3; Postfix's
 * hopcount_limit), and a loop with an outside system is only seen when each pass leaves a trace.
 * Only their client clause goes (the name, address and TLS details of the host that handed the
 * message over), as Postfix itself writes a Received header without one for locally submitted
 * mail. Received headers of other hosts go when they record an internal address (loopback,
 * RFC 1918 private, RFC 6598 shared, link-local, RFC 4193 unique-local, or an IPv4 network of
 * allowedNetworks) or no sending host at all (mail handed in on a host itself, such as an
 * application's {@code sendmail}); external hops of forwarded mail stay. The first matching line
 * decides (regexp_table(5)); patterns are case-insensitive.
 */
final class OutboundHeaderChecks {

  /** The first octets of the IPv4 ranges no internet host has, as a POSIX ERE alternation. */
  private static final String INTERNAL_IPV4 = "127\\.|10\\.|192\\.168\\.|172\\.(1[6-9]|2[0-9]|3[01])\\."
      + "|169\\.254\\.|100\\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\\.";
  /** IPv6 loopback, unique-local (fc00::/7) and link-local (fe80::/10), as Postfix writes them ([IPv6:...]). */
  private static final String INTERNAL_IPV6 = "IPv6:(::1\\]|f[cd][0-9a-f]{0,2}:|fe[89ab][0-9a-f]:)";

  private OutboundHeaderChecks() {}

  /**
   * @param hostname the MTA's myhostname, which its own Received headers name after "by"
   * @param allowedNetworks spec.mta.outbound.allowedNetworks (IPv6 networks are not matched: Postfix
   *     writes IPv6 addresses compressed, which a regular expression over a prefix cannot follow)
   */
  static String render(String hostname, List<String> allowedNetworks) {
    String by = "by " + quote(hostname.toLowerCase(Locale.ROOT)) + " \\(Postfix\\)";
    StringBuilder out = new StringBuilder("""
        # Rendered by securemail-operator: outbound mail leaves without the internal hops.
        # This MTA's own Received header, one per pass, stays for hop counting (RFC 5321 sections
        # 4.4 and 6.3); only its client clause (the sending host's name, address, TLS details) goes.
        """);
    out.append("/^Received: (from .*[[:space:]])?").append(by).append("(.*)$/ REPLACE Received: by ")
        .append(hostname.toLowerCase(Locale.ROOT)).append(" (Postfix)$2\n");
    out.append("""
        # Other hosts' Received headers that record an internal address, or no sending host at all.
        """);
    out.append("/^Received: .*(\\[|\\()(").append(INTERNAL_IPV4).append(")[0-9.]*(\\]|\\))/ IGNORE\n");
    out.append("/^Received: .*\\[").append(INTERNAL_IPV6).append("/ IGNORE\n");
    for (String network : allowedNetworks == null ? List.<String>of() : allowedNetworks) {
      String pattern = ipv4Network(network);
      if (pattern != null) {
        out.append("/^Received: .*(\\[|\\()").append(pattern).append("(\\]|\\))/ IGNORE\n");
      }
    }
    out.append("""
        /^Received: by / IGNORE
        # What mail clients add about the sender's address and software.
        /^X-Originating-IP:/ IGNORE
        /^X-Mailer:/ IGNORE
        """);
    return out.toString();
  }

  /**
   * A POSIX ERE matching exactly the dotted-quad addresses of an IPv4 network in CIDR form, or null
   * for an IPv6 or malformed network (the SpecValidator has refused those that are malformed).
   */
  static String ipv4Network(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0 || cidr.contains(":")) {
      return null;
    }
    String[] octets = cidr.substring(0, slash).split("\\.");
    int prefix;
    try {
      prefix = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      return null;
    }
    if (octets.length != 4 || prefix < 1 || prefix > 32) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < 4 && prefix > i * 8; i++) {
      int octet = Integer.parseInt(octets[i]);
      int bits = Math.min(8, prefix - i * 8);
      int size = 1 << (8 - bits);
      int first = octet & ~(size - 1) & 0xff;
      parts.add(size == 1 ? String.valueOf(first)
          : "(" + String.join("|", IntStream.range(first, first + size).mapToObj(String::valueOf).toList()) + ")");
    }
    String pattern = String.join("\\.", parts);
    return parts.size() == 4 ? pattern : pattern + "\\.[0-9.]*";
  }

  private static String quote(String name) {
    return name.replace(".", "\\.");
  }
}
