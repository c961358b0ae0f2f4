package io.securemail.operator.tlsrpt;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.securemail.operator.tlsrpt.ReportIntake.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Accepted reports in a directory: one file per report ({@code reports/<hash of report-id>.json},
 * the report's JSON as received) and an index ({@code index.jsonl}, one {@link StoredReport} a
 * line). A report file is written to a temporary name and renamed, so a crash leaves either the
 * whole file or none; its index line is appended after, and a file the index misses is read back
 * into it on the next start. The index is rewritten (again by rename) when retention removes
 * reports. Deduplication by report-id (RFC 8460 section 4.1) therefore survives a restart.
 *
 * <p>Retention is bounded twice: a report received longer ago than {@code retention} goes, and
 * while the reports together exceed {@code maxTotalBytes} the oldest report of the domain whose
 * reports take the most goes, so a domain flooded with reports loses its own before anyone else's.
 *
 * <p>A {@link ReportQuota} caps what one domain, and one organisation about one domain, may hold:
 * a report beyond it is refused ({@link ReportIntake.Verdict#OVER_QUOTA}) instead of kept.
 */
public final class ReportStore {

  /** What one {@link #add} did. */
  public enum Added { NEW, DUPLICATE }

  static final String INDEX = "index.jsonl";
  static final String REPORTS = "reports";

  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path dir;
  private final Path reports;
  private final Path index;
  private final Duration retention;
  private final long maxTotalBytes;
  private final ReportQuota quota;
  private final Clock clock;
  /** By report-id, oldest received first. */
  private final LinkedHashMap<String, StoredReport> entries = new LinkedHashMap<>();
  private long totalBytes;
  /** The bytes of the kept reports naming each policy domain. */
  private final Map<String, Long> domainBytes = new HashMap<>();

  /**
   * Opens (or creates) the store in {@code dir} and applies retention at once.
   *
   * @throws UncheckedIOException when the directory cannot be created or read
   */
  public ReportStore(Path dir, Duration retention, long maxTotalBytes, Clock clock) {
    this(dir, retention, maxTotalBytes, ReportQuota.NONE, clock);
  }

  /**
   * Opens (or creates) the store in {@code dir}, holding each domain and organisation to {@code quota}.
   *
   * @throws UncheckedIOException when the directory cannot be created or read
   */
  public ReportStore(Path dir, Duration retention, long maxTotalBytes, ReportQuota quota, Clock clock) {
    this.dir = dir;
    this.quota = quota;
    this.reports = dir.resolve(REPORTS);
    this.index = dir.resolve(INDEX);
    this.retention = retention;
    this.maxTotalBytes = maxTotalBytes;
    this.clock = clock;
    try {
      Files.createDirectories(reports);
      load();
      prune();
      rewriteIndex();
    } catch (IOException e) {
      throw new UncheckedIOException("the TLS report store " + dir + " cannot be used: " + e.getMessage(), e);
    }
  }

  public Path directory() {
    return dir;
  }

  /** Whether a report with this report-id is kept. */
  public synchronized boolean contains(String reportId) {
    return entries.containsKey(reportId);
  }

  /**
   * Keeps a report unless one with the same report-id is kept, or the report would take a domain
   * or an organisation beyond its {@link ReportQuota}.
   *
   * @param json the report's JSON, as it is written to its file
   * @throws ReportRefusal with {@link ReportIntake.Verdict#OVER_QUOTA} when a quota is reached
   */
  public synchronized Added add(TlsReport report, byte[] json, Channel channel) throws IOException, ReportRefusal {
    if (entries.containsKey(report.reportId())) {
      return Added.DUPLICATE;
    }
    String file = fileName(report.reportId());
    StoredReport entry = StoredReport.of(report, file, json.length, clock.instant(), channel);
    // Reports past their retention leave first: the room they held counts for the quota.
    boolean pruned = prune();
    try {
      checkQuota(entry);
    } catch (ReportRefusal refusal) {
      if (pruned) {
        rewriteIndex();
      }
      throw refusal;
    }
    AtomicFile.write(reports.resolve(file), json);
    appendIndex(entry);
    put(entry);
    if (prune() || pruned) {
      rewriteIndex();
    }
    return Added.NEW;
  }

  private void checkQuota(StoredReport entry) throws ReportRefusal {
    for (String domain : entry.domains()) {
      long held = domainBytes.getOrDefault(domain, 0L);
      if (held + entry.bytes() > quota.domainBytes()) {
        throw new ReportRefusal(ReportIntake.Verdict.OVER_QUOTA, "the reports kept about " + domain + " take "
            + held + " bytes of their quota of " + quota.domainBytes() + "; room is made as older reports "
            + "leave the retention period");
      }
    }
    if (quota.organizationReportsPerDay() == Integer.MAX_VALUE) {
      return;
    }
    Instant since = entry.receivedAt().minus(ReportQuota.DAY);
    String organization = organizationKey(entry);
    for (String domain : entry.domains()) {
      long recent = entries.values().stream().filter(e -> !e.receivedAt().isBefore(since)
          && organization.equals(organizationKey(e)) && e.domains().contains(domain)).count();
      if (recent >= quota.organizationReportsPerDay()) {
        throw new ReportRefusal(ReportIntake.Verdict.OVER_QUOTA, "'" + entry.organization() + "' sent "
            + recent + " reports about " + domain + " in the last 24 hours, the most kept from one organisation "
            + "(RFC 8460 section 4: a report covers one day)");
      }
    }
  }

  private static String organizationKey(StoredReport entry) {
    return entry.organization() == null ? "" : entry.organization().strip().toLowerCase(java.util.Locale.ROOT);
  }

  /** Every kept report's index entry, oldest received first. */
  public synchronized List<StoredReport> entries() {
    return List.copyOf(entries.values());
  }

  public synchronized long totalBytes() {
    return totalBytes;
  }

  /** The bytes the kept reports naming a policy domain take together. */
  public synchronized long domainBytes(String domain) {
    return domainBytes.getOrDefault(StoredReport.domainName(domain), 0L);
  }

  /** Removes what retention no longer allows; whether anything was removed. */
  synchronized boolean prune() throws IOException {
    Instant cutoff = clock.instant().minus(retention);
    List<StoredReport> expired = entries.values().stream().filter(e -> e.receivedAt().isBefore(cutoff)).toList();
    for (StoredReport entry : expired) {
      drop(entry);
    }
    boolean removed = !expired.isEmpty();
    while (totalBytes > maxTotalBytes && !entries.isEmpty()) {
      drop(evictee());
      removed = true;
    }
    return removed;
  }

  /**
   * The report that goes when the store is full: the oldest of the domain whose reports take the
   * most, so that a flood for one domain pushes out that domain's reports, not everyone else's.
   */
  private StoredReport evictee() {
    String largest = domainBytes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
        .orElse(null);
    for (StoredReport entry : entries.values()) {
      if (largest == null || entry.domains().contains(largest)) {
        return entry;
      }
    }
    return entries.values().iterator().next();
  }

  private void drop(StoredReport entry) throws IOException {
    entries.remove(entry.reportId());
    account(entry, -1);
    Files.deleteIfExists(reports.resolve(entry.file()));
  }

  private void put(StoredReport entry) {
    StoredReport old = entries.put(entry.reportId(), entry);
    if (old != null) {
      account(old, -1);
    }
    account(entry, 1);
  }

  private void account(StoredReport entry, int sign) {
    totalBytes += sign * entry.bytes();
    for (String domain : entry.domains()) {
      long bytes = domainBytes.getOrDefault(domain, 0L) + sign * entry.bytes();
      if (bytes <= 0) {
        domainBytes.remove(domain);
      } else {
        domainBytes.put(domain, bytes);
      }
    }
  }

  private void load() throws IOException {
    List<StoredReport> read = new ArrayList<>();
    if (Files.exists(index)) {
      for (String line : Files.readAllLines(index, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          read.add(JSON.readValue(line, StoredReport.class));
        } catch (IOException e) {
          // A line torn by a crash while it was appended: its report file is read back below.
        }
      }
    }
    for (StoredReport entry : read) {
      if (Files.exists(reports.resolve(entry.file()))) {
        entries.remove(entry.reportId());
        put(entry);
      }
    }
    java.util.Set<String> indexed = new java.util.HashSet<>();
    entries.values().forEach(e -> indexed.add(e.file()));
    try (Stream<Path> files = Files.list(reports)) {
      for (Path file : files.sorted(Comparator.comparing(ReportStore::modified)).toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(AtomicFile.TEMPORARY)) {
          Files.deleteIfExists(file);
        } else if (!indexed.contains(name)) {
          recover(file);
        }
      }
    }
    // Oldest received first, as retention expects.
    List<StoredReport> sorted = new ArrayList<>(entries.values());
    sorted.sort(Comparator.comparing(StoredReport::receivedAt));
    entries.clear();
    totalBytes = 0;
    domainBytes.clear();
    sorted.forEach(this::put);
  }

  /** A report file whose index line was lost: read it again, or drop it when it no longer reads. */
  private void recover(Path file) throws IOException {
    byte[] json = Files.readAllBytes(file);
    try {
      TlsReport report = ReportParser.parse(json);
      if (!entries.containsKey(report.reportId())) {
        put(StoredReport.of(report, file.getFileName().toString(), json.length,
            Files.getLastModifiedTime(file).toInstant(), null));
        return;
      }
    } catch (ReportRefusal e) {
      // Not a report (written by something else): not ours to keep.
    }
    Files.deleteIfExists(file);
  }

  private void appendIndex(StoredReport entry) throws IOException {
    byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel channel = FileChannel.open(index, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      channel.write(ByteBuffer.wrap(line));
      channel.force(false);
    }
  }

  private void rewriteIndex() throws IOException {
    StringBuilder text = new StringBuilder();
    for (StoredReport entry : entries.values()) {
      text.append(JSON.writeValueAsString(entry)).append('\n');
    }
    AtomicFile.write(index, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The file of a report: a hash, since a report-id is the sender's text and may hold any character. */
  static String fileName(String reportId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(reportId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 20) + ".json";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Instant modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toInstant();
    } catch (NoSuchFileException e) {
      return Instant.EPOCH;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
