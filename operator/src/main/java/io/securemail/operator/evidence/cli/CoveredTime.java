package io.securemail.operator.evidence.cli;

import io.securemail.operator.evidence.cli.EvidenceDocument.Compliance;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How long each compliance entry's verdict held, in seconds. A verdict holds from the entry's first
 * run until the first run of the next entry (the run that saw the change), the last entry's until
 * its last run; each span is cut to the document's period. A time in which no run happened (the
 * operator stopped) counts for the verdict before it: the history cannot tell it apart.
 */
final class CoveredTime {

  private CoveredTime() {}

  static List<Long> seconds(List<Compliance> entries, Instant since, Instant until) {
    List<Long> seconds = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Compliance entry = entries.get(i);
      Instant end = i + 1 < entries.size() ? entries.get(i + 1).time() : entry.lastTime();
      if (end.isBefore(entry.lastTime())) {
        end = entry.lastTime();
      }
      Instant start = since != null && entry.time().isBefore(since) ? since : entry.time();
      if (until != null && end.isAfter(until)) {
        end = until;
      }
      seconds.add(end.isAfter(start) ? Duration.between(start, end).toSeconds() : 0L);
    }
    return seconds;
  }
}
