package io.securemail.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The classes that hold the operator's heap, from {@code jcmd PID GC.class_histogram} (live objects
 * only: it runs a full collection first, so it is taken after the memory figures).
 */
final class HeapHistogram {

  private HeapHistogram() {}

  /** Writes the whole histogram to {@code file} and returns its first {@code top} class lines. */
  static List<String> top(long pid, Path file, int top) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
        .redirectErrorStream(true).redirectOutput(file.toFile()).start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return List.of("(jcmd did not answer within 2 min)");
    }
    // " num     #instances         #bytes  class name (module)", then "   1:  12345  6789012  [B (java.base)"
    return Files.readAllLines(file).stream().filter(l -> l.matches("\\s*\\d+:\\s+\\d+.*")).limit(top)
        .map(l -> l.trim().replaceAll("\\s+", " ")).toList();
  }

  /** The live heap the histogram in {@code file} counted (its "Total" line), or -1 when it has none. */
  static long liveBytes(Path file) throws IOException {
    // "Total   1234567   89012345"
    return Files.readAllLines(file).stream().map(String::trim).filter(l -> l.startsWith("Total"))
        .map(l -> l.split("\\s+")).filter(f -> f.length >= 3).mapToLong(f -> Long.parseLong(f[2]))
        .findFirst().orElse(-1);
  }
}
