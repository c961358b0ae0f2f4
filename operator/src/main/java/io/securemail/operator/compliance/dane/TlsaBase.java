package io.securemail.operator.compliance.dane;

import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.DnssecState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where an MX host's TLSA records are, as a sending MTA finds them (RFC 7672 section 2.2.2, RFC 7671
 * section 7): when the host name is an alias and every CNAME on the way validates, the TLSA base
 * domain is the fully CNAME-expanded name; when no TLSA records are there, or the expansion is not
 * secure, it is the MX host name itself.
 *
 * @param name the TLSA base domain: the records are at {@code _25._tcp.<name>}
 * @param aliases the CNAME chain from the MX host name to the expanded name, empty without aliases
 * @param expansionSecure whether every CNAME of the chain validated (true without aliases)
 * @param tlsa the TLSA answer at the base domain
 */
public record TlsaBase(String name, List<String> aliases, boolean expansionSecure, DnsAnswer tlsa) {

  /** A CNAME chain longer than this is treated as a loop (RFC 1034 section 3.6.2 allows chains, not loops). */
  static final int MAX_ALIASES = 8;

  public TlsaBase {
    aliases = List.copyOf(aliases);
  }

  /** Expands {@code host} through its CNAMEs and looks the TLSA records up where RFC 7672 says. */
  public static TlsaBase find(DnsProbe dns, String host) {
    List<String> aliases = new ArrayList<>();
    boolean secure = true;
    String name = host;
    for (int i = 0; i < MAX_ALIASES; i++) {
      DnsAnswer cname = dns.lookup(name, "CNAME");
      if (cname.outcome() != DnsAnswer.Outcome.ANSWER) {
        break;
      }
      secure &= cname.dnssec() == DnssecState.secure;
      name = normalize(cname.data().get(0));
      aliases.add(name);
    }
    if (!aliases.isEmpty() && secure) {
      DnsAnswer expanded = dns.lookup(tlsaName(name), "TLSA");
      if (expanded.outcome() != DnsAnswer.Outcome.NODATA && expanded.outcome() != DnsAnswer.Outcome.NXDOMAIN) {
        return new TlsaBase(name, aliases, true, expanded);
      }
    }
    return new TlsaBase(host, aliases, secure, dns.lookup(tlsaName(host), "TLSA"));
  }

  public static String tlsaName(String base) {
    return "_25._tcp." + base;
  }

  private static String normalize(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
