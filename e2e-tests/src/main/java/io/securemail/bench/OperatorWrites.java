package io.securemail.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The operator's write requests, and its reads by name or list, read from the API server's audit
 * log (the lab audits every request of the chart's ServiceAccount, which the operator runs as):
 * what the API server received, not what the operator thinks it sent. Read incrementally; each call of {@link #refresh()} picks up
 * the lines written since the last one.
 */
final class OperatorWrites {

  static final Set<String> WRITE_VERBS = Set.of("create", "update", "patch", "delete", "deletecollection");
  /** Reads that are requests of their own; a watch is one long request and is not counted. */
  static final Set<String> READ_VERBS = Set.of("get", "list");

  private final Path auditLog;
  private final String user;
  private final ObjectMapper json = new ObjectMapper();
  private final List<ApiWrite> writes = new ArrayList<>();
  private final List<ApiWrite> reads = new ArrayList<>();
  private long offset;

  OperatorWrites(Path auditLog, String user) {
    this.auditLog = auditLog;
    this.user = user;
  }

  /** Reads the audit lines written since the last call. */
  synchronized void refresh() {
    if (!Files.exists(auditLog)) {
      return;
    }
    try (RandomAccessFile file = new RandomAccessFile(auditLog.toFile(), "r")) {
      long length = file.length();
      if (length <= offset) {
        return;
      }
      byte[] bytes = new byte[(int) Math.min(length - offset, Integer.MAX_VALUE - 16)];
      file.seek(offset);
      file.readFully(bytes);
      int end = lastNewline(bytes);
      if (end < 0) {
        return;
      }
      offset += end + 1;
      for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          parse(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int lastNewline(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void parse(String line) throws IOException {
    JsonNode event = json.readTree(line);
    // Writes are audited once complete; a watch also has a ResponseStarted stage, no write does.
    String verb = event.path("verb").asText();
    boolean write = WRITE_VERBS.contains(verb);
    if (!"ResponseComplete".equals(event.path("stage").asText())
        || !user.equals(event.path("user").path("username").asText())
        || !write && !READ_VERBS.contains(verb)) {
      return;
    }
    JsonNode ref = event.path("objectRef");
    (write ? writes : reads).add(new ApiWrite(Instant.parse(event.path("requestReceivedTimestamp").asText()),
        event.path("verb").asText(), ref.path("resource").asText(), ref.path("subresource").asText(""),
        ref.path("namespace").asText(""), ref.path("name").asText(""), event.path("responseStatus").path("code").asInt(),
        event.path("responseStatus").path("reason").asText("")));
  }

  /** The writes received in [from, to). */
  synchronized List<ApiWrite> between(Instant from, Instant to) {
    return writes.stream().filter(w -> !w.at().isBefore(from) && w.at().isBefore(to)).toList();
  }

  /** The reads (get, list) received in [from, to). */
  synchronized List<ApiWrite> readsBetween(Instant from, Instant to) {
    return reads.stream().filter(r -> !r.at().isBefore(from) && r.at().isBefore(to)).toList();
  }

  /** When the last write was received, if any was. */
  synchronized Optional<Instant> last() {
    return writes.stream().map(ApiWrite::at).max(Instant::compareTo);
  }

  /** Counts by a key, largest first (then by key). */
  static Map<String, Long> countBy(List<ApiWrite> writes, Function<ApiWrite, String> key) {
    Map<String, Long> counts = writes.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
    return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.LinkedHashMap::new));
  }
}
