package io.securemail.operator.evidence;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.securemail.operator.api.ComplianceStatus;
import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.MtaStsStatus;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainStatus;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.tlsrpt.AtomicFile;
import io.securemail.operator.tlsrpt.ReportLabels;
import io.securemail.operator.tlsrpt.RetentionPeriod;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The operator's own history of each SecureMailDomain, kept on disk beside the TLS report store:
 * compliance runs, DANE rollover phase changes per MX host, MTA-STS policy changes and MX changes
 * (docs/operations.md#the-evidence-journal). Written from what a reconcile already observed, so it
 * costs no API call; only the leader reconciles, so only the leader records.
 *
 * <p>One file per resource ({@code <hash of namespace/name>.json}), replaced by writing a temporary
 * file and renaming it, so a crash leaves the old or the new file, never half of one. A compliance
 * run that repeats the last entry's verdicts only moves that entry's last time and run count: the
 * entry alone goes to a side file ({@code .runs.json}, again by rename), so a domain checked every
 * few minutes does not rewrite its whole history each time.
 *
 * <p>Memory holds per domain the rollover, MTA-STS and MX entries (what labels need) and the last
 * compliance entry; older compliance entries are read from the file when the history is served.
 */
@ApplicationScoped
public class EvidenceJournal implements ReportLabels {

  static final String HISTORY = ".json";
  static final String RUNS = ".runs.json";
  static final String TEMPORARY = AtomicFile.TEMPORARY;

  private static final Logger LOG = Logger.getLogger(EvidenceJournal.class);
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** One domain in memory: its history with only the last compliance entry. */
  private static final class Held {
    DomainHistory history;

    Held(DomainHistory history) {
      this.history = history;
    }

    ComplianceEntry open() {
      return history.compliance().isEmpty() ? null : history.compliance().get(history.compliance().size() - 1);
    }
  }

  private final Path dir;
  private final JournalBounds bounds;
  private final Clock clock;
  private final Map<String, Held> held = new ConcurrentHashMap<>();

  @Inject
  public EvidenceJournal(@ConfigProperty(name = "securemail.evidence.store") Optional<Path> evidenceDir,
      @ConfigProperty(name = "securemail.tlsrpt.store") Optional<Path> reportDir,
      @ConfigProperty(name = "securemail.evidence.max-entries", defaultValue = "50") int maxEntries,
      @ConfigProperty(name = "securemail.evidence.max-age", defaultValue = "400d") String maxAge) {
    this(evidenceDir.orElseGet(() -> reportDir.map(d -> d.resolve("evidence")).orElseGet(EvidenceJournal::temporary)),
        new JournalBounds(maxEntries, RetentionPeriod.parse("securemail.evidence.max-age", maxAge)),
        Clock.systemUTC());
  }

  public EvidenceJournal(Path dir, JournalBounds bounds, Clock clock) {
    this.dir = dir;
    this.bounds = bounds;
    this.clock = clock;
    try {
      Files.createDirectories(dir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(f -> f.getFileName().toString().endsWith(TEMPORARY)).toList()) {
          // A write a crash interrupted: the file it was to replace is still whole.
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the evidence journal " + dir + " cannot be used: " + e.getMessage(), e);
    }
  }

  private static Path temporary() {
    try {
      Path dir = Files.createTempDirectory("securemail-evidence");
      LOG.warnf("securemail.tlsrpt.store is not set: the evidence journal is kept in %s and lost on restart", dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path directory() {
    return dir;
  }

  /**
   * Records what one reconcile observed: {@code next} is the status it computed, the resource's own
   * status the one before. A failure to write is logged and the reconcile goes on: evidence is no
   * reason to stop publishing a domain.
   *
   * @param complianceRan whether a compliance run completed in this reconcile (its results are
   *     {@code next.compliance})
   */
  public void record(SecureMailDomain domain, SecureMailDomainStatus next, boolean complianceRan) {
    String namespace = domain.getMetadata().getNamespace();
    String name = domain.getMetadata().getName();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Held h = held.computeIfAbsent(key(namespace, name), k -> load(namespace, name)
        .orElseGet(() -> new Held(DomainHistory.empty(namespace, name, domain.getSpec().getDomain()))));
    synchronized (h) {
      DomainHistory before = h.history;
      DomainHistory after = before.withDomain(domain.getSpec().getDomain());
      List<String> hosts = mxHosts(domain);
      after = mx(after, hosts, now);
      String previousPhase = domain.getStatus() == null || domain.getStatus().getDane() == null ? null
          : domain.getStatus().getDane().getPhase();
      after = rollovers(after, hosts, previousPhase, next.getDane(), now);
      after = mtaSts(after, next.getMtaSts(), now);
      boolean newRun = false;
      if (complianceRan && next.getCompliance() != null && next.getCompliance().getChecks() != null) {
        ComplianceEntry open = h.open();
        String profile = profile(next.getCompliance().getProfile());
        List<CheckEntry> checks = checks(next.getCompliance());
        if (open != null && open.sameAs(profile, checks)) {
          h.history = after.withCompliance(List.of(open.withRun(now, checks)));
          newRun = true;
        } else {
          boolean compliant = checks.stream().noneMatch(c -> "fail".equals(c.status()));
          ComplianceEntry started = new ComplianceEntry(now, now, 1, profile, compliant, checks);
          after = after.withCompliance(open == null ? List.of(started) : List.of(open, started));
        }
      }
      try {
        if (!after.equals(before) && !newRun) {
          rewrite(h, after, now);
        } else if (newRun) {
          if (!after.withCompliance(List.of()).equals(before.withCompliance(List.of()))) {
            rewrite(h, h.history, now);
          } else {
            AtomicFile.write(file(namespace, name, RUNS), JSON.writeValueAsBytes(h.open()));
          }
        }
      } catch (IOException e) {
        LOG.warnf("the evidence journal of %s/%s could not be written: %s", namespace, name, e.getMessage());
      }
    }
  }

  /** The whole kept history of a resource, or empty when the journal keeps none. */
  public Optional<DomainHistory> history(String namespace, String name) {
    Held h = held(namespace, name);
    if (h == null) {
      return Optional.empty();
    }
    synchronized (h) {
      try {
        return Optional.of(h.history.withCompliance(merged(namespace, name, h.history.compliance()))
            .bounded(bounds, clock.instant()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public List<String> during(SecureMailDomain domain, Instant start, Instant end) {
    Held h = held(domain.getMetadata().getNamespace(), domain.getMetadata().getName());
    if (h == null) {
      return List.of();
    }
    synchronized (h) {
      return ChangeLabels.during(h.history, start, end);
    }
  }

  /** Forgets a deleted resource: its files go. */
  public void delete(String namespace, String name) {
    Held h = held.remove(key(namespace, name));
    Object lock = h == null ? new Object() : h;
    synchronized (lock) {
      try {
        Files.deleteIfExists(file(namespace, name, HISTORY));
        Files.deleteIfExists(file(namespace, name, RUNS));
      } catch (IOException e) {
        LOG.warnf("the evidence journal of %s/%s could not be deleted: %s", namespace, name, e.getMessage());
      }
    }
  }

  /** Who a history file belongs to. */
  @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
  record Owner(String namespace, String name) {}

  /**
   * Deletes the history of every resource that {@code exists} no longer knows: one whose finalizer
   * was removed by hand, so that its cleanup never ran. Called once the operator sees every resource.
   *
   * @return how many histories were deleted
   */
  public int sweep(java.util.function.BiPredicate<String, String> exists) {
    int deleted = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(HISTORY)
          && !f.getFileName().toString().endsWith(RUNS)).toList()) {
        Owner owner;
        try {
          owner = JSON.readValue(file.toFile(), Owner.class);
        } catch (IOException e) {
          continue;
        }
        if (owner.namespace() != null && owner.name() != null && !exists.test(owner.namespace(), owner.name())) {
          delete(owner.namespace(), owner.name());
          deleted++;
        }
      }
    } catch (IOException e) {
      LOG.warnf("the evidence journal %s could not be swept: %s", dir, e.getMessage());
    }
    return deleted;
  }

  private Held held(String namespace, String name) {
    String key = key(namespace, name);
    Held h = held.get(key);
    if (h != null) {
      return h;
    }
    Optional<Held> loaded = load(namespace, name);
    return loaded.map(l -> held.computeIfAbsent(key, k -> l)).orElse(null);
  }

  private static DomainHistory mx(DomainHistory history, List<String> hosts, Instant now) {
    if (hosts.isEmpty()) {
      return history;
    }
    MxEntry last = history.mx().isEmpty() ? null : history.mx().get(history.mx().size() - 1);
    if (last == null) {
      return history.plusMx(new MxEntry(now, hosts, hosts, List.of(), true));
    }
    if (last.hosts().equals(hosts)) {
      return history;
    }
    List<String> added = hosts.stream().filter(h -> !last.hosts().contains(h)).toList();
    List<String> removed = last.hosts().stream().filter(h -> !hosts.contains(h)).toList();
    return history.plusMx(new MxEntry(now, hosts, added, removed, false));
  }

  private static DomainHistory rollovers(DomainHistory history, List<String> hosts, String previousPhase,
      DaneStatus dane, Instant now) {
    if (dane == null || dane.getPhase() == null) {
      return history;
    }
    DomainHistory after = history;
    for (String host : hosts) {
      RolloverEntry last = after.lastRollover(host);
      if (last != null && last.to().equals(dane.getPhase())) {
        continue;
      }
      String from = last != null ? last.to()
          : previousPhase != null && !previousPhase.equals(dane.getPhase()) ? previousPhase : null;
      after = after.plusRollover(new RolloverEntry(now, host, from, dane.getPhase(), dane.getCurrentSpkiSha256(),
          dane.getNextSpkiSha256()));
    }
    return after;
  }

  private static DomainHistory mtaSts(DomainHistory history, MtaStsStatus sts, Instant now) {
    if (sts == null || sts.getPolicyId() == null) {
      return history;
    }
    List<String> mx = sts.getMx() == null ? List.of() : List.copyOf(sts.getMx());
    MtaStsEntry last = history.mtaSts().isEmpty() ? null : history.mtaSts().get(history.mtaSts().size() - 1);
    if (last != null && last.policyId().equals(sts.getPolicyId()) && Objects.equals(last.mode(), sts.getMode())
        && last.mx().equals(mx)) {
      return history;
    }
    return history.plusMtaSts(new MtaStsEntry(now, sts.getPolicyId(), sts.getMode(), mx,
        PolicyChange.describe(last, sts.getMode(), mx), last == null));
  }

  /** The domain's MX hosts as compared: lower case, without a final dot, sorted. */
  static List<String> mxHosts(SecureMailDomain domain) {
    TreeSet<String> hosts = new TreeSet<>();
    for (MxHost mx : domain.getSpec().getMx()) {
      if (mx.getHost() != null) {
        String host = mx.getHost().strip().toLowerCase(Locale.ROOT);
        hosts.add(host.endsWith(".") ? host.substring(0, host.length() - 1) : host);
      }
    }
    return List.copyOf(hosts);
  }

  /** The profile as status names it (rfc when it does not say), the name the evidence document gives it. */
  static String profile(String id) {
    return id == null ? Profile.RFC.id() : Profile.publicName(id);
  }

  private static List<CheckEntry> checks(ComplianceStatus status) {
    return status.getChecks().stream()
        .map(c -> new CheckEntry(c.getId(), c.getSubject(), c.getStatus(), c.getMessage())).toList();
  }

  /**
   * Replaces the resource's file with {@code history}, whose compliance list holds only the newest
   * entries, merged into the entries on disk.
   */
  private void rewrite(Held h, DomainHistory history, Instant now) throws IOException {
    String namespace = history.namespace();
    String name = history.name();
    DomainHistory full = history.withCompliance(merged(namespace, name, history.compliance())).bounded(bounds, now);
    AtomicFile.write(file(namespace, name, HISTORY), JSON.writeValueAsBytes(full));
    Files.deleteIfExists(file(namespace, name, RUNS));
    ComplianceEntry last = full.compliance().isEmpty() ? null : full.compliance().get(full.compliance().size() - 1);
    h.history = full.withCompliance(last == null ? List.of() : List.of(last));
  }

  /** The compliance entries on disk, each of {@code newest} replacing the one with its first time, or after them. */
  private List<ComplianceEntry> merged(String namespace, String name, List<ComplianceEntry> newest)
      throws IOException {
    List<ComplianceEntry> entries = new ArrayList<>(read(namespace, name).map(DomainHistory::compliance)
        .orElse(List.of()));
    for (ComplianceEntry entry : newest) {
      if (!entries.isEmpty() && entries.get(entries.size() - 1).time().equals(entry.time())) {
        entries.set(entries.size() - 1, entry);
      } else {
        entries.add(entry);
      }
    }
    return entries;
  }

  private Optional<Held> load(String namespace, String name) {
    try {
      return read(namespace, name).map(history -> {
        DomainHistory bounded = history.bounded(bounds, clock.instant());
        List<ComplianceEntry> compliance = bounded.compliance();
        return new Held(bounded.withCompliance(compliance.isEmpty() ? List.of()
            : List.of(compliance.get(compliance.size() - 1))));
      });
    } catch (IOException e) {
      // Not torn by a crash (files are replaced whole), but unreadable all the same: start afresh
      // rather than stop the domain's reconciles; the next change replaces the file.
      LOG.warnf("the evidence journal of %s/%s cannot be read and starts afresh: %s", namespace, name,
          e.getMessage());
      return Optional.empty();
    }
  }

  /** The file's history with the side file's newer last compliance entry in it. */
  private Optional<DomainHistory> read(String namespace, String name) throws IOException {
    Path file = file(namespace, name, HISTORY);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    DomainHistory history = JSON.readValue(file.toFile(), DomainHistory.class);
    Path runsFile = file(namespace, name, RUNS);
    if (!history.compliance().isEmpty() && Files.exists(runsFile)) {
      ComplianceEntry runs = JSON.readValue(runsFile.toFile(), ComplianceEntry.class);
      List<ComplianceEntry> entries = new ArrayList<>(history.compliance());
      ComplianceEntry last = entries.get(entries.size() - 1);
      if (last.time().equals(runs.time()) && runs.runs() > last.runs()) {
        entries.set(entries.size() - 1, runs);
        history = history.withCompliance(entries);
      }
    }
    return Optional.of(history);
  }

  private Path file(String namespace, String name, String suffix) {
    return dir.resolve(key(namespace, name) + suffix);
  }

  /** A hash: namespace and name together may be longer than a file name may be. */
  static String key(String namespace, String name) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((namespace + "/" + name).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
