package io.securemail.operator.tenancy;

import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.Conditions;
import io.securemail.operator.kube.InformerStores;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Who may act for a mail domain when several {@code SecureMailDomain}s name it: the oldest
 * (creationTimestamp, then namespace/name) among those whose namespace may claim it
 * ({@link TenantDomains}). One published record set, one policy and one key rollover per domain:
 * two resources acting for the same domain would overwrite each other's records and keys. A
 * resource being deleted keeps its claim until it is gone, so what it withdraws is its own.
 */
public final class DomainClaims {

  /** The claims source's index: a resource under the domain it names, lower case, without a final dot. */
  static final String INDEX = "securemail-domain";

  /** Ready's reason on a resource that names a domain another resource holds. */
  public static final String CLAIMED = "DomainClaimed";
  /** Ready's reason on a resource whose namespace may not claim its domain. */
  public static final String NOT_ALLOWED = "DomainNotAllowed";

  /** Oldest first; equal timestamps (second resolution) by namespace, then name. */
  public static final Comparator<SecureMailDomain> OLDEST_FIRST = Comparator
      .comparing(DomainClaims::created)
      .thenComparing((SecureMailDomain d) -> d.getMetadata().getNamespace())
      .thenComparing(d -> d.getMetadata().getName());

  private DomainClaims() {}

  /**
   * The resource other than {@code domain} that holds its domain, if one does.
   *
   * @param all every SecureMailDomain the operator sees (may include {@code domain})
   */
  public static Optional<SecureMailDomain> heldByOther(SecureMailDomain domain, Stream<SecureMailDomain> all,
      TenantDomains allowed) {
    String name = domainOf(domain);
    String uid = domain.getMetadata().getUid();
    return Stream.concat(Stream.of(domain), all.filter(d -> !Objects.equals(uid, d.getMetadata().getUid())))
        .filter(d -> name.equals(domainOf(d)))
        .filter(d -> allowed.refusal(d.getMetadata().getNamespace(), domainOf(d)).isEmpty())
        .min(OLDEST_FIRST)
        .filter(holder -> !Objects.equals(uid, holder.getMetadata().getUid()));
  }

  /** "namespace/name", as messages name a resource. */
  public static String nameOf(SecureMailDomain domain) {
    return domain.getMetadata().getNamespace() + "/" + domain.getMetadata().getName();
  }

  /**
   * Watches every SecureMailDomain the controller watches, so that a resource waiting for a
   * domain is reconciled as soon as the holder is deleted or moves to another domain, not at the
   * next resync. Only deletions and changes of spec.domain count: status writes, the bulk of the
   * updates, trigger nothing.
   *
   * <p>No domain reads another through this source, so it keeps no index of which domains each
   * domain relates to: without a primary-to-secondary mapper the SDK keeps one by calling the
   * secondary-to-primary mapper on every add and update before any filter, and {@link #waiting}
   * looks at every domain, so each status write of one domain cost a pass over all of them.
   */
  public static InformerEventSource<SecureMailDomain, SecureMailDomain> eventSource(
      EventSourceContext<SecureMailDomain> context) {
    var config = configuration(() -> context.getPrimaryCache().list());
    if (InformerStores.oneInformer(context)) {
      config.withItemStore(new ClaimStore());
    }
    var source = new InformerEventSource<>(config.build(), context);
    source.addIndexers(Map.of(INDEX, domain -> List.of(domainOf(domain))));
    return source;
  }

  /**
   * The resources of {@code claims} (the source {@link #eventSource} made) that name the same domain
   * as {@code domain}, found by index: who holds a domain is asked on every reconcile, and a pass
   * over every domain each time would make the work grow with the square of their number.
   */
  public static Stream<SecureMailDomain> naming(InformerEventSource<SecureMailDomain, SecureMailDomain> claims,
      SecureMailDomain domain) {
    return claims.byIndex(INDEX, domainOf(domain)).stream();
  }

  /** The source's configuration, given every domain the controller sees. */
  static InformerEventSourceConfiguration.Builder<SecureMailDomain> configuration(
      Supplier<Stream<SecureMailDomain>> all) {
    return InformerEventSourceConfiguration.from(SecureMailDomain.class, SecureMailDomain.class)
        .withName("domain-claims")
        .withNamespacesInheritedFromController()
        .withOnAddFilter(added -> false)
        .withOnUpdateFilter((now, before) -> !domainOf(now).equals(domainOf(before)))
        .withSecondaryToPrimaryMapper(changed -> waiting(changed, all.get()))
        .withPrimaryToSecondaryMapper(domain -> Set.of());
  }

  /** The resources to look again when {@code changed} was deleted or renamed its domain. */
  static Set<ResourceID> waiting(SecureMailDomain changed, Stream<SecureMailDomain> all) {
    String name = domainOf(changed);
    String uid = changed.getMetadata().getUid();
    return all.filter(d -> !Objects.equals(uid, d.getMetadata().getUid()))
        .filter(d -> name.equals(domainOf(d)) || waitsForClaim(d))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /** Whether Ready says the resource waits for its domain (it may wait for the old domain of a rename). */
  private static boolean waitsForClaim(SecureMailDomain domain) {
    return domain.getStatus() != null && Conditions.find(domain.getStatus().getConditions(), Conditions.READY)
        .map(Condition::getReason).filter(CLAIMED::equals).isPresent();
  }

  static String domainOf(SecureMailDomain domain) {
    String name = domain.getSpec() == null || domain.getSpec().getDomain() == null ? ""
        : domain.getSpec().getDomain().toLowerCase(Locale.ROOT);
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  private static Instant created(SecureMailDomain domain) {
    String stamp = domain.getMetadata().getCreationTimestamp();
    // Not yet stored (only in tests): younger than anything the API server has.
    return stamp == null ? Instant.MAX : Instant.parse(stamp);
  }
}
