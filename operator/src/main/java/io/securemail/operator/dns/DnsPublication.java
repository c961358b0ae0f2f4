package io.securemail.operator.dns;

import io.securemail.operator.kube.Backoff;
import io.securemail.operator.kube.Conditions;
import io.securemail.operator.kube.RecentReads;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.securemail.operator.api.DnsRecordStatus;
import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.api.DnsTargetStatus;
import io.securemail.operator.api.Rfc2136Spec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.observe.OperatorProbes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The DNS step of a reconcile: publish through the configured provider, then observe through the
 * operator's DNS probe (with the compliance checks' DNSSEC verdicts), and say what happened. Only
 * thin wiring: the decisions live in {@link Rfc2136Publisher}, {@link RecordLookup} and
 * {@link DesiredRecords}.
 */
@ApplicationScoped
public class DnsPublication {

  /** Annotation that lets a deletion leave the published records in place, deliberately. */
  public static final String ABANDON_ANNOTATION = "securemail.io/abandon-dns-records";

  private final Rfc2136Publisher publisher;
  private final OperatorProbes probes;
  private final OwnerId ownerId;
  private final String resolverText;
  private final MeterRegistry meters;
  private final Clock clock;

  @Inject
  public DnsPublication(OperatorProbes probes,
      @ConfigProperty(name = "securemail.dns.timeout", defaultValue = "5s") Duration timeout,
      OwnerId ownerId,
      MeterRegistry meters) {
    this(probes, timeout, ownerId, meters, Clock.systemUTC());
  }

  DnsPublication(OperatorProbes probes, Duration timeout, OwnerId ownerId, MeterRegistry meters, Clock clock) {
    this.publisher = new Rfc2136Publisher(timeout, probes.targets());
    this.probes = probes;
    this.ownerId = ownerId;
    this.resolverText = probes.resolverText();
    this.meters = meters;
    this.clock = clock;
  }

  /**
   * Plans the Kubernetes side of publication for the workflow: the DNSEndpoint while the provider
   * is externalDNS (the zone snippet of the manual provider plans itself, {@link ZoneSnippetConfigMap}).
   */
  public static void plan(SecureMailDomain domain, Context<SecureMailDomain> context, List<DnsRecord> desired) {
    if (domain.getSpec().getDns().getProvider() == DnsSpec.Provider.EXTERNAL_DNS) {
      ExternalDnsEndpoint.plan(domain, context, desired);
    }
  }

  /** Writes the ownership ledger to status at once, before the reconcile goes on. */
  @FunctionalInterface
  public interface LedgerKeeper {
    void keep(List<DnsRecordStatus> ledger, DnsTargetStatus publishedTo);
  }

  /**
   * Publishes {@code desired} (from {@link DesiredRecords}) through RFC 2136, or finds it handed to
   * external-dns by the workflow, and observes it. Whenever the DNS server changed, {@code keeper}
   * records the new ledger before anything slower runs (the observation through the resolver, the
   * MTA, the status write at the end).
   */
  public DnsOutcome reconcile(SecureMailDomain domain, KubernetesClient client, List<DnsRecord> desired,
      WorkflowReconcileResult workflow, LedgerKeeper keeper) {
    var spec = domain.getSpec();
    var status = domain.getStatus();
    List<DnsRecord> ledger = fromStatus(status == null ? List.of() : status.getPublishedRecords());
    DnsTargetStatus to = ledger.isEmpty() || status == null ? null : status.getPublishedTo();
    List<DnsRecord> conflicts = List.of();
    String published = "";
    DnsSpec.Provider provider = spec.getDns().getProvider();
    if (provider == DnsSpec.Provider.RFC2136) {
      DnsTargetStatus wanted = new DnsTargetStatus(spec.getDns().getRfc2136().getServer(),
          spec.getDns().getRfc2136().getZone());
      if (to != null && !to.equals(wanted)) {
        // The server or zone changed: what was published at the old target is withdrawn first, or
        // it would stay there with nobody tracking it.
        try {
          if (!abandons(domain)) {
            withdrawLedger(domain, client, ledger, to);
          }
          ledger = List.of();
          to = null;
          keeper.keep(List.of(), null);
        } catch (DnsFailure e) {
          meters.counter("securemail.dns.failures", "reason", e.reason().name()).increment();
          return new DnsOutcome(states(desired, DnsRecordStatus.State.Pending), toStatus(ledger, null), to, "False",
              e.reason().name(), "Withdrawing the " + ledger.size() + " records published to " + to
                  + " before publishing to " + wanted + ": " + e.getMessage() + ". Restore the previous server and "
                  + "zone to retry, or set annotation " + ABANDON_ANNOTATION + "=true to leave them there",
              Backoff.FIRST_FAILURE_RETRY);
        }
      }
      try {
        var outcome = publisher.publish(target(domain, client, wanted), desired, ledger, ownership(domain, client));
        meters.counter("securemail.dns.updates", "result", "sent").increment(outcome.updatesSent());
        ledger = outcome.ledger();
        conflicts = outcome.conflicts();
        to = wanted;
        if (outcome.updatesSent() > 0) {
          keeper.keep(toStatus(ledger, null), to);
        }
        published = "Published through RFC 2136 to " + wanted.getServer() + ". ";
      } catch (DnsFailure e) {
        meters.counter("securemail.dns.failures", "reason", e.reason().name()).increment();
        return new DnsOutcome(states(desired, DnsRecordStatus.State.Failed), toStatus(ledger, null), to, "False",
            e.reason().name(), e.getMessage(), Backoff.FIRST_FAILURE_RETRY);
      }
    } else if (provider == DnsSpec.Provider.EXTERNAL_DNS) {
      if (workflow.getReconciledDependents().stream().noneMatch(d -> d instanceof ExternalDnsEndpoint)) {
        return new DnsOutcome(states(desired, DnsRecordStatus.State.Pending), toStatus(ledger, null), to, "False",
            "ExternalDnsNotInstalled", "external-dns' CRD " + DnsEndpoint.CRD + " is not installed: install "
                + "external-dns with its CRD source, or choose spec.dns.provider rfc2136 or manual",
            Backoff.FIRST_FAILURE_RETRY);
      }
      published = "DNSEndpoint " + ExternalDnsEndpoint.nameFor(domain) + " holds the records for external-dns. ";
    }
    if (provider != DnsSpec.Provider.RFC2136 && !ledger.isEmpty() && abandons(domain)) {
      ledger = List.of(); // deliberately left in DNS, as on deletion
    } else if (provider != DnsSpec.Provider.RFC2136 && !ledger.isEmpty()) {
      // Switched away from rfc2136: what this domain published there is withdrawn, not orphaned.
      try {
        withdrawLedger(domain, client, ledger, to);
        ledger = List.of();
        to = null;
        keeper.keep(List.of(), null);
      } catch (DnsFailure e) {
        return new DnsOutcome(states(desired, DnsRecordStatus.State.Pending), toStatus(ledger, null), to, "False",
            e.reason().name(), "Withdrawing the records published through RFC 2136 before the provider changed: "
                + e.getMessage(), Backoff.FIRST_FAILURE_RETRY);
      }
    }

    // A resolver timeout shows the last definite answer until it lasts (OperatorProbes.dnsFor).
    List<RecordLookup.Observation> observations = RecordLookup.observe(probes.dnsFor(domain), desired);
    List<DnsRecordStatus> records = new ArrayList<>();
    long seen = 0;
    for (RecordLookup.Observation o : observations) {
      boolean clashes = conflicts.stream().anyMatch(c -> c.name().equalsIgnoreCase(o.record().name()));
      var state = clashes ? DnsRecordStatus.State.Failed
          : o.observed() ? DnsRecordStatus.State.Published : DnsRecordStatus.State.Pending;
      seen += o.observed() ? 1 : 0;
      records.add(toStatus(o.record(), state, o.dnssec().name()));
    }
    if (!conflicts.isEmpty()) {
      return new DnsOutcome(records, toStatus(ledger, null), to, "False", "ForeignRecordConflict",
          "left alone, not ours: " + String.join("; ", conflicts.stream().map(DnsRecord::toZoneLine).toList())
              + ". The operator's record of the same kind is not published beside it; remove the foreign record "
              + "to let it.", Backoff.FIRST_FAILURE_RETRY);
    }
    var bogus = DnssecRequirement.bogus(observations);
    if (bogus.isPresent()) {
      return unmet(records, ledger, to, published, bogus.get());
    }
    if (seen < desired.size()) {
      String todo = provider == DnsSpec.Provider.MANUAL
          ? "Publish the records of ConfigMap " + ZoneSnippetConfigMap.nameFor(domain) + " in the zone. " : published;
      return new DnsOutcome(records, toStatus(ledger, null), to, "False", "NotYetObserved", todo + seen + " of "
          + desired.size() + " records are visible through resolver " + resolverText + ".",
          lookAgainIn(provider, Conditions.since(domain, DnsOutcome.CONDITION, "False"), clock.instant()));
    }
    var insecure = DnssecRequirement.insecure(observations, Boolean.TRUE.equals(spec.getDane().getEnabled()));
    if (insecure.isPresent()) {
      return unmet(records, ledger, to, published, insecure.get());
    }
    return new DnsOutcome(records, toStatus(ledger, null), to, "True", "Published", published + "All "
        + desired.size() + " records are served through resolver " + resolverText
        + DnssecRequirement.summary(observations) + ".", null);
  }

  /**
   * When records not all visible yet are looked for again (the reconcile backs the answer off with
   * the time DnsPublished has been False, {@link io.securemail.operator.kube.PartStatus#backedOff}).
   * Sent by the operator (RFC 2136), they are on their way: at the propagation pace. external-dns
   * publishes on its own interval (a minute by default): at that pace for a minute, then with
   * backoff. A person publishing the zone snippet takes minutes, not seconds: with backoff from the
   * start (10 s, then as long as the wait has lasted, at most 5 minutes), so a thousand domains
   * applied at once do not each come back every 5 s for a minute to find nothing.
   *
   * @param waitingSince since when the records have not all been visible (null: just now)
   */
  static Duration lookAgainIn(DnsSpec.Provider provider, Instant waitingSince, Instant now) {
    return switch (provider) {
      case RFC2136 -> Backoff.PROPAGATION_POLL;
      case EXTERNAL_DNS -> Backoff.awaitingPublication(waitingSince, now);
      case MANUAL -> Backoff.FIRST_FAILURE_RETRY;
    };
  }

  /** Records that DNSSEC keeps from counting as published: a person must fix the zone; retried with backoff. */
  private DnsOutcome unmet(List<DnsRecordStatus> records, List<DnsRecord> ledger, DnsTargetStatus to, String published,
      DnssecRequirement.Unmet unmet) {
    return new DnsOutcome(records, toStatus(ledger, null), to, "False", unmet.reason(), published + unmet.message()
        + " Looked up through resolver " + resolverText + ".", Backoff.FIRST_FAILURE_RETRY);
  }

  /**
   * Withdraws what this domain published (its ledger and ownership record).
   *
   * @throws DnsFailure when the server cannot be reached or refuses; the caller keeps the finalizer
   */
  public void withdraw(SecureMailDomain domain, KubernetesClient client) throws DnsFailure {
    var status = domain.getStatus();
    if (status != null && !status.getPublishedRecords().isEmpty()) {
      withdrawLedger(domain, client, fromStatus(status.getPublishedRecords()), status.getPublishedTo());
    }
  }

  /**
   * Withdraws ledger records from where they were published ({@code where}; the spec's server and
   * zone when unknown), signed with the spec's TSIG key. Without spec.dns.rfc2136 the key is not
   * known any more: the records stay, and the failure says so rather than dropping the ledger.
   */
  private void withdrawLedger(SecureMailDomain domain, KubernetesClient client, List<DnsRecord> ledger,
      DnsTargetStatus where) throws DnsFailure {
    if (domain.getSpec().getDns().getRfc2136() == null) {
      throw new DnsFailure(DnsFailure.Reason.ZoneNotFound, "spec.dns.rfc2136 was removed, so the server holding "
          + ledger.size() + " published records is unknown; restore it to withdraw them, or set annotation "
          + ABANDON_ANNOTATION + "=true to leave them in DNS");
    }
    int sent = publisher.withdraw(target(domain, client, where), ledger, ownership(domain, client));
    meters.counter("securemail.dns.updates", "result", "sent").increment(sent);
  }

  public static boolean abandons(SecureMailDomain domain) {
    var annotations = domain.getMetadata().getAnnotations();
    return annotations != null && "true".equalsIgnoreCase(annotations.get(ABANDON_ANNOTATION));
  }

  private DnsRecord ownership(SecureMailDomain domain, KubernetesClient client) throws DnsFailure {
    return DesiredRecords.ownership(domain.getSpec(), ownerId.get(client),
        domain.getMetadata().getNamespace() + "/" + domain.getMetadata().getName());
  }

  /** The RFC 2136 target: {@code where}'s server and zone (the spec's when null), the spec's TSIG key. */
  private static Rfc2136Target target(SecureMailDomain domain, KubernetesClient client, DnsTargetStatus where)
      throws DnsFailure {
    Rfc2136Spec rfc2136 = domain.getSpec().getDns().getRfc2136();
    String server = where == null ? rfc2136.getServer() : where.getServer();
    String zone = where == null ? rfc2136.getZone() : where.getZone();
    var ref = rfc2136.getTsigSecretRef();
    Secret secret = RecentReads.secret(client, domain.getMetadata().getNamespace(), ref.getName());
    String encoded = secret == null || secret.getData() == null ? null : secret.getData().get(ref.getKey());
    if (encoded == null) {
      throw new DnsFailure(DnsFailure.Reason.TsigRejected, "TSIG secret " + ref.getName() + "/" + ref.getKey()
          + " is not readable");
    }
    String tsigSecret = new String(Base64.getDecoder().decode(encoded), StandardCharsets.US_ASCII);
    try {
      return Rfc2136Target.of(server, zone, rfc2136.getTsigKeyName(),
          rfc2136.getTsigAlgorithm().name().toLowerCase().replace('_', '-'), tsigSecret);
    } catch (IllegalArgumentException e) {
      throw new DnsFailure(DnsFailure.Reason.TsigRejected, "TSIG secret " + ref.getName() + "/" + ref.getKey()
          + ": " + e.getMessage());
    }
  }

  private static List<DnsRecordStatus> states(List<DnsRecord> records, DnsRecordStatus.State state) {
    return records.stream().map(r -> toStatus(r, state, null)).toList();
  }

  private static DnsRecordStatus toStatus(DnsRecord r, DnsRecordStatus.State state, String dnssec) {
    var status = new DnsRecordStatus(r.name(), r.type(), r.value(), r.ttl(), state);
    status.setDnssec(dnssec);
    return status;
  }

  private static List<DnsRecordStatus> toStatus(List<DnsRecord> records, DnsRecordStatus.State state) {
    return records.stream().map(r -> toStatus(r, state, null)).toList();
  }

  private static List<DnsRecord> fromStatus(List<DnsRecordStatus> records) {
    return records.stream().map(r -> new DnsRecord(r.getName(), r.getType(), r.getValue(), r.getTtl())).toList();
  }
}
