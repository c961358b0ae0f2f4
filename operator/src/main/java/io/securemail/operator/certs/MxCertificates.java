package io.securemail.operator.certs;

import io.securemail.operator.dns.Tlsa;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.securemail.operator.api.DaneSpec;
import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.GoDuration;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.DnssecState;
import io.securemail.operator.dns.DnsRecord;
import io.securemail.operator.dns.RecordLookup;
import io.securemail.operator.kube.Backoff;
import io.securemail.operator.kube.DomainEvents;
import io.securemail.operator.observe.OperatorProbes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The certificates step: the MX lineages' keys and cert-manager Certificates, the mta-sts
 * Certificate, and one step of the DANE rollover ({@link DaneRollover} decides; this class only
 * gathers facts and carries the decision out). Facts that cost network round trips are gathered
 * only when the decision needs them: the next key's TLSA while Stable, the served keys otherwise.
 */
@ApplicationScoped
public class MxCertificates {

  /**
   * Annotation asking for a rollover, acted on once per distinct value (a nonce, e.g. a timestamp):
   * a value starting with "emergency" waits only 2 x TTL for the next key's TLSA, any other waits
   * for prePublish. The operator never removes it (a GitOps tool would put it back), and
   * status.dane.lastRequest records the value handled.
   */
  public static final String ROLLOVER_ANNOTATION = "securemail.io/dane-rollover";

  /** Initial polls this many times; after that the periodic resync looks (the MTA may not be deployed yet). */
  static final int INITIAL_POLLS = 10;

  /** DNS as the domain's status sees it: a resolver timeout shows the last definite answer ({@link OperatorProbes#dnsFor}). */
  private final Function<SecureMailDomain, DnsProbe> dns;
  private final ServedKeys probe;
  private final Duration poll;
  private final Clock clock;

  @Inject
  public MxCertificates(OperatorProbes probes,
      @ConfigProperty(name = "securemail.dane.poll-interval", defaultValue = "10s") Duration poll) {
    this(probes::dnsFor, new ServedKeys(probes.dns(), probes.servedChain(), probes.smtpPort(), probes.conversations(),
        probes.patience()), poll, Clock.systemUTC());
  }

  MxCertificates(DnsProbe dns, ServedKeys probe, Duration poll, Clock clock) {
    this(domain -> dns, probe, poll, clock);
  }

  private MxCertificates(Function<SecureMailDomain, DnsProbe> dns, ServedKeys probe, Duration poll, Clock clock) {
    this.dns = dns;
    this.probe = probe;
    this.poll = poll;
    this.clock = clock;
  }

  /**
   * Before the workflow runs: the lineages' keys, the Certificates planned for the workflow, and
   * one step of the rollover. What cert-manager says is added by {@link #judge} afterwards.
   */
  public CertStep reconcile(SecureMailDomain domain, KubernetesClient client, SecretReads secrets,
      Context<SecureMailDomain> context) {
    if (domain.getSpec().getTransport() != null) {
      CertManager.plan(domain, context, Map.of());
      return CertStep.servedByTransport(transportOf(domain), poll);
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Map<String, LineageKeys> keys = new HashMap<>();
    keys.put(CertNames.LINEAGE_A, LineageSecrets.ensure(secrets, domain, CertNames.LINEAGE_A));
    keys.put(CertNames.LINEAGE_B, LineageSecrets.ensure(secrets, domain, CertNames.LINEAGE_B));

    DaneStatus previous = domain.getStatus() == null ? null : domain.getStatus().getDane();
    String servedLineage = previous == null || previous.getPhase() == null
        ? LineageSecrets.servedLineage(secrets, domain, keys) : null;
    RolloverState state = DaneStates.restore(previous, keys, now, servedLineage);
    DaneSpec dane = domain.getSpec().getDane();
    if (!Boolean.TRUE.equals(dane.getEnabled())) {
      CertManager.plan(domain, context, keys);
      return disabled(domain, client, secrets, state, previous);
    }
    state = replaceMismatchedKeys(domain, secrets, state, keys);
    CertManager.plan(domain, context, keys);

    List<String> hosts = CertificateManifests.mxHosts(domain);
    int ttl = domain.getSpec().getDns().getTtl();
    LineageKeys next = keys.get(state.nextLineage());
    boolean nextObserved = (state.phase() == RolloverPhase.Stable || state.phase() == RolloverPhase.Retiring)
        && next.hasKey() && secureEverywhere(dns.apply(domain), hosts, next.spki(), ttl);
    ServedKeys.Result probed = state.phase() == RolloverPhase.Stable ? null
        : probe.probe(dns.apply(domain), hosts, MtaBackends.of(client, domain));
    Set<String> served = probed == null ? Set.of() : probed.conclusive();
    RolloverFacts.Request request = request(domain, previous);
    String replaced = servingKeyReplaced(state, keys);
    if (replaced != null && request == RolloverFacts.Request.none) {
      request = RolloverFacts.Request.requested; // heal by rolling over to the next key, as a person would ask
    }
    var facts = new RolloverFacts(next.spki(), next.usable(hosts, now), nextObserved, served, request,
        GoDuration.parse(dane.getRolloverEvery()), GoDuration.parse(dane.getPrePublish()),
        Duration.ofSeconds(HeldTtl.of(previous, state.nextSpki(), ttl)));
    RolloverDecision decision = DaneRollover.decide(state, facts, now);

    String regenerate = decision.regenerateLineage();
    if (regenerate != null && isRetiredKey(keys.get(regenerate), decision.state())) {
      LineageSecrets.regenerate(secrets, domain, regenerate);
    }
    RolloverState after = decision.state();
    String expected = after.phase() == RolloverPhase.Switching ? after.nextSpki() : after.servingSpki();
    LineageSecrets.serve(secrets, domain, decision.serveLineage(), expected);
    if (decision.event() != null) {
      DomainEvents.normal(client, domain, "DaneRollover", decision.event());
    }
    String waiting = decision.waitingFor();
    if (waiting != null && probed != null && !probed.failures().isEmpty()) {
      waiting += " (" + probed.summary() + ")";
    }
    if (replaced != null && after.phase() == RolloverPhase.Stable) {
      waiting = replaced + (waiting == null ? "" : "; " + waiting);
      boolean news = previous == null || previous.getMessage() == null
          || !previous.getMessage().startsWith("The key of serving lineage");
      if (news) {
        DomainEvents.warning(client, domain, "ServingKeyReplaced", replaced);
      }
    }
    DaneStatus status = DaneStates.toStatus(after, waiting);
    if (after.phase() != RolloverPhase.Initial) {
      status.setTlsaTtlSeconds(HeldTtl.of(previous, after.nextSpki(), ttl));
    }
    // A request is handled once a rollover runs: the one it started, or the one already under way
    // when it came (which it does not repeat).
    boolean handled = request != RolloverFacts.Request.none
        && (after.phase() == RolloverPhase.Switching || after.phase() == RolloverPhase.Retiring);
    status.setLastRequest(handled ? requestValue(domain) : lastRequest(previous));
    boolean stuck = waiting != null && waiting.contains("stuck since");
    Duration retry = retryAfter(after, waiting, now, poll);
    return new CertStep(decision.tlsaSpkis(), status, stuck ? waiting : null, "MX lineages a and b and the mta-sts "
        + "certificate are issued. DANE " + after.phase() + (waiting == null ? "" : ": " + waiting), retry, poll, true);
  }

  /**
   * After the workflow: cert-manager's verdict on the issuer and the Certificates (as the informer
   * has them) joined with the rollover's step into the CertificatesReady condition.
   */
  public CertOutcome judge(CertStep step, SecureMailDomain domain, KubernetesClient client, SecretReads secrets,
      Context<SecureMailDomain> context, WorkflowReconcileResult workflow) {
    CertOutcome outcome = step.judged(CertManager.verdict(domain, client, context, workflow));
    DaneStatus own = domain.getStatus() == null ? null : domain.getStatus().getDane();
    if (domain.getSpec().getTransport() != null && own != null
        && !LineageSecrets.deleteAll(secrets, domain)) {
      // It had MX hosts of its own until it attached. Their keys go once the workflow has deleted
      // their Certificates (before, cert-manager would write a deleted Secret again); status.dane
      // stays until they are gone, so that the next reconcile looks again.
      return new CertOutcome(outcome.tlsaSpkis(), own, outcome.status(), outcome.reason(), outcome.message(), poll);
    }
    return outcome;
  }

  /**
   * A rollover step, or a due rollover that waits, is re-checked every poll interval. Initial is
   * polled at that pace only at first (an MTA that is up picks up the key within seconds); then
   * with a delay that grows with the wait, at most {@link Backoff#MAX}: an MTA that answers late (a
   * certificate issued behind a thousand others, a slow image pull) is noticed within minutes
   * rather than at the next resync, and a domain whose MX is not ours yet, which may wait for days,
   * costs one probe of each MX address every few minutes.
   */
  static Duration retryAfter(RolloverState state, String waiting, Instant now, Duration poll) {
    if (state.phase() == RolloverPhase.Initial) {
      Duration waited = Duration.between(state.phaseSince(), now);
      if (waited.compareTo(poll.multipliedBy(INITIAL_POLLS)) < 0) {
        return poll;
      }
      return waited.compareTo(Backoff.MAX) > 0 ? Backoff.MAX : waited;
    }
    // Stable: poll until the next key's TLSA has been seen (its age counts from then), and while a
    // due rollover waits; otherwise nothing changes until the schedule or a request says so.
    boolean unobserved = state.phase() == RolloverPhase.Stable && state.nextObservedSince() == null;
    return state.phase() != RolloverPhase.Stable || waiting != null || unobserved ? poll : null;
  }

  /**
   * A key of an algorithm the spec no longer asks for is replaced where no TLSA of it is relied on:
   * any lineage before TLSA is published, the next lineage while Stable (its TLSA is swapped and
   * ages again). The serving key changes only by rollover.
   */
  private static RolloverState replaceMismatchedKeys(SecureMailDomain domain, SecretReads secrets,
      RolloverState state, Map<String, LineageKeys> keys) {
    var certs = domain.getSpec().getCertificates();
    List<String> replaceable = switch (state.phase()) {
      case Initial -> List.of(CertNames.LINEAGE_A, CertNames.LINEAGE_B);
      case Stable -> List.of(state.nextLineage());
      default -> List.of();
    };
    boolean replaced = false;
    for (String lineage : replaceable) {
      if (!keys.get(lineage).matches(certs.getKeyAlgorithm(), certs.getRsaKeySize())) {
        keys.put(lineage, LineageSecrets.regenerate(secrets, domain, lineage));
        replaced = true;
      }
    }
    return replaced && state.phase() == RolloverPhase.Initial
        ? DaneStates.initial(state.servingLineage(), keys, state.phaseSince()) : state;
  }

  /** Regenerate only a lineage that still holds the key just retired: a repeated ask changes nothing. */
  private static boolean isRetiredKey(LineageKeys lineage, RolloverState state) {
    return !lineage.hasKey() || lineage.spki().equals(state.retiredSpki());
  }

  /**
   * The rollover's gate: the key's TLSA record is visible at every MX host and DNSSEC-secure, as a
   * DANE sender needs it (RFC 7672 section 2.2: TLSA records count only when validated). The
   * verdict is the operator's DNS probe's: validated in-process unless the resolver's AD bit is
   * configured, so an insecure or bogus answer keeps the gate closed, whatever the resolver says.
   */
  static boolean secureEverywhere(DnsProbe dns, List<String> hosts, String spki, int ttl) {
    List<DnsRecord> records = hosts.stream().map(h -> Tlsa.record(h, spki, ttl)).toList();
    return RecordLookup.observe(dns, records).stream()
        .allMatch(o -> o.observed() && o.dnssec() == DnssecState.secure);
  }

  private CertStep disabled(SecureMailDomain domain, KubernetesClient client, SecretReads secrets,
      RolloverState state, DaneStatus previous) {
    boolean wasPublishing = previous != null && previous.getPhase() != null
        && !RolloverPhase.Initial.name().equals(previous.getPhase()) && !DaneStates.DISABLED.equals(previous.getPhase());
    if (wasPublishing) {
      DomainEvents.warning(client, domain, "DaneDisabled", "spec.dane.enabled is false: the TLSA records are "
          + "withdrawn; DANE-validating senders fall back to MTA-STS or opportunistic TLS");
    }
    LineageSecrets.serve(secrets, domain, state.servingLineage(), state.servingSpki());
    DaneStatus status = DaneStates.toStatus(state, null);
    status.setLastRequest(lastRequest(previous));
    status.setPhase(DaneStates.DISABLED);
    status.setNextTlsaObservedSince(null);
    return new CertStep(List.of(), status, null,
        "MX and mta-sts certificates are issued; DANE is disabled (no TLSA records)", null, poll, false);
  }

  /**
   * Why the serving lineage's Secret no longer holds the key being served (deleted and generated
   * again, or replaced by hand), or null. The MTA keeps the key it has, since only a certificate for
   * the expected key is ever copied to it, but that certificate is no longer renewed; a rollover to
   * the next key, whose TLSA is published, heals it without a gap (the replaced lineage then takes
   * the next key's place and its new key's TLSA ages as any next key's).
   */
  static String servingKeyReplaced(RolloverState state, Map<String, LineageKeys> keys) {
    if (state.phase() != RolloverPhase.Stable || state.servingSpki() == null) {
      return null;
    }
    LineageKeys serving = keys.get(state.servingLineage());
    if (!serving.hasKey() || serving.spki().equals(state.servingSpki())) {
      return null;
    }
    return "The key of serving lineage " + state.servingLineage() + " was replaced outside the operator (its Secret "
        + "holds " + DaneRollover.abbreviate(serving.spki()) + ", the MTA serves " + DaneRollover.abbreviate(
        state.servingSpki()) + ", whose certificate is no longer renewed): rolling over to the next key";
  }

  /** The pending request: the annotation's value unless it is the one already handled. */
  static RolloverFacts.Request request(SecureMailDomain domain, DaneStatus previous) {
    String value = requestValue(domain);
    if (value == null || value.equals(lastRequest(previous))) {
      return RolloverFacts.Request.none;
    }
    return value.startsWith("emergency") ? RolloverFacts.Request.emergency : RolloverFacts.Request.requested;
  }

  private static String requestValue(SecureMailDomain domain) {
    var annotations = domain.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(ROLLOVER_ANNOTATION);
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static String lastRequest(DaneStatus previous) {
    return previous == null ? null : previous.getLastRequest();
  }

  /** The MailTransport serving an attached domain, as namespace/name. */
  private static String transportOf(SecureMailDomain domain) {
    var ref = domain.getSpec().getTransport();
    return ref.namespaceOr(domain.getMetadata().getNamespace()) + "/" + ref.getName();
  }
}
