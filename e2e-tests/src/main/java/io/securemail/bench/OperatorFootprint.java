package io.securemail.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the operator's process holds: resident memory from the kernel, heap from the JVM's own metrics. */
record OperatorFootprint(long residentBytes, long heapUsedBytes) {

  static OperatorFootprint of(long pid, PrometheusText metrics) throws IOException {
    long rss = -1;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        // "VmRSS:   123456 kB"
        rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    long heap = (long) metrics.sum("jvm_memory_used_bytes", "area", "heap");
    return new OperatorFootprint(rss, heap);
  }

  static String mib(long bytes) {
    return String.format("%.0f MiB", bytes / 1024.0 / 1024.0);
  }
}
