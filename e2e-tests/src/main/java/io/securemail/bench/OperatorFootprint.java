package io.securemail.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the operator's process holds: resident memory from the kernel, now and at its peak (the
 * figure a container's memory limit is checked against, VmHWM), and heap from the JVM's own metrics.
 */
record OperatorFootprint(long residentBytes, long peakResidentBytes, long heapUsedBytes, long heapCommittedBytes) {

  static OperatorFootprint of(long pid, PrometheusText metrics) throws IOException {
    long rss = -1;
    long peak = -1;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      // "VmRSS:   123456 kB"
      if (line.startsWith("VmRSS:")) {
        rss = kibibytes(line) * 1024;
      } else if (line.startsWith("VmHWM:")) {
        peak = kibibytes(line) * 1024;
      }
    }
    return new OperatorFootprint(rss, peak, (long) metrics.sum("jvm_memory_used_bytes", "area", "heap"),
        (long) metrics.sum("jvm_memory_committed_bytes", "area", "heap"));
  }

  private static long kibibytes(String statusLine) {
    return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
  }

  static String mib(long bytes) {
    return String.format("%.0f MiB", bytes / 1024.0 / 1024.0);
  }
}
