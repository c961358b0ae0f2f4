package io.securemail.operator.reconciler;


import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.DnsRecordStatus;
import io.securemail.operator.api.DnsTargetStatus;
import io.securemail.operator.api.MtaStsStatus;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainStatus;
import io.securemail.operator.api.TlsReportsStatus;
import io.securemail.operator.api.TransportStatus;
import io.securemail.operator.dns.DnsOutcome;
import io.securemail.operator.dns.DnsPublication;
import io.securemail.operator.kube.Conditions;
import io.securemail.operator.kube.PartStatus;
import io.securemail.operator.monitor.ComplianceOutcome;
import io.securemail.operator.validation.SpecProblem;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The status one reconcile computes, starting from the status the resource had. Knows whether it
 * changed, so an unchanged domain costs no status write.
 */
final class DomainStatus {

  static final String INVALID_SPEC = "InvalidSpec";
  static final String PROGRESSING = "Progressing";

  private final SecureMailDomain domain;
  private final KubernetesSerialization serialization;
  private final Instant now;
  private final SecureMailDomainStatus previous;
  private final SecureMailDomainStatus next;
  private final long generation;

  DomainStatus(SecureMailDomain domain, KubernetesSerialization serialization, Instant now) {
    this.domain = domain;
    this.serialization = serialization;
    this.now = now;
    this.previous = domain.getStatus() == null ? new SecureMailDomainStatus() : domain.getStatus();
    this.next = serialization.clone(previous);
    this.generation = domain.getMetadata().getGeneration() == null ? 0 : domain.getMetadata().getGeneration();
    next.setObservedGeneration(generation);
  }

  /**
   * Ready=False/InvalidSpec naming every problem. Everything else in status (records, parts) stays
   * as it was: nothing published is withdrawn because of a bad edit.
   *
   * @return true when this is news (the condition was not already saying exactly this)
   */
  boolean markInvalid(List<SpecProblem> problems) {
    return markRefused(INVALID_SPEC,
        "Invalid spec: " + problems.stream().map(SpecProblem::toString).collect(Collectors.joining("; ")));
  }

  /**
   * Ready=False (and Stalled) with {@code reason}: the operator will not act on this spec (it is
   * invalid, names a domain the resource may not claim, or a server the operator will not connect
   * to). Like {@link #markInvalid}, everything else in status stays as it was.
   *
   * @return true when this is news (the condition was not already saying exactly this)
   */
  boolean markRefused(String reason, String message) {
    boolean news = Conditions.find(previous.getConditions(), Conditions.READY)
        .map(c -> !reason.equals(c.getReason()) || !message.equals(c.getMessage()))
        .orElse(true);
    ready(Conditions.FALSE, reason, message);
    progress(reason, message);
    return news;
  }

  /**
   * The spec was acted on: the facts the parts keep in status (status.dane, the records and the
   * ownership ledger, status.mtaSts), each part's condition, and Ready: True when every part is,
   * because what the operator was asked to do is done (Compliant, the outside verdict, is its own
   * condition). While not, Ready names the first part that failed, or says Progressing.
   */
  void markAccepted(DaneStatus dane, List<DnsRecordStatus> records, List<DnsRecordStatus> ledger, MtaStsStatus mtaSts,
      List<PartStatus> parts) {
    next.setDane(dane);
    next.setRecords(records);
    next.setPublishedRecords(ledger);
    next.setMtaSts(mtaSts);
    for (PartStatus part : parts) {
      next.setConditions(Conditions.with(next.getConditions(), part.condition(), part.status(), part.reason(),
          part.message(), generation, now));
    }
    String summary = parts.stream().map(PartStatus::summary).collect(Collectors.joining(" "));
    if (parts.stream().allMatch(PartStatus::ok)) {
      ready(Conditions.TRUE, "Ready", summary);
      progress(null, null);
      return;
    }
    String reason = parts.stream().filter(PartStatus::failed).map(PartStatus::reason).findFirst().orElse(PROGRESSING);
    ready(Conditions.FALSE, reason, "Spec accepted. " + summary);
    parts.stream().filter(PartStatus::stalled).findFirst().ifPresentOrElse(
        stalled -> progress(stalled.reason(), stalled.condition() + ": " + stalled.message()),
        () -> progress(null, null));
  }

  /**
   * status.transport: the MailTransport the domain references and what it depends on of it (null: it
   * has MX hosts of its own).
   */
  void markTransport(TransportStatus transport) {
    next.setTransport(transport);
  }

  /** What received TLS reports say (docs/tls-reports.md); null while none about the domain was kept. */
  void markTlsReports(TlsReportsStatus reports) {
    next.setTlsReports(reports);
  }

  /**
   * Reconciling and Stalled beside Ready, as kstatus (Flux's {@code wait}) and Argo CD health
   * checks read them: Stalled=True while only a person can move the domain on (an invalid spec, a
   * rejected key, a missing issuer), Reconciling=True while the operator still works towards
   * Ready, both False once it is. Both conditions are "abnormal-true": False is the quiet state.
   *
   * @param stalledReason null unless stalled
   */
  private void progress(String stalledReason, String stalledMessage) {
    Condition ready = Conditions.find(next.getConditions(), Conditions.READY).orElseThrow();
    boolean isReady = Conditions.TRUE.equals(ready.getStatus());
    boolean stalled = stalledReason != null;
    next.setConditions(Conditions.with(next.getConditions(), Conditions.STALLED,
        stalled ? Conditions.TRUE : Conditions.FALSE, stalled ? stalledReason : "NotStalled",
        stalled ? stalledMessage : "Nothing waits for a person.", generation, now));
    boolean reconciling = !isReady && !stalled;
    next.setConditions(Conditions.with(next.getConditions(), Conditions.RECONCILING,
        reconciling ? Conditions.TRUE : Conditions.FALSE, reconciling ? ready.getReason() : isReady ? "Ready" : "Stalled",
        reconciling ? ready.getMessage() : isReady ? "The spec is in effect." : "Waiting for a person; see Stalled.",
        generation, now));
  }

  /**
   * Only the facts the DNS server now holds: the ownership ledger and the DANE state whose TLSA it
   * publishes, written as soon as an UPDATE was answered, before the slower steps of a reconcile, so
   * a crash or a failure later in the reconcile cannot orphan a record. The rest of status, and its
   * observedGeneration, stay as they were: nothing else was judged yet.
   */
  DomainStatus keepLedger(DaneStatus dane, List<DnsRecordStatus> ledger, DnsTargetStatus publishedTo) {
    next.setObservedGeneration(previous.getObservedGeneration());
    if (dane != null) {
      next.setDane(dane);
    }
    next.setPublishedRecords(ledger);
    next.setPublishedTo(publishedTo);
    return this;
  }

  /** Where the ledger's records are (rfc2136), as the DNS step reports it. */
  void markPublishedTo(DnsTargetStatus publishedTo) {
    next.setPublishedTo(publishedTo);
  }

  /** status.compliance and the Compliant condition from the latest check (unchanged when none ran). */
  void markCompliance(ComplianceOutcome compliance) {
    next.setCompliance(compliance.status());
    if (compliance.conditionStatus() != null) {
      next.setConditions(Conditions.with(next.getConditions(), ComplianceOutcome.CONDITION,
          compliance.conditionStatus(), compliance.reason(), compliance.message(), generation, now));
    }
  }

  /**
   * Ready=False for a reconcile that failed unexpectedly; every other part of status stays as it
   * was. A refusal by RBAC waits for a person (the chart's grants); anything else is retried.
   */
  void markFailed(String reason, String message) {
    ready(Conditions.FALSE, reason, message);
    progress("Forbidden".equals(reason) ? reason : null, message);
  }

  private static final String WITHDRAWAL_BLOCKED = "Deletion waits until the published records are withdrawn: ";

  /** Records that DNS withdrawal is blocked, while the resource waits for deletion. */
  boolean markWithdrawalBlocked(String reason, String message) {
    String text = WITHDRAWAL_BLOCKED + message + " (set annotation "
        + DnsPublication.ABANDON_ANNOTATION + "=true to leave them in DNS)";
    next.setConditions(Conditions.with(next.getConditions(), DnsOutcome.CONDITION, Conditions.FALSE, reason, text,
        generation, now));
    return changed();
  }

  /** Whether an earlier attempt at deletion already found the withdrawal blocked ({@link #markWithdrawalBlocked}). */
  static boolean withdrawalBlocked(SecureMailDomain domain) {
    return domain.getStatus() != null && Conditions.find(domain.getStatus().getConditions(), DnsOutcome.CONDITION)
        .map(c -> c.getMessage() != null && c.getMessage().startsWith(WITHDRAWAL_BLOCKED)).orElse(false);
  }

  SecureMailDomainStatus next() {
    return next;
  }

  String readyMessage() {
    return Conditions.find(next.getConditions(), Conditions.READY).orElseThrow().getMessage();
  }

  private void ready(String status, String reason, String message) {
    next.setConditions(Conditions.with(next.getConditions(), Conditions.READY, status, reason, message, generation, now));
  }

  private boolean factsChanged() {
    return !Objects.equals(serialization.asJson(facts(previous)), serialization.asJson(facts(next)));
  }

  private static List<Object> facts(SecureMailDomainStatus status) {
    return java.util.Arrays.asList(status.getDane(), status.getPublishedRecords(), status.getPublishedTo(),
        status.getMtaSts());
  }

  /** Whether {@link #write(Context, boolean)} writes: a change, and while stopping only a change of facts. */
  boolean writes(boolean stopping) {
    return changed() && (!stopping || factsChanged());
  }

  boolean changed() {
    return !Objects.equals(serialization.asJson(previous), serialization.asJson(next));
  }

  /**
   * Writes the status when it changed: server-side apply of a fresh object holding only name,
   * namespace and status, so no resourceVersion precondition can make the write fail with a conflict
   * after DNS was already changed (status.publishedRecords is the ownership ledger: losing a write
   * would orphan a record). The written resource is cached, so the next reconcile reads this status
   * even before the informer has seen it.
   */
  UpdateControl<SecureMailDomain> write(Context<SecureMailDomain> context) {
    return write(context, false);
  }

  /**
   * {@link #write(Context)}, except that while the process stops only what must not be lost is
   * written: the facts the operator acted on (the DANE state, the ownership ledger, the announced
   * MTA-STS policy). Conditions and observed records, which a shutdown in the middle of a reconcile
   * can spoil (an interrupted lookup reads as indeterminate), are left to the next process.
   */
  UpdateControl<SecureMailDomain> write(Context<SecureMailDomain> context, boolean stopping) {
    if (writes(stopping)) {
      SecureMailDomain fresh = new SecureMailDomain();
      fresh.setMetadata(new ObjectMetaBuilder().withName(domain.getMetadata().getName())
          .withNamespace(domain.getMetadata().getNamespace()).build());
      fresh.setStatus(next);
      OwnStatusWrites.wrote(PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(domain, fresh, context));
    }
    return UpdateControl.noUpdate();
  }
}
