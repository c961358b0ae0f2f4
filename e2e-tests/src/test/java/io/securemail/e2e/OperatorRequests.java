package io.securemail.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.securemail.lab.Lab;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The operator's requests as the API server audited them (the lab audits every request of the
 * chart's ServiceAccount): what it really did, not what it thinks it did.
 */
final class OperatorRequests {

  static final Set<String> WRITES = Set.of("create", "update", "patch", "delete", "deletecollection");

  private OperatorRequests() {}

  /** Every audited request of the operator, one entry per request (its last stage). */
  static List<JsonNode> all(Lab lab) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, JsonNode> byAuditId = new TreeMap<>();
    String user = lab.rbac().user();
    // Streamed: after a whole run the log holds well over 100 MB.
    try (BufferedReader lines = Files.newBufferedReader(lab.controlPlane().auditLog())) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.contains(user)) {
          continue;
        }
        JsonNode event = json.readTree(line);
        // A watch is audited when its response starts (it completes only when the watch ends).
        if (user.equals(event.path("user").path("username").asText())) {
          byAuditId.merge(event.path("auditID").asText(), event,
              (first, later) -> "ResponseComplete".equals(later.path("stage").asText()) ? later : first);
        }
      }
    }
    return List.copyOf(byAuditId.values());
  }

  /** The operator's writes in one namespace received after {@code since}, as "verb resource/name". */
  static List<String> writesIn(Lab lab, String namespace, Instant since) throws IOException {
    return all(lab).stream()
        .filter(r -> WRITES.contains(r.path("verb").asText()))
        .filter(r -> namespace.equals(r.path("objectRef").path("namespace").asText()))
        .filter(r -> Instant.parse(r.path("requestReceivedTimestamp").asText()).isAfter(since))
        .map(r -> r.path("verb").asText() + " " + r.path("objectRef").path("resource").asText()
            + (r.path("objectRef").hasNonNull("subresource") ? "/" + r.path("objectRef").path("subresource").asText() : "")
            + "/" + r.path("objectRef").path("name").asText())
        .toList();
  }
}
