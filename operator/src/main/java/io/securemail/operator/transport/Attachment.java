package io.securemail.operator.transport;

import io.fabric8.kubernetes.api.model.Condition;
import io.securemail.operator.api.InboundRoute;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.TransportRef;
import io.securemail.operator.kube.Conditions;
import io.securemail.operator.tenancy.DomainClaims;
import io.securemail.operator.tenancy.TenantDomains;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Which SecureMailDomains a transport serves, decided from every domain the operator sees. Pure:
 * the domains and the namespaces' labels are given.
 *
 * <ul>
 *   <li>A domain references the transport by {@code spec.transport} (name, and namespace defaulting
 *       to the domain's own). One being deleted is no longer routed.
 *   <li>Its namespace must be allowed by {@code spec.attach} ({@link AttachPolicy}); otherwise it is
 *       refused: listed, never routed.
 *   <li>Its mail domain must be its own to route: not refused to its namespace by the tenancy
 *       rules, and held by no older SecureMailDomain ({@link DomainClaims#OLDEST_FIRST}, the same
 *       rule the domain controller applies, so two resources naming one mail domain never both get
 *       a route and a tenant cannot divert another's mail). The domain's Ready reason saying so
 *       counts too. Nor may it be the fleet's own mail domain.
 *   <li>Routes are sorted by mail domain, so an unchanged set of domains gives an identical list
 *       (and no write).
 * </ul>
 *
 * @param routes one per routed domain, sorted by mail domain
 * @param attached the routed domains, as namespace/name, sorted
 * @param notReady routed domains whose Ready is not True, as namespace/name, sorted
 * @param refused domains whose namespace may not attach, as namespace/name, sorted
 * @param holding every domain whose namespace may attach and that is not being deleted, routed or
 *     not, as namespace/name, sorted: while any remains, the transport is not deleted
 */
public record Attachment(List<InboundRoute> routes, List<String> attached, List<String> notReady,
    List<String> refused, List<String> holding) {

  /** Ready reasons of a domain that does not hold its mail domain (tenancy/DomainClaims). */
  static final Set<String> NOT_HOLDING = Set.of(DomainClaims.CLAIMED, DomainClaims.NOT_ALLOWED);

  /**
   * @param all every SecureMailDomain the operator sees, in every namespace
   * @param labels a namespace's labels (asked only when the transport's namespaceSelector decides)
   */
  public static Attachment of(MailTransport transport, List<SecureMailDomain> all, TenantDomains tenants,
      Function<String, Map<String, String>> labels) {
    Map<String, SecureMailDomain> holders = holders(all, tenants);
    Map<String, Optional<String>> refusals = new HashMap<>();
    String fleetMail = mailDomain(transport.getSpec() == null ? null : transport.getSpec().getDomain());
    List<InboundRoute> routes = new ArrayList<>();
    List<String> attached = new ArrayList<>();
    List<String> notReady = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    List<String> holding = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    List<SecureMailDomain> referencing = all.stream().filter(d -> references(d, transport))
        .filter(d -> d.getMetadata().getDeletionTimestamp() == null)
        .filter(d -> seen.add(d.getMetadata().getUid() + "|" + DomainClaims.nameOf(d)))
        .sorted(DomainClaims.OLDEST_FIRST).toList();
    for (SecureMailDomain domain : referencing) {
      String namespace = domain.getMetadata().getNamespace();
      String name = DomainClaims.nameOf(domain);
      Optional<String> refusal = refusals.computeIfAbsent(namespace,
          ns -> AttachPolicy.refusal(transport, ns, needsLabels(transport, ns) ? labels.apply(ns) : Map.of()));
      if (refusal.isPresent()) {
        refused.add(name);
        continue;
      }
      holding.add(name);
      String mail = mailDomain(domain.getSpec().getDomain());
      SecureMailDomain holder = holders.get(mail);
      boolean holds = holder != null && Objects.equals(holder.getMetadata().getUid(), domain.getMetadata().getUid());
      if (!holds || mail.isEmpty() || mail.equals(fleetMail) || NOT_HOLDING.contains(readyReason(domain))) {
        continue;
      }
      routes.add(route(domain, mail, transport));
      attached.add(name);
      if (!isReady(domain)) {
        notReady.add(name);
      }
    }
    routes.sort(Comparator.comparing(InboundRoute::getDomain));
    return new Attachment(routes, sorted(attached), sorted(notReady), sorted(refused), sorted(holding));
  }

  /** Whether {@code domain}'s spec.transport names this transport. */
  public static boolean references(SecureMailDomain domain, MailTransport transport) {
    TransportRef ref = domain.getSpec() == null ? null : domain.getSpec().getTransport();
    return ref != null && transport.getMetadata().getName().equals(ref.getName())
        && transport.getMetadata().getNamespace().equals(ref.namespaceOr(domain.getMetadata().getNamespace()));
  }

  /** The mail domain as claims compare it: lower case, no trailing dot. */
  static String mailDomain(String domain) {
    String name = domain == null ? "" : domain.toLowerCase(Locale.ROOT);
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  /** Per mail domain, the resource that holds it: the oldest whose namespace may claim it. */
  private static Map<String, SecureMailDomain> holders(List<SecureMailDomain> all, TenantDomains tenants) {
    Map<String, SecureMailDomain> holders = new HashMap<>();
    for (SecureMailDomain domain : all) {
      String mail = mailDomain(domain.getSpec() == null ? null : domain.getSpec().getDomain());
      if (mail.isEmpty() || tenants.refusal(domain.getMetadata().getNamespace(), mail).isPresent()) {
        continue;
      }
      holders.merge(mail, domain, (a, b) -> DomainClaims.OLDEST_FIRST.compare(a, b) <= 0 ? a : b);
    }
    return holders;
  }

  /** The domain's next hop: its own spec.transport.deliverTo, else the fleet's default. */
  private static InboundRoute route(SecureMailDomain domain, String mail, MailTransport transport) {
    TransportRef ref = domain.getSpec().getTransport();
    if (ref.getDeliverTo() != null && !ref.getDeliverTo().isBlank()) {
      return new InboundRoute(mail, ref.getDeliverTo(),
          ref.getDeliverToTls() == null ? MtaSpec.HopTls.ENCRYPT : ref.getDeliverToTls());
    }
    MtaSpec.InboundSpec inbound = transport.getSpec().getMta().getInbound();
    return new InboundRoute(mail, inbound.getDeliverTo(),
        inbound.getDeliverToTls() == null ? MtaSpec.HopTls.ENCRYPT : inbound.getDeliverToTls());
  }

  /** Whether the namespace's labels can change the decision (the selector is consulted). */
  private static boolean needsLabels(MailTransport transport, String namespace) {
    var attach = transport.getSpec().getAttach();
    return attach != null && attach.getNamespaceSelector() != null
        && !transport.getMetadata().getNamespace().equals(namespace)
        && (attach.getNamespaces() == null || !attach.getNamespaces().contains(namespace));
  }

  private static String readyReason(SecureMailDomain domain) {
    return ready(domain).map(Condition::getReason).orElse("");
  }

  private static boolean isReady(SecureMailDomain domain) {
    return ready(domain).map(c -> Conditions.TRUE.equals(c.getStatus())).orElse(false);
  }

  private static Optional<Condition> ready(SecureMailDomain domain) {
    return domain.getStatus() == null ? Optional.empty()
        : Conditions.find(domain.getStatus().getConditions(), Conditions.READY);
  }

  private static List<String> sorted(List<String> names) {
    return names.stream().sorted().toList();
  }
}
