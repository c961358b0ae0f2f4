package io.securemail.operator.mta;

import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.TlsRptReceiveSpec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How the MTA hands TLS report mail to the operator's receiver (spec.tlsRpt.receive.mail): the
 * mailto: destinations of the domain's rua (RFC 8460 section 3) are routed by transport_maps to the
 * {@link #TRANSPORT} service, an LMTP client pointed at the receiver, instead of the mail store.
 * With keepInMailbox the address is delivered to the mail store as before, and recipient_bcc_maps
 * adds {@link #copyAddress a copy recipient} that transport_maps routes to the receiver.
 *
 * <p>Both tables are texthash (read when a Postfix process starts; no postmap), so a change takes
 * effect with the reload the Pod does for every configuration change.
 */
public final class TlsRptMailRoutes {

  /** master.cf service: Postfix's lmtp client, without the mail store's TLS settings. */
  public static final String TRANSPORT = "tlsrpt";
  /** texthash table: report address (and copy address), transport:nexthop. */
  public static final String TRANSPORT_TABLE = "tlsrpt_transport";
  /** texthash table: report address, its copy address (keepInMailbox only). */
  public static final String BCC_TABLE = "tlsrpt_bcc";
  /** Local part of the address that receives the receiver's copy when the mailbox keeps the original. */
  public static final String COPY_LOCAL_PART = "securemail-tlsrpt-copy";

  private TlsRptMailRoutes() {}

  /** Whether the spec asks for report mail to be received (and has an MTA to do it). */
  public static boolean enabled(SecureMailDomainSpec spec) {
    return spec.getMta() != null && receive(spec).map(r -> Boolean.TRUE.equals(r.getMail())).orElse(false);
  }

  static boolean keepInMailbox(SecureMailDomainSpec spec) {
    return receive(spec).map(r -> Boolean.TRUE.equals(r.getKeepInMailbox())).orElse(false);
  }

  private static Optional<TlsRptReceiveSpec> receive(SecureMailDomainSpec spec) {
    return Optional.ofNullable(spec.getTlsRpt()).map(t -> t.getReceive());
  }

  /**
   * The address of a {@code mailto:} URI (RFC 6068: percent-encoded, optionally with a query), in
   * lower case; empty for another scheme or a URI with several addresses.
   */
  public static Optional<String> mailtoAddress(String uri) {
    if (uri == null || !uri.regionMatches(true, 0, "mailto:", 0, 7)) {
      return Optional.empty();
    }
    String to = uri.substring(7);
    int query = to.indexOf('?');
    if (query >= 0) {
      to = to.substring(0, query);
    }
    String address;
    try {
      address = URLDecoder.decode(to.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (address.contains(",") || address.indexOf('@') <= 0 || address.indexOf('@') != address.lastIndexOf('@')) {
      return Optional.empty();
    }
    return Optional.of(address.toLowerCase(Locale.ROOT));
  }

  /** The domain part of an address. */
  public static String domainOf(String address) {
    return address.substring(address.lastIndexOf('@') + 1);
  }

  /** The mailto: addresses of rua that are addresses of spec.domain, in rua order, each once. */
  public static List<String> ownAddresses(SecureMailDomainSpec spec) {
    List<String> own = new ArrayList<>();
    if (spec.getTlsRpt() == null || spec.getTlsRpt().getRua() == null) {
      return own;
    }
    String domain = spec.getDomain().toLowerCase(Locale.ROOT);
    for (String uri : spec.getTlsRpt().getRua()) {
      mailtoAddress(uri).filter(a -> domainOf(a).equals(domain)).filter(a -> !own.contains(a)).ifPresent(own::add);
    }
    return own;
  }

  /** The address the receiver's copy goes to with keepInMailbox: in the domain, so the receiver knows whose it is. */
  public static String copyAddress(SecureMailDomainSpec spec) {
    return COPY_LOCAL_PART + "@" + spec.getDomain().toLowerCase(Locale.ROOT);
  }

  /**
   * The tables by file name; none unless receiving is on and the operator's receiver is known (the
   * chart enables it), so mail for the report addresses then goes to the mail store as before.
   */
  static Map<String, String> render(SecureMailDomainSpec spec, ReportReceiver receiver) {
    List<String> own = ownAddresses(spec);
    if (!enabled(spec) || receiver == null || own.isEmpty()) {
      return Map.of();
    }
    String route = TRANSPORT + ":" + receiver.nextHop();
    Map<String, String> tables = new TreeMap<>();
    StringBuilder transport = new StringBuilder("""
        # Rendered by securemail-operator: TLS report mail (RFC 8460 section 3, the mailto: addresses of
        # spec.tlsRpt.rua) goes to the operator's report receiver over LMTP.
        """);
    if (keepInMailbox(spec)) {
      transport.append(copyAddress(spec)).append(' ').append(route).append('\n');
      StringBuilder bcc = new StringBuilder("""
          # Rendered by securemail-operator: the report addresses stay delivered to the mail store
          # (spec.tlsRpt.receive.keepInMailbox); each message gets a copy for the report receiver.
          """);
      for (String address : own) {
        bcc.append(address).append(' ').append(copyAddress(spec)).append('\n');
      }
      tables.put(BCC_TABLE, bcc.toString());
    } else {
      for (String address : own) {
        transport.append(address).append(' ').append(route).append('\n');
      }
    }
    tables.put(TRANSPORT_TABLE, transport.toString());
    return tables;
  }

  /** main.cf lines naming the tables; empty when {@link #render} renders none. */
  static String mainCf(Map<String, String> tables, PostfixLayout layout) {
    if (tables.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("""

        # TLS reports (RFC 8460) mailed to the domain's rua addresses go to the operator's report
        # receiver (the tlsrpt service in master.cf) instead of the mail store: %s is the first
        # table of transport_maps.
        """.formatted(TRANSPORT_TABLE));
    if (tables.containsKey(BCC_TABLE)) {
      out.append("recipient_bcc_maps = texthash:%s\n".formatted(layout.configFile(BCC_TABLE)));
    }
    return out.toString();
  }

  /** The transport_maps entry of {@link #TRANSPORT_TABLE}, for main.cf (PostfixConfig lists it first). */
  static String transportMap(PostfixLayout layout) {
    return "texthash:" + layout.configFile(TRANSPORT_TABLE);
  }

  /** The master.cf entry of {@link #TRANSPORT}; empty when {@link #render} renders none. */
  static String masterCf(Map<String, String> tables) {
    if (tables.isEmpty()) {
      return "";
    }
    // The receiver is the operator's Service in the cluster and speaks no STARTTLS: the mail store's
    // TLS level (the lmtp service) must not apply. At most 4 connections per MTA: the receiver's
    // connection limit is shared by every MTA of the cluster.
    return """
        # TLS reports to the operator's report receiver (LMTP, RFC 2033), inside the cluster.
        %s    unix  -       -       n       -       4       lmtp
          -o syslog_name=postfix/tlsrpt
          -o lmtp_tls_security_level=none
        """.formatted(TRANSPORT);
  }
}
