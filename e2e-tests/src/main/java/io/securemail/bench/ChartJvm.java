package io.securemail.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's JVM options as the Helm chart runs it: the image's entrypoint options (the heap as
 * -XX:MaxRAMPercentage of the memory the JVM sees, the collector and its heap ratios), in a
 * container whose memory limit is the chart's resources.limits.memory. On the machine, outside a
 * container, -XX:MaxRAM makes the JVM see that limit as its memory, so that the heap's maximum and
 * its initial size (a fraction of that memory, not of the machine's) are the container's.
 */
final class ChartJvm {

  static final long FALLBACK_LIMIT_MIB = 512;

  private ChartJvm() {}

  /** The chart's resources.limits.memory, in MiB. */
  static long limitMib(Path repo) {
    try {
      String values = Files.readString(repo.resolve("helm/securemail-operator/values.yaml"));
      Matcher limit = Pattern.compile("(?m)^resources:\\s*\\n(?:[ \\t].*\\n)*?\\s+limits:\\s*\\n\\s+memory:\\s*(\\d+)Mi")
          .matcher(values);
      return limit.find() ? Long.parseLong(limit.group(1)) : FALLBACK_LIMIT_MIB;
    } catch (IOException e) {
      System.err.println("[bench] the chart's memory limit not read (" + e.getMessage() + "); " + FALLBACK_LIMIT_MIB
          + " MiB");
      return FALLBACK_LIMIT_MIB;
    }
  }

  static List<String> options(Path repo) {
    long limitMib = limitMib(repo);
    List<String> options = new ArrayList<>();
    try {
      String dockerfile = Files.readString(repo.resolve("operator/src/main/docker/Dockerfile"));
      // Every -XX option of the image's entrypoint, and its settings of the JDK's thread pools, as given
      // (JDK_JAVA_OPTIONS, an ENV line before it, reaches the JVM through environment()).
      String entrypoint = dockerfile.substring(dockerfile.indexOf("ENTRYPOINT"));
      Matcher xx = Pattern.compile("\"(-XX:[^\"]+|-Djava\\.util\\.concurrent\\.[^\"]+)\"").matcher(entrypoint);
      while (xx.find()) {
        options.add(xx.group(1));
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("[bench] chart JVM settings not read (" + e.getMessage() + "); the image's defaults");
      options = new ArrayList<>(List.of("-XX:MaxRAMPercentage=50.0", "-XX:+ExitOnOutOfMemoryError",
          "-XX:-UsePerfData"));
    }
    options.add(0, "-XX:MaxRAM=" + limitMib + "m");
    options.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
    return options;
  }

  /**
   * {@link #options} and, from system property {@code bench.jvm.extra}, options for looking inside
   * (e.g. {@code -XX:NativeMemoryTracking=summary}); not the chart's, so the table prints them.
   */
  static List<String> optionsWithExtra(Path repo) {
    List<String> jvm = new ArrayList<>(options(repo));
    String extra = System.getProperty("bench.jvm.extra", "").trim();
    if (!extra.isEmpty()) {
      jvm.addAll(List.of(extra.split("\\s+")));
    }
    return jvm;
  }

  /**
   * The options as the operator's JVM gets them: the image's JDK_JAVA_OPTIONS, which the java
   * launcher puts before its command line, then the command line's.
   */
  static String described(Path repo, List<String> jvm) {
    String launcher = environment(repo).getOrDefault("JDK_JAVA_OPTIONS", "");
    return (launcher.isBlank() ? "" : launcher + " (JDK_JAVA_OPTIONS) ") + String.join(" ", jvm);
  }

  /** The image's environment (its ENV lines), which the JVM and the C library read too. */
  static Map<String, String> environment(Path repo) {
    Map<String, String> env = new LinkedHashMap<>();
    try {
      Matcher line = Pattern.compile("(?m)^ENV ([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|'[^']*'|\\S+)").matcher(
          Files.readString(repo.resolve("operator/src/main/docker/Dockerfile")));
      while (line.find()) {
        env.put(line.group(1), line.group(2).replaceAll("^['\"]|['\"]$", ""));
      }
    } catch (IOException e) {
      System.err.println("[bench] the image's environment not read (" + e.getMessage() + ")");
    }
    return env;
  }
}
