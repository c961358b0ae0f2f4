package io.securemail.bench;

/**
 * What the operator's process has done so far, from its own metrics: reconciles the SDK started,
 * CPU time, bytes the JVM allocated.
 */
record OperatorWork(double reconciles, double cpuSeconds, double allocatedBytes) {

  static OperatorWork of(PrometheusText metrics) {
    return new OperatorWork(metrics.total("operator_sdk_reconciliations_started_total"),
        metrics.total("process_cpu_time_ns_total") / 1e9, metrics.total("jvm_gc_memory_allocated_bytes_total"));
  }

  OperatorWork minus(OperatorWork earlier) {
    return new OperatorWork(reconciles - earlier.reconciles, cpuSeconds - earlier.cpuSeconds,
        allocatedBytes - earlier.allocatedBytes);
  }

  String describe(int domains) {
    return String.format("%.0f reconciles (%.1f per domain), %.0f s of CPU, %.1f GiB allocated", reconciles,
        reconciles / domains, cpuSeconds, allocatedBytes / (1L << 30));
  }
}
