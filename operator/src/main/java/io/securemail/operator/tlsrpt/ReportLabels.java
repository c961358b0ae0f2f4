package io.securemail.operator.tlsrpt;

import io.securemail.operator.api.SecureMailDomain;
import java.time.Instant;
import java.util.List;

/**
 * The operator's own changes to a domain that overlap a reported window [start, end]
 * ("reported during Switching of mx1.example.org"), so a failure can be told from an attack.
 */
@FunctionalInterface
public interface ReportLabels {

  /** No history known: no labels. */
  ReportLabels NONE = (domain, start, end) -> List.of();

  List<String> during(SecureMailDomain domain, Instant start, Instant end);
}
