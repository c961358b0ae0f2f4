package io.securemail.operator.transport;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.MailTransportStatus;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.Conditions;
import io.securemail.operator.tenancy.DomainClaims;
import io.securemail.operator.validation.SpecProblem;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The status one reconcile of a transport computes, from the status it had. Knows whether it
 * changed, so an unchanged fleet costs no status write (and, the controller being
 * generation-aware, a status write it makes does not reconcile it again).
 */
final class TransportStatusChange {

  static final String INVALID_SPEC = "InvalidSpec";
  static final String FLEET_DOMAIN_CONFLICT = "FleetDomainConflict";
  static final String FLEET_DOMAIN_PENDING = "FleetDomainPending";
  static final String DELETION_BLOCKED = "DomainsAttached";
  /** How many names status.notReadyDomains and status.refusedDomains list at most. */
  static final int LISTED = 20;
  /** How many attached domains a deletion's message and event name. */
  static final int NAMED = 5;

  private final MailTransport transport;
  private final KubernetesSerialization serialization;
  private final Instant now;
  private final MailTransportStatus previous;
  private final MailTransportStatus next;
  private final long generation;

  TransportStatusChange(MailTransport transport, KubernetesSerialization serialization, Instant now) {
    this.transport = transport;
    this.serialization = serialization;
    this.now = now;
    this.previous = transport.getStatus() == null ? new MailTransportStatus() : transport.getStatus();
    this.next = serialization.clone(previous);
    this.generation = transport.getMetadata().getGeneration() == null ? 0 : transport.getMetadata().getGeneration();
    next.setObservedGeneration(generation);
  }

  /** Ready=False/InvalidSpec naming every problem; the rest of status stays as it was. */
  boolean markInvalid(List<SpecProblem> problems) {
    return markRefused(INVALID_SPEC,
        "Invalid spec: " + problems.stream().map(SpecProblem::toString).collect(Collectors.joining("; ")));
  }

  /**
   * Ready=False with {@code reason}: the transport does not act (nothing applied). The rest of
   * status stays as it was.
   *
   * @return true when this is news (Ready did not already say exactly this)
   */
  boolean markRefused(String reason, String message) {
    boolean news = Conditions.find(previous.getConditions(), Conditions.READY)
        .map(c -> !reason.equals(c.getReason()) || !message.equals(c.getMessage())).orElse(true);
    ready(Conditions.FALSE, reason, message);
    return news;
  }

  /**
   * The fleet is applied: Ready mirrors the fleet domain's Ready (its status and reason; the
   * message says it is the fleet domain's and counts the domains), status.dane is the fleet
   * domain's, and the attached, not ready and refused domains are listed.
   *
   * @param fleet the fleet domain as last seen; null while the operator has not seen it yet
   */
  void markServing(SecureMailDomain fleet, Attachment attachment) {
    String fleetName = transport.getMetadata().getNamespace() + "/" + transport.getMetadata().getName();
    next.setFleetDomain(fleetName);
    counts(attachment);
    next.setDane(fleet == null || fleet.getStatus() == null || fleet.getStatus().getDane() == null ? null
        : serialization.clone(fleet.getStatus().getDane()));
    Optional<Condition> fleetReady = fleet == null || fleet.getStatus() == null ? Optional.empty()
        : Conditions.find(fleet.getStatus().getConditions(), Conditions.READY);
    String tally = tally(attachment);
    if (fleetReady.isEmpty()) {
      ready(Conditions.FALSE, FLEET_DOMAIN_PENDING, "The fleet's SecureMailDomain " + fleetName
          + " has not reported Ready yet. " + tally);
      return;
    }
    Condition c = fleetReady.get();
    String status = c.getStatus() == null ? Conditions.UNKNOWN : c.getStatus();
    String reason = c.getReason() == null || c.getReason().isBlank() ? FLEET_DOMAIN_PENDING : c.getReason();
    ready(status, reason, "The fleet's SecureMailDomain " + fleetName + " is "
        + (Conditions.TRUE.equals(status) ? "Ready" : "not Ready") + " (" + reason + ": "
        + Optional.ofNullable(c.getMessage()).orElse("") + "). " + tally);
  }

  /**
   * Deletion waits for the attached domains: Ready=False says which (the first few) and what to do.
   *
   * @return true when this is news
   */
  boolean markDeletionBlocked(Attachment attachment) {
    counts(attachment);
    return markRefused(DELETION_BLOCKED, deletionBlockedMessage(transport, attachment.holding()));
  }

  /** What a refused deletion says, in status and in its event. */
  static String deletionBlockedMessage(MailTransport transport, List<String> holding) {
    String names = holding.stream().limit(NAMED).collect(Collectors.joining(", "))
        + (holding.size() > NAMED ? " and " + (holding.size() - NAMED) + " more" : "");
    return "MailTransport " + transport.getMetadata().getNamespace() + "/" + transport.getMetadata().getName()
        + " is not deleted while SecureMailDomains are attached to it (" + holding.size() + "): " + names
        + ". Detach or delete them first (remove their spec.transport); the deletion then completes.";
  }

  private void counts(Attachment attachment) {
    next.setAttachedDomains(attachment.attached().size());
    next.setNotReadyDomains(attachment.notReady().stream().limit(LISTED).toList());
    next.setRefusedDomains(attachment.refused().stream().limit(LISTED).toList());
  }

  private static String tally(Attachment attachment) {
    int attached = attachment.attached().size();
    return attached + (attached == 1 ? " domain" : " domains") + " attached, " + attachment.notReady().size()
        + " not ready" + (attachment.refused().isEmpty() ? "."
            : ", " + attachment.refused().size() + " refused (namespace not allowed by spec.attach).");
  }

  MailTransportStatus next() {
    return next;
  }

  String readyMessage() {
    return Conditions.find(next.getConditions(), Conditions.READY).orElseThrow().getMessage();
  }

  private void ready(String status, String reason, String message) {
    next.setConditions(Conditions.with(next.getConditions(), Conditions.READY, status, reason, message, generation,
        now));
  }

  boolean changed() {
    return !Objects.equals(serialization.asJson(previous), serialization.asJson(next));
  }

  /**
   * Writes status when it changed, by server-side apply of an object holding only name, namespace
   * and status (no resourceVersion precondition to conflict on); the written resource is cached so
   * the next reconcile starts from it.
   */
  void write(Context<MailTransport> context) {
    if (!changed()) {
      return;
    }
    MailTransport fresh = new MailTransport();
    fresh.setMetadata(new ObjectMetaBuilder().withName(transport.getMetadata().getName())
        .withNamespace(transport.getMetadata().getNamespace()).build());
    fresh.setStatus(next);
    PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(transport, fresh, context);
  }

  /** "namespace/name" of a domain, as status lists it. */
  static String nameOf(SecureMailDomain domain) {
    return DomainClaims.nameOf(domain);
  }
}
