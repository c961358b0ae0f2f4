package io.securemail.operator.monitor;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.securemail.operator.api.ComplianceSpec;
import io.securemail.operator.api.ComplianceStatus;
import io.securemail.operator.api.GoDuration;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.compliance.CannotCheckException;
import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.CheckStatus;
import io.securemail.operator.compliance.ComplianceEngine;
import io.securemail.operator.compliance.ComplianceOptions;
import io.securemail.operator.compliance.caa.CaaIssuer;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.Report;
import io.securemail.operator.observe.DaemonThreads;
import io.securemail.operator.observe.FaultThreshold;
import io.securemail.operator.observe.HeldAnswers;
import io.securemail.operator.observe.OperatorProbes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs the compliance engine for each domain on its interval (and soon after any spec change) and
 * turns the report into status, the Compliant condition and metrics. The engine looks from the
 * outside, through DNS and the network as a sending MTA does; it never reads what the operator
 * thinks it published.
 *
 * <p>A global bound on concurrent checks keeps a large cluster from opening thousands of SMTP
 * connections at once: a domain that finds every slot busy is simply looked at again shortly.
 *
 * <p>Checks run on the monitor's own threads, never on a reconcile thread: the reconcile waits a
 * little ({@code securemail.compliance.patience}) for the verdict, which a healthy domain gives in
 * far less, and otherwise goes on with the previous verdict; a slow or hostile MX then holds a
 * check thread, and the next reconcile collects the verdict once it is there.
 *
 * <p>A resolver that does not answer is no news about the domain: the checks see DNS through the
 * domain's held answers ({@link HeldAnswers}), so a timeout leaves the previous verdict standing,
 * and the domain cannot be checked (Compliant=Unknown, CannotCheck) only once the resolver has
 * failed past the threshold.
 */
@ApplicationScoped
public class ComplianceMonitor {

  /**
   * Checks at once unless {@code securemail.compliance.max-concurrent} says otherwise. A check spends
   * most of its time waiting for DNS answers and SMTP replies one after another, so a few checks at
   * once leave the CPU idle; the compliance benchmark (docs/performance.md) sized this. Politeness
   * does not depend on it: the SMTP probe keeps one connection at a time per MX address however many
   * checks run, and shares one conversation between the domains of a shared MX.
   */
  public static final String DEFAULT_MAX_CONCURRENT = "32";

  /** How soon a domain that found no free check slot tries again. */
  static final Duration BUSY_RETRY = Duration.ofSeconds(5);
  /** How soon a domain whose check is still running looks for its verdict again. */
  static final Duration RUNNING_RETRY = Duration.ofSeconds(5);

  private record LastCheck(Instant at, long generation) {}

  /** A check under way: what it will observe, and the schedule facts to record when it is collected. */
  private record Running(CompletableFuture<DomainObservation> observation, Instant startedAt, long generation,
      Profile profile) {}

  /**
   * How soon a domain whose check is queued or running looks for its verdict when a finished check
   * wakes its domain ({@link #whenVerdictReady}): only a fallback, should the wake-up be lost.
   */
  static final Duration WOKEN_RETRY = Duration.ofSeconds(60);

  private final ComplianceEngine engine;
  private final ComplianceOptions options;
  private final Semaphore slots;
  private final Executor checks;
  private final Duration patience;
  private final ComplianceMetrics metrics;
  private final MeterRegistry meters;
  private final Clock clock;
  private final HeldAnswers held;
  private final Map<String, LastCheck> lastChecks = new ConcurrentHashMap<>();
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  /** Told of a domain whose check finished before its reconcile collected the verdict; null: nobody. */
  private volatile Consumer<ResourceID> verdictReady;

  @Inject
  public ComplianceMonitor(MeterRegistry meters, OperatorProbes probes,
      @ConfigProperty(name = "securemail.compliance.max-concurrent", defaultValue = DEFAULT_MAX_CONCURRENT)
      int maxConcurrent,
      @ConfigProperty(name = "securemail.compliance.patience", defaultValue = "5s") Duration patience) {
    this(new ComplianceEngine(probes.complianceProbes(), Clock.systemUTC()), probes.complianceOptions(),
        maxConcurrent, DaemonThreads.pool("securemail-compliance", maxConcurrent), patience, meters, Clock.systemUTC(),
        probes.heldAnswers());
  }

  /** Checks on the calling thread (each reconcile waits for its verdict): for tests. */
  ComplianceMonitor(ComplianceEngine engine, ComplianceOptions options, int maxConcurrent, MeterRegistry meters,
      Clock clock, HeldAnswers held) {
    this(engine, options, maxConcurrent, Runnable::run, Duration.ZERO, meters, clock, held);
  }

  /** Checks on the calling thread, faults held as by default: for tests. */
  ComplianceMonitor(ComplianceEngine engine, ComplianceOptions options, int maxConcurrent, MeterRegistry meters,
      Clock clock) {
    this(engine, options, maxConcurrent, meters, clock, new HeldAnswers(FaultThreshold.DEFAULT, clock));
  }

  ComplianceMonitor(ComplianceEngine engine, ComplianceOptions options, int maxConcurrent, Executor checks,
      Duration patience, MeterRegistry meters, Clock clock) {
    this(engine, options, maxConcurrent, checks, patience, meters, clock, new HeldAnswers(FaultThreshold.DEFAULT, clock));
  }

  ComplianceMonitor(ComplianceEngine engine, ComplianceOptions options, int maxConcurrent, Executor checks,
      Duration patience, MeterRegistry meters, Clock clock, HeldAnswers held) {
    this.engine = engine;
    this.options = options;
    this.slots = new Semaphore(maxConcurrent);
    this.checks = checks;
    this.patience = patience;
    this.metrics = new ComplianceMetrics(meters);
    this.meters = meters;
    this.clock = clock;
    this.held = held;
  }


  /**
   * Who is told when a check ends that no reconcile waited for (it was queued behind busy slots, or
   * outlasted the patience): the reconciler, which then reconciles that domain at once, so neither
   * a busy monitor nor a slow server makes domains come back every few seconds to ask.
   */
  public void whenVerdictReady(Consumer<ResourceID> listener) {
    this.verdictReady = listener;
  }

  /** Checks the domain if it is due; otherwise says when it will be. */
  public ComplianceOutcome reconcile(SecureMailDomain domain) {
    return reconcile(domain, List.of());
  }

  /**
   * As {@link #reconcile(SecureMailDomain)}, for a domain whose certificates come from
   * {@code caaIssuers} (the cert.caa check looks for them; empty: not known).
   */
  public ComplianceOutcome reconcile(SecureMailDomain domain, List<CaaIssuer> caaIssuers) {
    Instant now = clock.instant();
    var spec = domain.getSpec().getCompliance();
    ComplianceStatus previous = domain.getStatus() == null ? null : domain.getStatus().getCompliance();
    Duration interval = GoDuration.parse(spec.getInterval());
    String uid = domain.getMetadata().getUid();
    long generation = Objects.requireNonNullElse(domain.getMetadata().getGeneration(), 0L);
    Running run = running.get(uid);
    if (run == null) {
      LastCheck last = lastChecks.get(uid);
      Instant due = ComplianceSchedule.nextCheck(last == null ? null : last.at(), last == null ? 0 : last.generation(),
          generation, interval, uid, now);
      if (now.isBefore(due)) {
        return new ComplianceOutcome(previous, null, null, null, List.of(), Duration.between(now, due));
      }
      boolean slotFree = slots.tryAcquire();
      Consumer<ResourceID> listener = verdictReady;
      if (!slotFree && listener == null) {
        return new ComplianceOutcome(previous, null, null, null, List.of(), BUSY_RETRY);
      }
      Profile profile = spec.getProfile() == ComplianceSpec.Profile.BSI_TR_03108 ? Profile.BSI_TR_03108 : Profile.RFC;
      run = new Running(start(domain.getSpec().getDomain(), profile, options.withCaaIssuers(caaIssuers), uid,
          interval, slotFree, ResourceID.fromResource(domain)), now, generation, profile);
      running.put(uid, run);
      if (!slotFree) {
        // Queued behind the busy slots: the finished check wakes the domain.
        return new ComplianceOutcome(previous, null, null, null, List.of(), WOKEN_RETRY);
      }
    }
    DomainObservation observation;
    try {
      observation = patience.isZero() ? run.observation().join()
          : run.observation().get(patience.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // Still looking (a slow or silent server): the previous verdict stands until this one is in.
      return new ComplianceOutcome(previous, null, null, null, List.of(), stillRunningRetry());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ComplianceOutcome(previous, null, null, null, List.of(), stillRunningRetry());
    } catch (ExecutionException | java.util.concurrent.CompletionException e) {
      running.remove(uid, run);
      lastChecks.put(uid, new LastCheck(run.startedAt(), run.generation()));
      // No verdict is a verdict of its own; whatever went wrong must not stop the rest of the reconcile.
      Throwable cause = e.getCause() == null ? e : e.getCause();
      metrics.noVerdict(domain);
      return new ComplianceOutcome(previous, "Unknown", "CannotCheck", "The domain could not be checked: "
          + (cause instanceof CannotCheckException ? cause.getMessage() : cause.toString()), List.of(), interval);
    }
    running.remove(uid, run);
    lastChecks.put(uid, new LastCheck(run.startedAt(), run.generation()));
    Report report = ComplianceEngine.evaluate(observation, run.profile(), clock.instant());
    metrics.record(domain, report, observation, clock.instant());
    return outcome(previous, report, now, interval);
  }

  private Duration stillRunningRetry() {
    return verdictReady == null ? RUNNING_RETRY : WOKEN_RETRY;
  }

  /**
   * Starts a check on the monitor's threads; its slot is given back when it ends, however it ends.
   * {@code holdsSlot}: the caller took the slot; otherwise the check waits for one on a monitor
   * thread (the pool has as many threads as slots, so it waits behind other checks only).
   */
  private CompletableFuture<DomainObservation> start(String domainName, Profile profile, ComplianceOptions options,
      String uid, Duration interval, boolean holdsSlot, ResourceID resource) {
    CompletableFuture<DomainObservation> observation;
    try {
      observation = CompletableFuture.supplyAsync(() -> {
        if (!holdsSlot) {
          slots.acquireUninterruptibly();
        }
        Timer.Sample timing = Timer.start(meters);
        try {
          return engine.observe(domainName, profile, options, dns -> held.over(dns, uid, interval));
        } catch (CannotCheckException e) {
          throw new java.util.concurrent.CompletionException(e);
        } finally {
          // One timer for all domains: a duration per domain would be three series each for a figure
          // read across domains (how long checks take); the last-check timestamp is per domain.
          timing.stop(meters.timer("securemail.compliance.check.duration"));
          slots.release();
        }
      }, checks);
    } catch (RuntimeException e) {
      if (holdsSlot) {
        slots.release();
      }
      observation = CompletableFuture.failedFuture(e);
    }
    observation.whenComplete((o, e) -> wake(uid, resource));
    return observation;
  }

  /** Tells the listener of a finished check that its domain's reconcile has not collected yet. */
  private void wake(String uid, ResourceID resource) {
    Consumer<ResourceID> listener = verdictReady;
    if (listener != null && running.containsKey(uid)) {
      listener.accept(resource);
    }
  }

  /**
   * The reconcile does not get as far as the check (the spec is invalid, a referenced Secret is
   * missing): the domain's verdict metrics go, since nothing renews them, rather than going on
   * saying what the domain earned before. Its schedule is forgotten too, so the first reconcile that
   * gets as far as the check again checks at once (a Secret that appears changes no generation).
   */
  public void notChecked(SecureMailDomain domain) {
    String uid = domain.getMetadata().getUid();
    if (uid != null) {
      lastChecks.remove(uid);
      running.remove(uid);
    }
    metrics.noVerdict(domain);
  }

  /** Forgets a deleted domain (its schedule, its metrics and its held DNS answers). */
  public void forget(SecureMailDomain domain) {
    held.forget(domain.getMetadata().getUid());
    lastChecks.remove(domain.getMetadata().getUid());
    running.remove(domain.getMetadata().getUid());
    metrics.remove(domain);
  }

  static ComplianceOutcome outcome(ComplianceStatus previous, Report report, Instant now, Duration interval) {
    List<ComplianceStatus.CheckResult> checks = report.checks().stream().map(ComplianceMonitor::toStatus).toList();
    List<ComplianceStatus.CheckResult> before = previous == null ? List.of() : previous.getChecks();
    var status = new ComplianceStatus();
    status.setProfile(report.profile().id());
    status.setChecks(checks);
    boolean same = previous != null && Objects.equals(previous.getProfile(), status.getProfile())
        && sameResults(before, checks);
    status.setLastChanged(same ? previous.getLastChanged() : now.truncatedTo(ChronoUnit.SECONDS).toString());
    CheckResult failure = report.firstFailure();
    long failures = report.checks().stream().filter(c -> c.status() == CheckStatus.fail)
        .count();
    String message = failure == null
        ? "Every check passes under profile " + report.profile().id() + " (" + report.count(CheckStatus.warn) + " warnings)"
        : failures + " check(s) fail under profile " + report.profile().id() + "; first: " + failure.id() + " ("
            + failure.subject() + "): " + failure.message();
    return new ComplianceOutcome(status, failure == null ? "True" : "False",
        failure == null ? "Compliant" : reason(failure.id()), message, CheckTransition.between(before, checks),
        interval);
  }

  /**
   * A check id as a condition reason: metav1.Condition reasons are CamelCase without dots, so
   * dane.match becomes DaneMatch (the id itself leads the message).
   */
  static String reason(String checkId) {
    StringBuilder reason = new StringBuilder();
    for (String part : checkId.split("[.\\-_]")) {
      if (!part.isEmpty()) {
        reason.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return reason.toString();
  }

  private static boolean sameResults(List<ComplianceStatus.CheckResult> a, List<ComplianceStatus.CheckResult> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      var x = a.get(i);
      var y = b.get(i);
      if (!Objects.equals(x.getId(), y.getId()) || !Objects.equals(x.getSubject(), y.getSubject())
          || !Objects.equals(x.getStatus(), y.getStatus()) || !Objects.equals(x.getMessage(), y.getMessage())) {
        return false;
      }
    }
    return true;
  }

  private static ComplianceStatus.CheckResult toStatus(CheckResult result) {
    var r = new ComplianceStatus.CheckResult();
    r.setId(result.id());
    r.setSubject(result.subject());
    r.setStatus(result.status().name());
    r.setMessage(result.message());
    return r;
  }
}
