package io.securemail.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Whether this replica leads, and the label {@value #LABEL} on the leader's own Pod.
 *
 * <p>Only the leader keeps TLS reports: its store is the one the domains' status is read from. The
 * chart's report Service (HTTPS and LMTP) selects the operator's Pods <em>and</em> this label, so a
 * report reaches the leader, whichever replica the policy server or MTA would otherwise have picked.
 * A readiness gate or a readiness probe that fails on the other replicas would do the same for the
 * Service, but would keep them unready for good: a rolling update would wait on them, and the
 * metrics Service and a PodDisruptionBudget would count them as down. A label on the Pod changes
 * nothing but the report Service's endpoints.
 *
 * <p>The label follows the lease: set when this replica starts leading; removed at start (a label
 * an earlier container of this Pod set, before it lost the lease and exited, is stale) and when it
 * stops leading; and a new leader removes it from any other Pod still carrying it (an old leader
 * cut off from the API server could not). Between the moment a leader goes and the moment the next
 * one labels its Pod the Service has no endpoint: a sender's connection is refused and it tries
 * again, as RFC 8460 section 5.5 asks; a replica reached through a stale endpoint answers "try
 * again" too ({@code ReportReceiver}).
 *
 * <p>The label is written only in a Pod (securemail.leader-election.pod-name, the chart's downward
 * API) with leader election on. Without leader election this replica leads from its start.
 */
@ApplicationScoped
public class LeaderRole {

  /** The label on the leader's Pod that the report Service selects. */
  public static final String LABEL = "securemail.io/leader";

  private static final Logger LOG = Logger.getLogger(LeaderRole.class);
  private static final long RETRY_SECONDS = 5;

  private final boolean electing;
  private final Optional<String> podName;
  private final Optional<String> podNamespace;
  private final KubernetesClient client;
  private final Instant started = Instant.now();
  private volatile Instant leadingSince;
  private final ScheduledExecutorService labeller = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "leader-pod-label");
    thread.setDaemon(true);
    return thread;
  });

  @Inject
  public LeaderRole(
      @ConfigProperty(name = "securemail.leader-election.enabled", defaultValue = "false") boolean electing,
      @ConfigProperty(name = "securemail.leader-election.pod-name") Optional<String> podName,
      @ConfigProperty(name = "securemail.leader-election.pod-namespace") Optional<String> podNamespace,
      KubernetesClient client) {
    this.electing = electing;
    this.podName = podName.filter(n -> !n.isBlank());
    this.podNamespace = podNamespace.filter(n -> !n.isBlank());
    this.client = client;
  }

  /** When this replica began leading (its start, without leader election); empty while it does not lead. */
  public Optional<Instant> leadingSince() {
    return electing ? Optional.ofNullable(leadingSince) : Optional.of(started);
  }

  void onStart(@Observes StartupEvent event) {
    syncLabel();
  }

  /** The lease was taken: label this Pod. */
  void startedLeading() {
    leadingSince = Instant.now();
    LOG.info("Leading: TLS reports are received by this replica");
    syncLabel();
  }

  /** The lease is gone: unlabel this Pod, waiting a little for it (the process exits next). */
  void stoppedLeading() {
    leadingSince = null;
    try {
      labeller.submit(this::applyOnce).get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      // The next leader removes it, and this Pod's next container does at its start.
      LOG.debugf("could not remove the leader label from this Pod: %s", e.toString());
    }
  }

  private boolean labels() {
    return electing && podName.isPresent() && podNamespace.isPresent();
  }

  /** Brings the label in line with the current role, retrying until the API server takes it. */
  private void syncLabel() {
    if (labels()) {
      labeller.execute(this::applyWithRetry);
    }
  }

  private void applyWithRetry() {
    try {
      applyOnce();
    } catch (RuntimeException e) {
      // KubernetesClientException mostly; anything else must not end the retries either.
      LOG.warnf("could not %s the label %s on Pod %s/%s (retrying in %d s): %s",
          leadingSince != null ? "set" : "remove", LABEL, podNamespace.get(), podName.get(), RETRY_SECONDS,
          e.getMessage());
      labeller.schedule(this::applyWithRetry, RETRY_SECONDS, TimeUnit.SECONDS);
    }
  }

  /** One pass: the role is read now, so a pass queued before a change applies the latest role. */
  private void applyOnce() {
    if (!labels()) {
      return;
    }
    boolean leading = leadingSince != null;
    String namespace = podNamespace.get();
    String self = podName.get();
    // A JSON merge patch (RFC 7396): a null value removes the label, and removing one that is not
    // there is no error.
    client.pods().inNamespace(namespace).withName(self).patch(PatchContext.of(PatchType.JSON_MERGE), patch(leading));
    if (leading) {
      for (Pod other : client.pods().inNamespace(namespace).withLabel(LABEL, "true").list().getItems()) {
        if (!self.equals(other.getMetadata().getName())) {
          LOG.infof("Removing the leader label from Pod %s, which no longer leads", other.getMetadata().getName());
          client.pods().inNamespace(namespace).withName(other.getMetadata().getName())
              .patch(PatchContext.of(PatchType.JSON_MERGE), patch(false));
        }
      }
    }
  }

  static String patch(boolean leading) {
    return "{\"metadata\":{\"labels\":{\"" + LABEL + "\":" + (leading ? "\"true\"" : "null") + "}}}";
  }
}
