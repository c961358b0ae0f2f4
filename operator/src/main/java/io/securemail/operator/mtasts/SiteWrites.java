package io.securemail.operator.mtasts;

import io.fabric8.kubernetes.api.model.OwnerReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The writes of the site Secrets' entries ({@link PolicySite}), several domains' in one write when
 * many change at once.
 *
 * <p>A shard is written at most once per {@link #SPACING}. A change to a shard nobody wrote to
 * within that time is written at once, by the caller, as before batching: a single domain's new
 * policy is on the server when its reconcile goes on to fetch it. A change that comes sooner (a
 * thousand domains created together, about sixteen per shard) joins the shard's next write, made
 * by one background thread when the spacing has passed, and the caller goes on without waiting.
 *
 * <p>Waiting does not weaken MTA-STS: nothing is published on the strength of a write. The TXT id
 * moves only once a fetch returns the new policy from every replica (RFC 8461 section 3.3,
 * {@link PolicyBackends}); until the entry is written the fetch gets the previous content and the
 * domain looks again after its poll interval, shorter than the spacing's wait at most.
 *
 * <p>A write is a JSON merge patch (RFC 7386) of the changed keys only, never a read-modify-write:
 * domains never overwrite each other's keys, and the API server has no version to refuse, so there
 * is no conflict to retry. Within a shard, writes are made one at a time and in the order the
 * changes came, so a domain's later change is never overtaken by its earlier one. A failed write is
 * reported to each domain it carried, at that domain's next reconcile, which submits its change
 * again: at most one attempt per shard per spacing, never a storm.
 */
final class SiteWrites {

  /**
   * How long a shard waits after a write before the next: below the kubelet's refresh of a mounted
   * Secret (about a minute), so the wait adds little to when a policy is served, and equal to the
   * default MTA-STS poll, so the domain's next look finds its entry written.
   */
  static final Duration SPACING = Duration.ofSeconds(10);

  /** One site Secret of one namespace. */
  record Shard(String namespace, String name) {}

  /** Writes the changed keys of a shard (a null value removes the key) and, when given, its sole owner. */
  interface Writer {
    void write(Shard shard, Map<String, String> data, OwnerReference owner);
  }

  /** Runs a task after a delay (a background thread in the operator; by hand in tests). */
  interface Scheduler {
    void schedule(Runnable task, Duration delay);
  }

  /** What became of a change: written by the caller, or left to the shard's next write. */
  enum Outcome { WRITTEN, QUEUED, UNCHANGED }

  /** Changes waiting for one write of a shard: each key's value in the order given, and whose they are. */
  private static final class Batch {
    final Map<String, String> data = new LinkedHashMap<>();
    OwnerReference owner;
    final Set<String> domains = new LinkedHashSet<>();

    boolean holds(Map<String, String> changes, OwnerReference wantedOwner) {
      return changes.entrySet().stream().allMatch(e -> data.containsKey(e.getKey())
          && Objects.equals(data.get(e.getKey()), e.getValue()))
          && (wantedOwner == null || owner != null && Objects.equals(owner.getUid(), wantedOwner.getUid()));
    }

    void add(String domain, Map<String, String> changes, OwnerReference newOwner) {
      data.putAll(changes);
      if (newOwner != null) {
        owner = newOwner;
      }
      domains.add(domain);
    }
  }

  private static final class ShardState {
    Instant lastWrite = Instant.EPOCH;
    /** The batch being written now; null: no write in progress. */
    Batch writing;
    /** The changes for the next write; null: none. */
    Batch next;
  }

  private final Writer writer;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Duration spacing;
  private final Map<Shard, ShardState> shards = new HashMap<>();
  /** Why the last write carrying a domain's change failed, by namespace/name, until that domain hears of it. */
  private final Map<String, String> failures = new HashMap<>();
  private Consumer<String> onFailure = domain -> {};

  SiteWrites(Writer writer, Scheduler scheduler, Clock clock, Duration spacing) {
    this.writer = writer;
    this.scheduler = scheduler;
    this.clock = clock;
    this.spacing = spacing;
  }

  /** Called with a domain's namespace/name when a queued write carrying its change failed. */
  void onFailure(Consumer<String> listener) {
    this.onFailure = listener;
  }

  /**
   * Writes a domain's changes to a shard, at once when the shard is free, else with its next write.
   *
   * @param domain the domain's namespace/name
   * @param changes keys and their new values (null: removed)
   * @param owner the shard's sole owner from now on; null: as it is
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when written at once and that failed
   */
  Outcome submit(Shard shard, String domain, Map<String, String> changes, OwnerReference owner) {
    Batch mine;
    synchronized (this) {
      ShardState state = shards.computeIfAbsent(shard, s -> new ShardState());
      if (state.next != null && state.next.holds(changes, owner)
          || state.next == null && state.writing != null && state.writing.holds(changes, owner)) {
        return Outcome.UNCHANGED;
      }
      Instant now = clock.instant();
      Instant free = state.lastWrite.plus(spacing);
      if (state.writing != null || state.next != null || now.isBefore(free)) {
        if (state.next == null) {
          state.next = new Batch();
          Duration wait = now.isBefore(free) ? Duration.between(now, free) : Duration.ZERO;
          // While a write is in progress the flush waits for it (flush looks again when it ends).
          scheduler.schedule(() -> flush(shard), wait);
        }
        state.next.add(domain, changes, owner);
        return Outcome.QUEUED;
      }
      mine = new Batch();
      mine.add(domain, changes, owner);
      state.writing = mine;
      state.lastWrite = now;
    }
    try {
      writer.write(shard, mine.data, mine.owner);
    } finally {
      finished(shard);
    }
    return Outcome.WRITTEN;
  }

  /**
   * Writes a domain's changes now, after any write in progress, taking its keys out of the shard's
   * next write so that an older queued value can never land after them (a deleted domain's entries
   * must not come back).
   *
   * @param present whether the shard is known to hold some of the keys; if not, the write is made
   *     only when a queued or ongoing write carried them
   */
  void writeNow(Shard shard, String domain, Map<String, String> changes, boolean present) throws InterruptedException {
    Batch mine = new Batch();
    mine.add(domain, changes, null);
    synchronized (this) {
      ShardState state = shards.computeIfAbsent(shard, s -> new ShardState());
      boolean carried = false;
      while (state.writing != null) {
        carried |= state.writing.data.keySet().stream().anyMatch(changes::containsKey);
        wait();
      }
      if (state.next != null) {
        carried |= state.next.data.keySet().removeAll(changes.keySet());
      }
      failures.remove(domain);
      if (!present && !carried) {
        return;
      }
      state.writing = mine;
      state.lastWrite = clock.instant();
    }
    try {
      writer.write(shard, mine.data, null);
    } finally {
      finished(shard);
    }
  }

  /** Why the last write of the domain's queued change failed, once; null when it did not. */
  synchronized String takeFailure(String domain) {
    return failures.remove(domain);
  }

  /** Forgets a namespace's shards (its server is gone); writes in progress finish as they are. */
  synchronized void forgetNamespace(String namespace) {
    shards.entrySet().removeIf(e -> e.getKey().namespace().equals(namespace) && e.getValue().writing == null
        && e.getValue().next == null);
  }

  private void flush(Shard shard) {
    Batch batch;
    synchronized (this) {
      ShardState state = shards.get(shard);
      if (state == null || state.next == null) {
        return;
      }
      if (state.writing != null) {
        // finished() schedules this flush again.
        return;
      }
      batch = state.next;
      state.next = null;
      state.writing = batch;
      state.lastWrite = clock.instant();
    }
    List<String> failed = List.of();
    try {
      if (!batch.data.isEmpty() || batch.owner != null) {
        writer.write(shard, batch.data, batch.owner);
      }
    } catch (RuntimeException e) {
      failed = List.copyOf(batch.domains);
      String why = e.getMessage();
      synchronized (this) {
        failed.forEach(domain -> failures.put(domain, why));
      }
    } finally {
      finished(shard);
    }
    failed.forEach(onFailure);
  }

  private void finished(Shard shard) {
    synchronized (this) {
      ShardState state = shards.get(shard);
      state.writing = null;
      if (state.next != null) {
        Duration wait = Duration.between(clock.instant(), state.lastWrite.plus(spacing));
        scheduler.schedule(() -> flush(shard), wait.isNegative() ? Duration.ZERO : wait);
      }
      notifyAll();
    }
  }

  /** The background writer of the operator: one daemon thread for every namespace's shards. */
  static Scheduler daemonScheduler() {
    var executor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "securemail-policy-site");
      thread.setDaemon(true);
      return thread;
    });
    return (task, delay) -> executor.schedule(task, delay.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }
}
