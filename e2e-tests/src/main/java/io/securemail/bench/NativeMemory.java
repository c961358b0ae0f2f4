package io.securemail.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the operator's memory outside the heap goes, from {@code jcmd PID VM.native_memory summary}
 * when the JVM runs with {@code -XX:NativeMemoryTracking=summary} (bench.jvm.extra).
 */
final class NativeMemory {

  private static final Pattern CATEGORY = Pattern.compile("^-\\s+([A-Za-z ]+?) \\(reserved=\\d+KB, committed=(\\d+)KB");

  private NativeMemory() {}

  static boolean tracked(List<String> jvmOptions) {
    return jvmOptions.stream().anyMatch(o -> o.startsWith("-XX:NativeMemoryTracking=") && !o.endsWith("=off"));
  }

  /** The committed memory of each category, largest first, as "name N MiB"; the whole summary in {@code file}. */
  static List<String> committed(long pid, Path file) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.native_memory", "summary")
        .redirectErrorStream(true).redirectOutput(file.toFile()).start();
    if (!p.waitFor(1, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return List.of("(jcmd did not answer within 1 min)");
    }
    return Files.readAllLines(file).stream().map(String::trim).map(CATEGORY::matcher).filter(Matcher::find)
        .map(m -> new Object[] {m.group(1).trim(), Long.parseLong(m.group(2))})
        .sorted((a, b) -> Long.compare((Long) b[1], (Long) a[1]))
        .map(c -> c[0] + " " + Math.round((Long) c[1] / 1024.0) + " MiB").toList();
  }
}
