package io.securemail.operator.mta;

import io.securemail.operator.api.InboundRoute;
import io.securemail.operator.api.MtaSpec.HopTls;
import io.securemail.operator.api.SecureMailDomainSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The MTA's routing tables for {@code spec.mta.inbound.routes}: the further domains it receives
 * mail for (a fleet's attached domains), each relayed to its own next hop with its own TLS level.
 *
 * <p>Two lookup tables, not main.cf parameters, so that a thousand routes are a thousand table
 * lines: {@link #DOMAINS} (main.cf {@code relay_domains}, after the domain itself) and
 * {@link #TRANSPORT} (main.cf {@code transport_maps}). Both are {@code texthash}: "similar results
 * as hash: files, except that you don't need to run the postmap(1) command before you can use the
 * file, and that it does not detect changes after the file is read" (Postfix
 * DATABASE_README and postconf(1), lookup table types). Every Postfix daemon reads them when it starts, so the
 * reload the MTA container does after each ConfigMap swap applies a change; the mounted ConfigMap
 * is read-only, where postmap could not write a .db file anyway.
 *
 * <p>main.cf and master.cf do not depend on the routes: they always name both tables (empty when
 * there are no routes) and always define the four route services ({@link #service}). So a route
 * added or removed changes only these two files, which {@link MtaManifests#configHash} leaves out
 * of the Pod template's hash: the Pods are reloaded, never rolled, and their queues stay as they are.
 *
 * <p>Recipient verification needs nothing per route: {@code reject_unverified_recipient} probes
 * each recipient along its delivery route (Postfix ADDRESS_VERIFICATION_README), which for a
 * routed domain is its transport_maps entry, so each domain's next hop is asked about its own
 * addresses, with the route's TLS level.
 */
public final class InboundRoutes {

  /** texthash table: the routed domains, for relay_domains (the value is not used). */
  public static final String DOMAINS = "inbound_domains";
  /** texthash table: routed domain, its route service and next hop. */
  public static final String TRANSPORT = "inbound_transport";
  /** The ConfigMap keys a route change touches, and nothing else: left out of the config hash. */
  public static final Set<String> RELOAD_ONLY = Set.of(DOMAINS, TRANSPORT);

  private InboundRoutes() {}

  /**
   * The routes as Postfix will use them: lower case, sorted by domain, one per domain (for a
   * domain listed twice, the first next hop in sorted order), without the MTA's own domain (its
   * mail goes to spec.mta.inbound.deliverTo, relay_transport).
   */
  static List<InboundRoute> effective(SecureMailDomainSpec spec) {
    String own = spec.getDomain().toLowerCase(Locale.ROOT);
    List<InboundRoute> routes = spec.getMta().getInbound().getRoutes();
    List<InboundRoute> sorted = new ArrayList<>();
    if (routes != null) {
      for (InboundRoute route : routes) {
        if (route == null || route.getDomain() == null || route.getDeliverTo() == null) {
          continue;
        }
        sorted.add(new InboundRoute(route.getDomain().toLowerCase(Locale.ROOT), route.getDeliverTo(),
            route.getDeliverToTls() == HopTls.MAY ? HopTls.MAY : HopTls.ENCRYPT));
      }
    }
    sorted.sort(Comparator.comparing(InboundRoute::getDomain).thenComparing(InboundRoute::getDeliverTo)
        .thenComparing(r -> r.getDeliverToTls().name()));
    Map<String, InboundRoute> byDomain = new LinkedHashMap<>();
    for (InboundRoute route : sorted) {
      if (!route.getDomain().equals(own)) {
        byDomain.putIfAbsent(route.getDomain(), route);
      }
    }
    return List.copyOf(byDomain.values());
  }

  /** The two tables by file name, always both (with no routes they hold only their comment). */
  static Map<String, String> render(SecureMailDomainSpec spec) {
    List<InboundRoute> routes = effective(spec);
    StringBuilder domains = new StringBuilder("""
        # Rendered by securemail-operator: the domains of spec.mta.inbound.routes, relayed by port 25
        # like the MTA's own domain (exact names: no subdomains). Read by relay_domains.
        """);
    StringBuilder transport = new StringBuilder("""
        # Rendered by securemail-operator: each routed domain's next hop, through the route service of
        # its TLS level (master.cf). Read by transport_maps.
        """);
    for (InboundRoute route : routes) {
      domains.append(route.getDomain()).append(" routed\n");
      transport.append(route.getDomain()).append(' ').append(nextHop(route)).append('\n');
    }
    Map<String, String> tables = new TreeMap<>();
    tables.put(DOMAINS, domains.toString());
    tables.put(TRANSPORT, transport.toString());
    return tables;
  }

  /** A route's transport_maps value: its route service, then its next hop (host and port). */
  static String nextHop(InboundRoute route) {
    String deliverTo = route.getDeliverTo();
    int colon = deliverTo.indexOf(':');
    boolean lmtp = deliverTo.substring(0, colon).equals("lmtp");
    return service(lmtp, route.getDeliverToTls()) + deliverTo.substring(colon);
  }

  /**
   * The master.cf service of a route: Postfix's smtp or lmtp client with a fixed TLS level and no
   * internet TLS policy, so that the transport_maps entry alone says both where and how.
   */
  static String service(boolean lmtp, HopTls tls) {
    return "route-" + (lmtp ? "lmtp-" : "smtp-") + (tls == HopTls.MAY ? "may" : "encrypt");
  }

  /** main.cf lines naming the tables (relay_domains and transport_maps are set by the caller). */
  static String relayDomains(SecureMailDomainSpec spec, PostfixLayout layout) {
    return spec.getDomain().toLowerCase(Locale.ROOT) + ", texthash:" + layout.configFile(DOMAINS);
  }

  /** The transport_maps entry of the routes. */
  static String transportMap(PostfixLayout layout) {
    return "texthash:" + layout.configFile(TRANSPORT);
  }

  /** The master.cf entries of the four route services, whatever the routes: master.cf stays as it is. */
  static String masterCf() {
    StringBuilder out = new StringBuilder("""
        # To the next hops of spec.mta.inbound.routes (inbound_transport names one per domain): TLS
        # as the route's deliverToTls says, no internet TLS policy, no outbound header stripping.
        """);
    for (HopTls tls : List.of(HopTls.ENCRYPT, HopTls.MAY)) {
      String level = tls == HopTls.MAY ? "may" : "encrypt";
      out.append(String.format("""
          %1$s unix  -       -       n       -       -       smtp
            -o syslog_name=postfix/%1$s
            -o smtp_tls_security_level=%2$s
            -o smtp_tls_policy_maps=
            -o smtp_header_checks=
          %3$s unix  -       -       n       -       -       lmtp
            -o syslog_name=postfix/%3$s
            -o lmtp_tls_security_level=%2$s
          """, service(false, tls), level, service(true, tls)));
    }
    return out.toString();
  }
}
