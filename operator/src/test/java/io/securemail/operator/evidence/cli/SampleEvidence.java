package io.securemail.operator.evidence.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The sample document in test resources, shaped as the operator serves it: a month of example.org
 * with a DANE rollover in which dane.match failed for six runs, a second MX host added, and two
 * TLS reports, one of them from an organisation whose name is markup.
 */
final class SampleEvidence {

  static final Instant EXPORTED_AT = Instant.parse("2026-12-06T22:00:00Z");
  static final EvidenceExport.Tool TOOL = new EvidenceExport.Tool(EvidenceCommand.TOOL, "1.2.3");

  private SampleEvidence() {}

  static String json() {
    try (InputStream in = SampleEvidence.class.getResourceAsStream("/evidence/example.org.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static EvidenceDocument document() throws ExportFailure {
    return EvidenceReader.read(json());
  }

  static EvidenceExport export() throws ExportFailure {
    return EvidenceMapping.map(document(), EXPORTED_AT, TOOL);
  }
}
