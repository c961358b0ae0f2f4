package io.securemail.operator.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many domains' site entries changing at once take few writes, and none is lost or overtaken: what
 * each write carried is what the shard then holds, in the order the changes came.
 */
class SiteWritesTest {

  private static final SiteWrites.Shard SHARD = new SiteWrites.Shard("mail", "securemail-mta-sts-site-0a");
  private static final SiteWrites.Shard OTHER = new SiteWrites.Shard("mail", "securemail-mta-sts-site-0b");
  private static final OwnerReference OWNER = new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
      .withName(PolicyServer.CONFIG).withUid("uid-1").build();

  /** A shard as the API server keeps it after merge patches (null removes a key), and every write made. */
  private static final class Store {
    final Map<SiteWrites.Shard, Map<String, String>> shards = new HashMap<>();
    final List<Map<String, String>> writes = new ArrayList<>();
    RuntimeException failNext;

    synchronized void write(SiteWrites.Shard shard, Map<String, String> data, OwnerReference owner) {
      if (failNext != null) {
        RuntimeException e = failNext;
        failNext = null;
        throw e;
      }
      writes.add(new LinkedHashMap<>(data));
      Map<String, String> held = shards.computeIfAbsent(shard, s -> new LinkedHashMap<>());
      data.forEach((key, value) -> {
        if (value == null) {
          held.remove(key);
        } else {
          held.put(key, value);
        }
      });
    }
  }

  /** A clock moved by hand, and the tasks due by it. */
  private static final class Time extends Clock {
    Instant now = Instant.parse("2026-12-06T12:00:00Z");
    final List<Map.Entry<Instant, Runnable>> tasks = new ArrayList<>();

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    void schedule(Runnable task, Duration delay) {
      tasks.add(Map.entry(now.plus(delay), task));
    }

    /** Moves the clock and runs what is due, in order. */
    void advance(Duration by) {
      now = now.plus(by);
      List<Map.Entry<Instant, Runnable>> due;
      while (!(due = tasks.stream().filter(t -> !t.getKey().isAfter(now)).toList()).isEmpty()) {
        tasks.removeAll(due);
        due.forEach(t -> t.getValue().run());
      }
    }
  }

  private final Store store = new Store();
  private final Time time = new Time();
  private final SiteWrites writes = new SiteWrites(store::write, time::schedule, time, SiteWrites.SPACING);

  @Test
  void aChangeToAQuietShardIsWrittenAtOnce() {
    assertThat(writes.submit(SHARD, "mail/a", Map.of("a.txt", "policy a"), OWNER)).isEqualTo(SiteWrites.Outcome.WRITTEN);
    assertThat(store.shards.get(SHARD)).containsExactly(Map.entry("a.txt", "policy a"));
    // Another shard is not held up by this one's write.
    assertThat(writes.submit(OTHER, "mail/b", Map.of("b.txt", "policy b"), OWNER)).isEqualTo(SiteWrites.Outcome.WRITTEN);
  }

  @Test
  void changesThatComeTogetherShareOneWrite() {
    writes.submit(SHARD, "mail/d0", Map.of("d0.txt", "p0"), OWNER);
    for (int i = 1; i < 16; i++) {
      assertThat(writes.submit(SHARD, "mail/d" + i, Map.of("d" + i + ".txt", "p" + i), OWNER))
          .isEqualTo(SiteWrites.Outcome.QUEUED);
    }
    assertThat(store.writes).hasSize(1);
    time.advance(SiteWrites.SPACING.minusSeconds(1));
    assertThat(store.writes).as("not before the spacing").hasSize(1);
    time.advance(Duration.ofSeconds(1));
    assertThat(store.writes).hasSize(2);
    assertThat(store.shards.get(SHARD)).hasSize(16).containsEntry("d15.txt", "p15");
  }

  @Test
  void aDomainsLaterChangeIsNeverOvertakenByItsEarlierOne() {
    writes.submit(SHARD, "mail/x", Map.of("other.txt", "o"), OWNER);
    writes.submit(SHARD, "mail/a", Map.of("a.txt", "v1"), OWNER);
    writes.submit(SHARD, "mail/a", Map.of("a.txt", "v2"), OWNER);
    Map<String, String> removal = new HashMap<>();
    removal.put("other.txt", null);
    writes.submit(SHARD, "mail/x", removal, OWNER);
    time.advance(SiteWrites.SPACING);
    assertThat(store.shards.get(SHARD)).containsExactly(Map.entry("a.txt", "v2"));
  }

  @Test
  void aChangeAlreadyQueuedIsNotQueuedTwice() {
    writes.submit(SHARD, "mail/x", Map.of("x.txt", "x"), OWNER);
    writes.submit(SHARD, "mail/a", Map.of("a.txt", "v1"), OWNER);
    assertThat(writes.submit(SHARD, "mail/a", Map.of("a.txt", "v1"), OWNER)).isEqualTo(SiteWrites.Outcome.UNCHANGED);
  }

  @Test
  void aDeletedDomainsEntriesDoNotComeBackFromAnOlderQueuedChange() throws InterruptedException {
    writes.submit(SHARD, "mail/x", Map.of("x.txt", "x"), OWNER);
    writes.submit(SHARD, "mail/a", Map.of("a.txt", "v1", "b.txt", "kept"), OWNER);
    Map<String, String> removal = new HashMap<>();
    removal.put("a.txt", null);
    writes.writeNow(SHARD, "mail/a", removal, true);
    time.advance(SiteWrites.SPACING);
    assertThat(store.shards.get(SHARD)).containsOnlyKeys("x.txt", "b.txt");
  }

  @Test
  void aDeletedDomainWhoseChangeWasOnlyQueuedLeavesNothingBehind() throws InterruptedException {
    writes.submit(SHARD, "mail/x", Map.of("x.txt", "x"), OWNER);
    writes.submit(SHARD, "mail/a", Map.of("a.txt", "v1"), OWNER);
    Map<String, String> removal = new HashMap<>();
    removal.put("a.txt", null);
    writes.writeNow(SHARD, "mail/a", removal, false);
    time.advance(SiteWrites.SPACING);
    assertThat(store.shards.get(SHARD)).containsOnlyKeys("x.txt");
    // Nothing held and nothing queued: no write at all.
    int before = store.writes.size();
    writes.writeNow(SHARD, "mail/b", Map.of(), false);
    assertThat(store.writes).hasSize(before);
  }

  @Test
  void aFailedBatchIsReportedToEachDomainItCarriedOnceAndWrittenAgainNoSoonerThanTheSpacing() {
    List<String> woken = new ArrayList<>();
    writes.onFailure(woken::add);
    writes.submit(SHARD, "mail/x", Map.of("x.txt", "x"), OWNER);
    writes.submit(SHARD, "mail/a", Map.of("a.txt", "a"), OWNER);
    writes.submit(SHARD, "mail/b", Map.of("b.txt", "b"), OWNER);
    store.failNext = new KubernetesClientException("the API server is busy");
    time.advance(SiteWrites.SPACING);
    assertThat(woken).containsExactly("mail/a", "mail/b");
    assertThat(writes.takeFailure("mail/a")).isEqualTo("the API server is busy");
    assertThat(writes.takeFailure("mail/a")).isNull();
    assertThat(writes.takeFailure("mail/x")).isNull();
    // The domain submits again at its next reconcile: the shard was just tried, so it waits.
    assertThat(writes.submit(SHARD, "mail/a", Map.of("a.txt", "a"), OWNER)).isEqualTo(SiteWrites.Outcome.QUEUED);
    time.advance(SiteWrites.SPACING.minusSeconds(1));
    assertThat(store.shards.get(SHARD)).doesNotContainKey("a.txt");
    time.advance(Duration.ofSeconds(1));
    assertThat(store.shards.get(SHARD)).containsKey("a.txt");
  }

  @Test
  void aFailedWriteAtOnceIsTheCallersError() {
    store.failNext = new KubernetesClientException("forbidden");
    assertThatThrownBy(() -> writes.submit(SHARD, "mail/a", Map.of("a.txt", "a"), OWNER))
        .isInstanceOf(KubernetesClientException.class).hasMessageContaining("forbidden");
    // The shard is free again, after its spacing.
    time.advance(SiteWrites.SPACING);
    assertThat(writes.submit(SHARD, "mail/a", Map.of("a.txt", "a"), OWNER)).isEqualTo(SiteWrites.Outcome.WRITTEN);
  }

  @Test
  void writesOfOneShardNeverOverlap() throws Exception {
    CountDownLatch inWrite = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> overlaps = new ArrayList<>();
    int[] open = {0};
    SiteWrites slow = new SiteWrites((shard, data, owner) -> {
      synchronized (open) {
        if (open[0]++ > 0) {
          overlaps.add(data.toString());
        }
      }
      inWrite.countDown();
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (open) {
        open[0]--;
      }
    }, time::schedule, time, SiteWrites.SPACING);
    Thread first = new Thread(() -> slow.submit(SHARD, "mail/a", Map.of("a.txt", "a"), OWNER));
    first.start();
    assertThat(inWrite.await(5, TimeUnit.SECONDS)).isTrue();
    Map<String, String> removal = new HashMap<>();
    removal.put("b.txt", null);
    Thread deletion = new Thread(() -> {
      try {
        slow.writeNow(SHARD, "mail/b", removal, true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    deletion.start();
    Thread.sleep(200);
    release.countDown();
    first.join(5000);
    deletion.join(5000);
    assertThat(overlaps).isEmpty();
  }
}
